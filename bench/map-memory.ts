/**
 * Peak RSS of `map` over an infinite generator, for several input sizes, each run in a
 * fresh process several times: the median must not grow with the number of items. The
 * `queue` case zips every item with the same `Q`, in chunks of 10: a pool worker holds a
 * queue once, not once per chunk that carries it.
 *
 * Usage: npm run bench:memory
 */
import { execFileSync } from "node:child_process";
import { median } from "./median.js";

const cases = [
  { mode: "plain", runs: 5 },
  { mode: "queue", runs: 3 },
];
const rows: Array<{ mode: string; items: number; medianPeakRssMB: number; runs: number[] }> = [];
for (const { mode, runs: count } of cases) {
  for (const items of [100_000, 1_000_000, 3_000_000]) {
    const runs: number[] = [];
    for (let i = 0; i < count; i++) {
      const out = execFileSync("npx", ["tsx", "bench/map-memory-probe.ts", String(items), mode], {
        encoding: "utf8",
      });
      runs.push(JSON.parse(out.trim().split("\n").at(-1) as string).peakRssMB);
    }
    rows.push({ mode, items, medianPeakRssMB: median(runs), runs });
    console.log(JSON.stringify(rows.at(-1)));
  }
}
