import { compare } from "./harness.js";
import * as startup from "./suites/startup.js";

const show = (rows: { name: string; median: number; runs: number[] }[]) => {
  for (const row of rows)
    console.log(row.name, row.median.toFixed(1), row.runs.map((x) => x.toFixed(1)).join(" "));
};
show(await compare(startup.contenders(), 9));
