/** What both soaks (bench/soak.ts, bench/soak-redis.ts) measure and judge alike. */
import { readFileSync } from "node:fs";

/** A process's resident memory in MB, from /proc (0 once it is gone). */
export function rssMB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** How many of the `seen` flags are still 0: messages that never came back. */
export function countLost(seen: Uint8Array): number {
  return seen.reduce((missing, bit) => missing + (bit ? 0 : 1), 0);
}

/** One sample of a soak: messages done, and RSS of this process and each worker. */
export interface RssSample {
  done: number;
  mainMB: number;
  workersMB: number[];
}

/**
 * RSS growth from the first sample at 10% of the messages to the end: the first 10% are
 * the V8 heaps reaching their working size, not a leak.
 */
export function growthFrom10Percent<S extends RssSample>(
  samples: S[],
  total: number,
): { steady: S[]; first: S | undefined; mainMB: number; workersMB: number[] } {
  const steady = samples.filter((row) => row.done >= total * 0.1);
  const first = steady[0] ?? samples[0];
  const end = samples[samples.length - 1];
  return {
    steady,
    first,
    mainMB: (end?.mainMB ?? 0) - (first?.mainMB ?? 0),
    workersMB: (end?.workersMB ?? []).map((mb, i) => mb - (first?.workersMB[i] ?? 0)),
  };
}
