import { decode, encode } from "../codec/codec.js";
import { CONTEXT_NAMES, type ContextName, NUM_CPUS, NUM_THREADS } from "../constants.js";
import {
  ArgumentTypeError,
  EzqError,
  preview,
  WorkerDeathsError,
  WorkerExitError,
} from "../errors.js";
import { collectSent, holdUntil } from "../queue/core.js";
import {
  expectBoolean,
  expectKnownKeys,
  expectOneOf,
  expectPositiveInteger,
  isPlainObject,
} from "../validate.js";
import { checkWorkerOptions, type WorkerOptions } from "../worker/options.js";
import { type ChunkOutcome, decodeThrown } from "../worker/outcome.js";
import { describeTask, type Task, type TaskSpec } from "../worker/task.js";
import { ChunkSizer } from "./chunking.js";
import { DEPTH, type PoolCall, poolFor } from "./pool.js";
import { ZipReader } from "./zip.js";

/** Options of `map`, given as its last argument. */
export interface MapOptions {
  /** Number of workers. Default `NUM_CPUS` for processes, `NUM_THREADS` for threads. */
  num?: number;
  /** `"thread"` (default: threads already use every CPU in Node) or `"process"` (isolation). */
  kind?: ContextName;
  /** Items per message to a worker. Default: chosen from the measured task time. */
  chunkSize?: number;
  /** Yield results in input order (default `true`), or as they complete. */
  ordered?: boolean;
  /** Aborting stops the work: no new items start, and the iteration rejects with the reason. */
  signal?: AbortSignal;
  /** How to start the pool's workers (env, execArgv, resourceLimits, name); one pool per set. */
  worker?: WorkerOptions;
  /**
   * Called as results arrive, with the number of items done and, when the input's length is
   * known (arrays, Sets, Maps), the total: follow a long `map` without wrapping its iterator.
   *
   * @param progress - `done`, the items finished so far, and `total`, when known.
   */
  onProgress?: (progress: MapProgress) => void;
}

/** How far a `map` has come: items done, and the total when the input's length is known. */
export interface MapProgress {
  /** Items whose results have arrived. */
  done: number;
  /** All items, when the input's length is known (arrays, Sets, Maps); else `undefined`. */
  total: number | undefined;
}

/** The iterables `map` zips for a task with parameters `A`. */
export type IterablesFor<A extends unknown[]> = {
  [K in keyof A]: Iterable<A[K]> | AsyncIterable<A[K]>;
};

const OPTION_KEYS = ["num", "kind", "chunkSize", "ordered", "signal", "worker", "onProgress"];

/**
 * The result of `map`: iterate it with `for await` to stream results as they complete
 * (in input order unless `ordered: false`), or `await` it for the array. It can be
 * consumed once.
 */
export class MapResult<R> implements AsyncIterable<R>, PromiseLike<R[]> {
  readonly #chunks: () => AsyncGenerator<R[]>;
  #consumed = false;
  #all: Promise<R[]> | undefined;

  /** @internal */
  constructor(chunks: () => AsyncGenerator<R[]>) {
    this.#chunks = chunks;
  }

  /** Yields results as they arrive (in input order unless `ordered: false`). */
  async *[Symbol.asyncIterator](): AsyncIterator<R> {
    for await (const chunk of this.#take()) yield* chunk;
  }

  // biome-ignore lint/suspicious/noThenProperty: being awaitable is the point of MapResult
  then<A = R[], B = never>(
    onfulfilled?: ((value: R[]) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.#all ??= (async () => {
      const out: R[] = [];
      for await (const chunk of this.#take()) for (const value of chunk) out.push(value);
      return out;
    })();
    return this.#all.then(onfulfilled, onrejected);
  }

  #take(): AsyncGenerator<R[]> {
    if (this.#consumed) {
      throw new EzqError(
        "EZQ_MAP_CONSUMED",
        "this map() result was already consumed; call map() again to run it again",
      );
    }
    this.#consumed = true;
    return this.#chunks();
  }
}

