import { compare } from "./harness.js";
import * as queues from "./suites/queues.js";
import * as summer from "./suites/summer.js";

const show = (rows: { name: string; median: number; runs: number[] }[]) => {
  for (const row of rows)
    console.log(
      row.name,
      Math.round(row.median),
      row.runs.map((x) => Math.round(x)),
    );
};
show(await compare(queues.contenders("thread"), 5));
show(await compare(queues.contenders("process"), 5));
show(await compare(summer.contenders(), 5));
