/**
 * The warm pools of this context: one per kind and set of worker options (the key is a
 * stable JSON of them, so the same options in another order find the same pool). A pool
 * whose workers all left after their idle timeout, with no call using it, is forgotten.
 */
import { createRequire } from "node:module";
import { clearStaging } from "../codec/staging.js";
import type { ContextName } from "../constants.js";
import type { WorkerOptions } from "../worker/options.js";
import { spareThread } from "../worker/spare.js";
import { Pool, type PoolStats } from "./pool.js";

const pools = new Map<string, Pool>();
const require = createRequire(import.meta.url);

/** The warm pool for this kind and these worker options, created on first use. */
export function poolFor(kind: ContextName, options: Readonly<WorkerOptions> = {}): Pool {
  const key = poolKey(kind, options);
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(kind, options, (empty) => {
      if (pools.get(key) === empty) pools.delete(key);
    });
    pools.set(key, pool);
  }
  return pool;
}

/**
 * The same key for the same options in any order. Loaded on first use (then from require's
 * cache): workers never need it, and a CommonJS load costs a new thread ~5 ms.
 */
function poolKey(kind: ContextName, options: Readonly<WorkerOptions>): string {
  const stableStringify = require("fast-json-stable-stringify") as (value: unknown) => string;
  return stableStringify({ kind, options });
}

/**
 * What each warm `map` pool is doing: its workers, how many are busy, the items done and
 * the time spent in tasks. Cheap enough to call for every progress update. A pool whose
 * workers all exited after their idle timeout is no longer listed.
 *
 * @example
 * ```ts
 * for (const pool of poolStats()) console.log(`${pool.kind}: ${pool.busy}/${pool.workers} busy, ${pool.tasksDone} done`);
 * ```
 */
export function poolStats(): PoolStats[] {
  return [...pools.values()].map((pool) => pool.stats());
}

/**
 * Stops the workers of every warm pool, and the spare thread, now; a `map` still running
 * rejects. Never needed for a script to exit (idle workers hold nothing, and leave after
 * the idle timeout); useful in test teardown or to free memory at once. It also lets go of
 * the free shared slots a `map` on threads stages its large copies in.
 */
export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all([...all.map((pool) => pool.close()), spareThread.close()]);
  clearStaging();
}