/**
 * Applies `task` to the items of the iterables zipped together (`task(a, b)` for two
 * iterables; zip stops at the shortest) on a warm pool of workers. Iterables may be sync
 * or async, and infinite: input is read lazily with a bounded number of items in flight.
 * A task that throws rejects with its error, whose `itemIndex` is the failing item's index.
 *
 * @typeParam A - the task's parameters: one per iterable.
 * @typeParam R - what the task returns.
 * @param task - an inline function (or a `fromModule` reference) taking one item of each
 *   iterable.
 * @param iterables - the inputs: one iterable (sync or async) per parameter of `task`.
 * @returns the results in input order: iterate them with `for await` as they complete, or
 *   `await` them all as an array.
 *
 * @example
 * ```ts
 * console.log(await map((x: number) => x * 2, [0, 1, 2, 3, 4, 5]));
 * // => [ 0, 2, 4, 6, 8, 10 ]
 * for await (const line of map(render, pages, { kind: "process" })) console.log(line);
 * ```
 */
export function map<A extends unknown[], R>(
  task: Task<A, R>,
  ...iterables: IterablesFor<A>
): MapResult<Awaited<R>>;
/**
 * `map` with options after the iterables: the last argument is the options when it is a
 * plain object that is not iterable.
 *
 * @typeParam A - the task's parameters: one per iterable.
 * @typeParam R - what the task returns.
 * @param task - an inline function (or a `fromModule` reference) taking one item of each
 *   iterable.
 * @param iterablesAndOptions - the inputs, one iterable per parameter of `task`, then the
 *   options: `num` (workers), `kind` (`"thread"` or `"process"`), `chunkSize`, `ordered`,
 *   `signal`, `onProgress` and `worker` (see {@link MapOptions}).
 * @returns the results: in input order, or as they complete with `ordered: false`.
 *
 * @example
 * ```ts
 * const lengths = await map((s: string) => s.length, ["a", "bb"], { kind: "process", num: 2 });
 * ```
 */
export function map<A extends unknown[], R>(
  task: Task<A, R>,
  ...iterablesAndOptions: [...IterablesFor<A>, MapOptions]
): MapResult<Awaited<R>>;
export function map(task: unknown, ...rest: unknown[]): MapResult<unknown> {
  const spec = describeTask(task, "map(task)");
  const last = rest[rest.length - 1];
  const options = isPlainObject(last) ? (rest.pop() as MapOptions) : {};
  const settings = checkOptions(options);
  if (rest.length === 0) {
    throw new ArgumentTypeError("map(task, ...iterables) needs at least one iterable of inputs");
  }
  const input = new ZipReader(rest);
  const length = ZipReader.knownLength(rest);
  return new MapResult(() => runChunks(spec, input, length, settings));
}

interface Settings {
  kind: ContextName;
  num: number;
  chunkSize: number | undefined;
  ordered: boolean;
  signal: AbortSignal | undefined;
  worker: Readonly<WorkerOptions>;
  onProgress: ((progress: MapProgress) => void) | undefined;
}

function checkOptions(options: MapOptions): Settings {
  expectKnownKeys("map options", options, OPTION_KEYS);
  const { kind = "thread", chunkSize, ordered = true, signal } = options;
  expectOneOf("map option kind", kind, CONTEXT_NAMES);
  const num = options.num ?? (kind === "process" ? NUM_CPUS : NUM_THREADS);
  expectPositiveInteger("map option num", num);
  if (chunkSize !== undefined) expectPositiveInteger("map option chunkSize", chunkSize);
  expectBoolean("map option ordered", ordered);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ArgumentTypeError(
      `map option signal must be an AbortSignal, received ${preview(signal)}`,
    );
  }
  const worker = checkWorkerOptions("map option worker", kind, options.worker);
  const { onProgress } = options;
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new ArgumentTypeError(
      `map option onProgress must be a function, received ${preview(onProgress)}`,
    );
  }
  return { kind, num, chunkSize, ordered, signal, worker, onProgress };
}

interface Chunk {
  readonly start: number;
  readonly count: number;
  readonly items: string;
  call?: PoolCall;
  outcome?: ChunkOutcome;
  error?: unknown;
}

/** Worker deaths one `map` call survives (each time the chunk runs again on a new worker). */
export const MAX_WORKER_DEATHS = 3;

