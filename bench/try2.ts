import { compare } from "./harness.js";
import { fairness } from "./suites/fairness.js";
import * as cpu from "./suites/map-cpu.js";
import * as queues from "./suites/queues.js";
import * as startup from "./suites/startup.js";
import * as summer from "./suites/summer.js";

const show = (rows: { name: string; median: number; runs: number[] }[]) => {
  for (const row of rows)
    console.log(
      row.name,
      Math.round(row.median * 100) / 100,
      row.runs.map((x) => Math.round(x * 100) / 100),
    );
};
show(await compare(queues.contenders("thread"), 3));
show(await compare(queues.contenders("process"), 3));
show(await compare(startup.contenders(), 5));
show(await compare(startup.warmMap(), 9));
console.log("fairness", await fairness());
show(await compare(summer.contenders(), 3));
const spin = cpu.calibrate();
const serial = cpu.serialTime(spin);
console.log("spin", spin, "serial ms", serial);
show(
  await compare(
    cpu.contenders(spin, () => serial),
    3,
  ),
);
