/** The options of `map`, checked once at the call. */
import { CONTEXT_NAMES, type ContextName, NUM_CPUS, NUM_THREADS } from "../constants.js";
import { ArgumentRangeError, ArgumentTypeError, preview } from "../errors.js";
import { secretFromEnv } from "../redis/sign.js";
import type { RedisTarget } from "../redis/url.js";
import { expectBoolean, expectKnownKeys, expectOneOf, expectPositiveInteger } from "../validate.js";
import { clusterTarget } from "../worker/cluster.js";
import { checkWorkerOptions, type WorkerOptions } from "../worker/options.js";

/**
 * How long a pool worker stays once idle, by default: long enough that `map` calls in a
 * row (or a few seconds apart) reuse warm workers, short enough that a program that maps
 * now and then holds no idle workers in between. piscina stops idle threads at once
 * (`idleTimeout: 0`) but keeps `minThreads` (half the CPUs) forever; ezq keeps none.
 */
export const DEFAULT_IDLE_TIMEOUT = 5_000;

/** Options of `map`, given as its last argument. */
export interface MapOptions {
  /**
   * Extra arguments given to every call, after the items: `map((x, factor) => x * factor,
   * xs, { args: [3] })`. Encoded once per `map` call, not per item: the way to give every
   * item the same table, settings or queue, since a task cannot close over variables.
   */
  args?: unknown[];
  /** The most workers this call uses at once. Default `NUM_CPUS` for processes, `NUM_THREADS` for threads. */
  num?: number;
  /** `"thread"` (default: threads already use every CPU in Node) or `"process"` (isolation). */
  kind?: ContextName;
  /** Items per message to a worker. Default: chosen from the measured task time. */
  chunkSize?: number;
  /** Yield results in input order (default `true`), or as they complete. */
  ordered?: boolean;
  /** Aborting stops the work: no new items start, and `map` rejects with the reason at once. */
  signal?: AbortSignal;
  /** How to start the pool's workers (env, execArgv, resourceLimits, name); one pool per set. */
  worker?: WorkerOptions;
  /**
   * Milliseconds the workers this call used stay once idle, warm for the next call; then
   * they exit. Default 5000 (`DEFAULT_IDLE_TIMEOUT`); `Infinity` keeps them until `closePools()`.
   */
  idleTimeout?: number;
  /**
   * Called as results arrive, with the number of items done and, when the input's length is
   * known (arrays, Sets, Maps), the total: follow a long `map` without wrapping its iterator.
   *
   * @param progress - `done`, the items finished so far, and `total`, when known.
   */
  onProgress?: (progress: MapProgress) => void;
  /**
   * Run the chunks on agents (`ezq worker`) that serve this Redis server instead of on a
   * local pool: a `redis://` URL, or `true` for `EZQ_REDIS_URL`. Needs `EZQ_SECRET`. `num`
   * is then the number of agent workers the chunks are sized for (default 8), with up to
   * four chunks each in flight; `kind` and `worker` are the agents' own.
   */
  cluster?: string | true;
}

/** How far a `map` has come: items done, and the total when the input's length is known. */
export interface MapProgress {
  /** Items whose results have arrived. */
  done: number;
  /** All items, when the input's length is known (arrays, Sets, Maps); else `undefined`. */
  total: number | undefined;
}

/** The options of one call, checked, with their defaults. */
export interface Settings {
  kind: ContextName;
  num: number;
  chunkSize: number | undefined;
  ordered: boolean;
  signal: AbortSignal | undefined;
  worker: Readonly<WorkerOptions>;
  idleTimeout: number;
  onProgress: ((progress: MapProgress) => void) | undefined;
  /** The same extra arguments for every call, after the items; `[]` when none. */
  args: unknown[];
  /** The Redis server whose agents run the chunks, if any. */
  cluster: RedisTarget | undefined;
  /** `num` was not given for a cluster: it becomes the agents' own count once they tell it. */
  numFromAgents: boolean;
}

/**
 * The workers a cluster's chunks are sized for until the agents alive have told how many
 * they run (or when none has): enough to keep a few agents busy.
 */
const CLUSTER_NUM = 8;

const OPTION_KEYS = [
  "args",
  "num",
  "kind",
  "chunkSize",
  "ordered",
  "signal",
  "worker",
  "idleTimeout",
  "onProgress",
  "cluster",
];

/** Checks `map`'s options: each bad one throws an error naming it and the value received. */
export function checkOptions(options: MapOptions): Settings {
  expectKnownKeys("map options", options, OPTION_KEYS);
  const { kind = "thread", chunkSize, ordered = true, signal, onProgress } = options;
  expectOneOf("map option kind", kind, CONTEXT_NAMES);
  const cluster = checkCluster(options.cluster);
  const num = options.num ?? (cluster ? CLUSTER_NUM : kind === "process" ? NUM_CPUS : NUM_THREADS);
  expectPositiveInteger("map option num", num);
  if (chunkSize !== undefined) expectPositiveInteger("map option chunkSize", chunkSize);
  expectBoolean("map option ordered", ordered);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ArgumentTypeError(
      `map option signal must be an AbortSignal, received ${preview(signal)}`,
    );
  }
  const worker = checkWorkerOptions("map option worker", kind, options.worker);
  const idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
  expectDuration("map option idleTimeout", idleTimeout);
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new ArgumentTypeError(
      `map option onProgress must be a function, received ${preview(onProgress)}`,
    );
  }
  const { args = [] } = options;
  if (!Array.isArray(args)) {
    throw new ArgumentTypeError(`map option args must be an array, received ${preview(args)}`);
  }
  const numFromAgents = cluster !== undefined && options.num === undefined;
  return {
    kind,
    num,
    chunkSize,
    ordered,
    signal,
    worker,
    idleTimeout,
    onProgress,
    cluster,
    args,
    numFromAgents,
  };
}

/** The cluster option: a URL or `true`, and a good `EZQ_SECRET` to sign with. */
function checkCluster(cluster: unknown): RedisTarget | undefined {
  if (cluster === undefined || cluster === false) return undefined;
  if (cluster !== true && typeof cluster !== "string") {
    throw new ArgumentTypeError(
      `map option cluster must be a redis:// URL or true (for EZQ_REDIS_URL), received ${preview(cluster)}`,
    );
  }
  const target = clusterTarget("map option cluster", cluster);
  secretFromEnv("map with the cluster option");
  return target;
}

/** Throws unless `value` is a number of milliseconds: >= 0, or `Infinity`. */
function expectDuration(name: string, value: unknown): asserts value is number {
  const expected = "a number of milliseconds >= 0 or Infinity";
  if (typeof value !== "number") {
    throw new ArgumentTypeError(`${name} must be ${expected}, received ${preview(value)}`);
  }
  if (Number.isNaN(value) || value < 0) {
    throw new ArgumentRangeError(`${name} must be ${expected}, received ${preview(value)}`);
  }
}
