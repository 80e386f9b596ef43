/**
 * `npm run bench:watchdog`: what the parent watchdog (src/worker/watchdog.ts) costs a child
 * process: the time its start takes on the child's main thread, and fork-to-first-message
 * with and without it, alternating, medians of 21 runs.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./median.js";

const CHILD = fileURLToPath(new URL("./peers/watchdog-child.ts", import.meta.url));
const RUNS = 21;

async function once(variant: "with" | "without"): Promise<{ readyMs: number; syncMs: number }> {
  const started = performance.now();
  const child = fork(CHILD, [variant], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const { syncMs } = await new Promise<{ syncMs: number }>((resolve) =>
    child.once("message", (m) => resolve(m as { syncMs: number })),
  );
  const readyMs = performance.now() - started;
  child.disconnect();
  await new Promise((resolve) => child.once("exit", resolve));
  return { readyMs, syncMs };
}

const figures = { with: [] as number[], without: [] as number[], sync: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  for (const variant of i % 2 ? (["with", "without"] as const) : (["without", "with"] as const)) {
    const { readyMs, syncMs } = await once(variant);
    figures[variant].push(readyMs);
    if (variant === "with") figures.sync.push(syncMs);
  }
}
const r = (x: number) => x.toFixed(2);
console.log(`| figure (medians of ${RUNS}) | ms |`);
console.log("|---|---|");
console.log(`| fork to first message, no watchdog | ${r(median(figures.without))} |`);
console.log(`| fork to first message, with the watchdog | ${r(median(figures.with))} |`);
console.log(`| the watchdog's start on the child's main thread | ${r(median(figures.sync))} |`);
