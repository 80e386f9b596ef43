/**
 * Fails the run if any process started from this project's worker entry is still alive
 * once every test file has finished: tests must not leave workers behind.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { eventually } from "./deadline.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Processes whose command line runs a worker entry of this checkout. */
export function leftoverWorkers(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (
        cmdline.includes(`${root}src/worker/entry`) ||
        cmdline.includes(`${root}dist/worker/entry`)
      ) {
        found.push(`${pid}: ${cmdline.trim()}`);
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export async function teardown(): Promise<void> {
  // Children notice a parent's exit within a moment; give them that moment.
  await eventually(() => leftoverWorkers().length === 0, "no worker left", 2_000).catch(() => {});
  const left = leftoverWorkers();
  if (left.length > 0) {
    throw new Error(`Tests left ${left.length} worker process(es) running:\n${left.join("\n")}`);
  }
}
