/**
 * Peak RSS of `map` over an infinite generator, for several input sizes, each run in a
 * fresh process 5 times: the median must not grow with the number of items.
 *
 * Usage: npm run bench:memory
 */
import { execFileSync } from "node:child_process";
import { median } from "./median.js";

const RUNS = 5;
const rows: Array<{ items: number; medianPeakRssMB: number; runs: number[] }> = [];
for (const items of [100_000, 1_000_000, 3_000_000]) {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync("npx", ["tsx", "bench/map-memory-probe.ts", String(items)], {
      encoding: "utf8",
    });
    runs.push(JSON.parse(out.trim().split("\n").at(-1) as string).peakRssMB);
  }
  rows.push({ items, medianPeakRssMB: median(runs), runs });
  console.log(JSON.stringify(rows.at(-1)));
}
