/**
 * Options for starting workers, given apart from the task's arguments:
 * `Worker.thread.with(options)(task, ...args)`, `run.with(options)(...)`, or `map`'s
 * `worker` option. Python's positional arguments stay exactly the task's.
 */
import type { ResourceLimits } from "node:worker_threads";
import type { ContextName } from "../constants.js";
import { ArgumentTypeError, preview } from "../errors.js";
import { expectKnownKeys, expectOptions, expectString } from "../validate.js";

/** How to start a worker. */
export interface WorkerOptions {
  /** The worker's environment variables. Default: the caller's `process.env` at the start. */
  env?: Record<string, string | undefined>;
  /** Node flags for the worker, added to those it inherits (e.g. `["--max-old-space-size=4096"]`). */
  execArgv?: string[];
  /** Heap limits of a thread worker (Node's `ResourceLimits`); process workers take `execArgv` flags. */
  resourceLimits?: ResourceLimits;
  /** A name for the worker, shown in its errors and, for threads, in the inspector. */
  name?: string;
  /**
   * `run.with({ cluster })` only: run the task on an agent (`ezq worker`) that serves this
   * Redis server, not in a local process: a `redis://` URL, or `true` for `EZQ_REDIS_URL`.
   * Needs `EZQ_SECRET`; the task runs with the agent's environment, not `env`.
   */
  cluster?: string | true;
}

/** The names of the worker options. */
export const WORKER_OPTION_KEYS: readonly string[] = [
  "env",
  "execArgv",
  "resourceLimits",
  "name",
  "cluster",
];

/** Checks `options` for a worker of `kind`; returns them, frozen, for reuse. */
export function checkWorkerOptions(
  what: string,
  kind: ContextName,
  options: unknown,
): Readonly<WorkerOptions> {
  const opts = expectOptions(what, options) as WorkerOptions;
  expectKnownKeys(what, opts, WORKER_OPTION_KEYS);
  if (opts.env !== undefined) {
    const env = expectOptions(`${what} env`, opts.env);
    for (const [key, value] of Object.entries(env)) {
      if (value !== undefined && typeof value !== "string") {
        throw new ArgumentTypeError(
          `${what} env.${key} must be a string, received ${preview(value)}`,
        );
      }
    }
  }
  if (opts.execArgv !== undefined) {
    if (!Array.isArray(opts.execArgv) || opts.execArgv.some((arg) => typeof arg !== "string")) {
      throw new ArgumentTypeError(
        `${what} execArgv must be an array of strings, received ${preview(opts.execArgv)}`,
      );
    }
  }
  if (opts.resourceLimits !== undefined) {
    if (kind === "process") {
      throw new ArgumentTypeError(
        `${what} resourceLimits applies to thread workers only; limit a process worker's heap with ` +
          'execArgv: ["--max-old-space-size=MB"]',
      );
    }
    expectOptions(`${what} resourceLimits`, opts.resourceLimits);
  }
  if (opts.name !== undefined) expectString(`${what} name`, opts.name);
  if (opts.cluster !== undefined) {
    if (kind !== "process" || what.startsWith("map")) {
      throw new ArgumentTypeError(
        `${what} cluster applies to run.with({ cluster }) only; for map use its own cluster option`,
      );
    }
    if (opts.cluster !== true && typeof opts.cluster !== "string") {
      throw new ArgumentTypeError(
        `${what} cluster must be a redis:// URL or true (for EZQ_REDIS_URL), received ${preview(opts.cluster)}`,
      );
    }
  }
  return Object.freeze({ ...opts });
}

/** True when no option is set: such workers may be started ahead of need. */
export function isDefault(options: Readonly<WorkerOptions>): boolean {
  return Object.values(options).every((value) => value === undefined);
}
