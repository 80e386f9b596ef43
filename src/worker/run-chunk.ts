/**
 * A `map` pool worker's chunk: the task applied to each argument tuple in turn. A task
 * that throws ends the chunk with a `ChunkError` carrying the results before it.
 */
import { canEncode, decode, encode } from "../codec/codec.js";
import { ChunkError } from "../errors.js";
import { routes } from "../queue/routes.js";
import { type ChunkDone, withBytes } from "./api.js";
import { explainScopeError, loadTask } from "./compile.js";
import { RESULT_CONTEXT } from "./run-task.js";
import type { Task, TaskSpec } from "./task.js";

/**
 * Runs a chunk in a turn of its own. A pool sends two chunks per worker, and both may
 * arrive in one batch: run back to back in the same turn, the second would hold back the
 * first one's reply (sent from a microtask), and the worker would then wait for its next
 * chunk instead of having it queued.
 */
export function runChunkNextTurn(spec: TaskSpec, items: string): Promise<ChunkDone> {
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(runChunk(spec, items));
      } catch (error) {
        reject(error);
      }
    }),
  );
}

/** The chunk's results, or (rejecting or throwing) a `ChunkError`. */
function runChunk(spec: TaskSpec, items: string): ChunkDone | Promise<ChunkDone> {
  let task: Task | Promise<Task>;
  try {
    task = loadTask(spec);
  } catch (thrown) {
    return failed(thrown, spec, 0, []);
  }
  if (task instanceof Promise) {
    return task.then(
      (loaded) => decodeAndApply(loaded, spec, items),
      (thrown) => failed(thrown, spec, 0, []),
    );
  }
  return decodeAndApply(task, spec, items);
}

/**
 * The chunk's time counts its decoding: copying large items out of their staged slots is
 * part of what each item costs here, and the sizer must see it, or it would lump many
 * "free" items on one worker.
 */
function decodeAndApply(task: Task, spec: TaskSpec, items: string): ChunkDone | Promise<ChunkDone> {
  const started = performance.now();
  return applyTask(task, spec, decode(items) as unknown[][], started);
}

/**
 * Calls the task on each tuple from this synchronous function, going async only when the
 * task returns a promise: a hot loop inlined into an async function runs several times
 * slower on Node 20's V8.
 */
function applyTask(
  task: Task,
  spec: TaskSpec,
  items: unknown[][],
  started: number,
): ChunkDone | Promise<ChunkDone> {
  const values: unknown[] = new Array(items.length);
  // map's `args`, decoded once per chunk: appended to each item's own arguments.
  if (spec.extra !== undefined) task = withExtra(task, decode(spec.extra) as unknown[]);
  for (let i = 0; i < items.length; i++) {
    let value: unknown;
    try {
      value = task(...(items[i] as unknown[]));
    } catch (thrown) {
      return failed(thrown, spec, i, values.slice(0, i));
    }
    if (isThenable(value)) return finishAsync(task, spec, items, values, i, value, started);
    values[i] = value;
  }
  return succeeded(values, started);
}

async function finishAsync(
  task: Task,
  spec: TaskSpec,
  items: unknown[][],
  values: unknown[],
  from: number,
  first: PromiseLike<unknown>,
  started: number,
): Promise<ChunkDone> {
  for (let i = from; i < items.length; i++) {
    try {
      values[i] = await (i === from ? first : task(...(items[i] as unknown[])));
    } catch (thrown) {
      return failed(thrown, spec, i, values.slice(0, i));
    }
  }
  return succeeded(values, started);
}

function succeeded(values: unknown[], started: number): ChunkDone {
  routes.finishRemoteReads();
  try {
    const encoded = encode(values, "result", RESULT_CONTEXT);
    return withBytes({ values: encoded, ms: performance.now() - started }, encoded, true);
  } catch (thrown) {
    throw new ChunkError(thrown, 0, []); // a result that cannot cross fails the whole chunk
  }
}

/** Ends the chunk at item `index`; results that cannot cross are dropped, and the chunk fails from its start. */
function failed(thrown: unknown, spec: TaskSpec, index: number, values: unknown[]): never {
  routes.finishRemoteReads();
  const error = explainScopeError(thrown, spec);
  throw canEncode(values) ? new ChunkError(error, index, values) : new ChunkError(error, 0, []);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** The task with `extra` given after each call's own arguments. */
function withExtra(task: Task, extra: unknown[]): Task {
  return (...args: unknown[]) => task(...args, ...extra);
}