/** Dispatches chunks to the pool and yields their results, in order or as they complete. */
async function* runChunks<R>(
  spec: TaskSpec,
  input: ZipReader,
  length: number | undefined,
  { kind, num, chunkSize, ordered, signal, worker, onProgress }: Settings,
): AsyncGenerator<R[]> {
  signal?.throwIfAborted();
  const pool = poolFor(kind, num, worker);
  const sizer = new ChunkSizer(chunkSize, length, num);
  /** Chunks dispatched and not yet yielded: bounded, so memory does not grow with the input. */
  const window: Chunk[] = [];
  const maxWindow = num * DEPTH * 2;
  let nextStart = 0;
  let deaths = 0;
  let done = 0;
  let wake: () => void = () => {};
  const onAbort = () => wake();
  const dispatch = (chunk: Chunk) => {
    chunk.call = pool.call(spec, chunk.items, chunk.count);
    chunk.call.result.then(
      (outcome) => {
        chunk.outcome = outcome;
        wake();
      },
      (error) => {
        chunk.error = error;
        wake();
      },
    );
  };
  signal?.addEventListener("abort", onAbort);
  try {
    for (;;) {
      while (!input.done && window.length < maxWindow) {
        const tuples = await input.read(sizer.next(nextStart));
        if (tuples.length === 0) break;
        const chunk: Chunk = {
          start: nextStart,
          count: tuples.length,
          items: encodeItems(tuples, nextStart, kind),
        };
        nextStart += tuples.length;
        window.push(chunk);
        dispatch(chunk);
      }
      signal?.throwIfAborted();
      // A chunk whose worker died runs again on a new worker, a bounded number of times.
      for (const chunk of window) {
        if (!(chunk.error instanceof WorkerExitError)) continue;
        if (++deaths > MAX_WORKER_DEATHS) {
          throw new WorkerDeathsError(MAX_WORKER_DEATHS, chunk.start, { cause: chunk.error });
        }
        chunk.error = undefined;
        dispatch(chunk);
      }
      const ready = ordered ? takeReadyInOrder(window) : takeReady(window);
      for (const chunk of ready) {
        // Results before a failing item are yielded first, then its error is thrown.
        const { values, error } = unpack<R>(chunk, sizer);
        done += values.length;
        if (values.length > 0) onProgress?.({ done, total: length });
        if (values.length > 0) yield values;
        if (error) throw error;
      }
      if (input.done && window.length === 0) return;
      if (ready.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // Stopped early (break, abort, error): no new items start, and running ones are stopped.
    for (const chunk of window) if (!isSettled(chunk)) chunk.call?.cancel();
    await input.close();
  }
}

function takeReadyInOrder(window: Chunk[]): Chunk[] {
  let n = 0;
  while (n < window.length && isSettled(window[n] as Chunk)) n++;
  return window.splice(0, n);
}

function takeReady(window: Chunk[]): Chunk[] {
  const ready = window.filter(isSettled);
  for (const chunk of ready) window.splice(window.indexOf(chunk), 1);
  return ready;
}

function isSettled(chunk: Chunk): boolean {
  return chunk.outcome !== undefined || chunk.error !== undefined;
}

/** The chunk's results and, for a failed chunk, the error of its failing item. */
function unpack<R>(chunk: Chunk, sizer: ChunkSizer): { values: R[]; error?: unknown } {
  if (chunk.error !== undefined) return { values: [], error: chunk.error };
  const outcome = chunk.outcome as ChunkOutcome;
  const values = decode(outcome.values) as R[];
  if (outcome.ok) {
    sizer.record(chunk.count, outcome.ms);
    return { values };
  }
  const error = decodeThrown(outcome.error, outcome.isError);
  if (Object.isExtensible(error)) Object.assign(error, { itemIndex: chunk.start + outcome.index });
  return { values, error };
}

/** Pool workers live on: a queue sent to them stays reachable for as long as they do. */
const POOL_LIFETIME = new Promise<never>(() => {});

function encodeItems(tuples: unknown[][], start: number, kind: ContextName): string {
  try {
    const [text, queues] = collectSent(() => encode(tuples, "input", kind));
    holdUntil(queues, POOL_LIFETIME);
    return text;
  } catch {
    // Find the tuple at fault, so the message names the item's index in the whole input.
    for (const [i, tuple] of tuples.entries()) encode(tuple, `input[${start + i}]`, kind);
    throw new EzqError("EZQ_DATA_CLONE", "map input could not be encoded");
  }
}
