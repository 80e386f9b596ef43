import { decode } from "../codec/codec.js";
import type { ContextName } from "../constants.js";
import { ArgumentTypeError, WorkerExitError, WorkerTerminatedError } from "../errors.js";
import { encodeForWorker } from "../queue/for-worker.js";
import { routes } from "../queue/routes.js";
import { secretFromEnv } from "../redis/sign.js";
import type { Payload } from "../transport/protocol.js";
import { expectKnownKeys, expectOptions } from "../validate.js";
import { withBytes } from "./api.js";
import { CANCEL_KEYS, type CancelOptions, cancelSignal, checkCancelOptions } from "./cancel.js";
import type { Child, ExitInfo } from "./child.js";
import { clusterChild, clusterTarget, encodeRunArgs } from "./cluster.js";
import {
  checkWorkerOptions,
  isDefault,
  WORKER_OPTION_KEYS,
  type WorkerOptions,
} from "./options.js";
import { spareThread, type TakenThread } from "./spare.js";
import { spawnChild } from "./spawn.js";
import { describeTask, type Task } from "./task.js";
import { unjoined } from "./unjoined.js";

/** Options of `run.with` / `runThread.with`: how to start the worker, and when to stop it. */
export interface StartOptions extends WorkerOptions, CancelOptions {}

/**
 * Starts a task in a new worker: `start(task, ...args)`. `start.with(options)` is the same
 * starter with worker options (environment, Node flags, resource limits, a name) and
 * cancel options (`signal`, `timeout`), so the task's arguments stay exactly the task's.
 */
export interface WorkerStarter {
  /**
   * Starts `task(...args)` in a new worker.
   *
   * @typeParam A - the task's parameters.
   * @typeParam T - what the task returns.
   * @param task - an inline function, or a `fromModule` reference.
   * @param args - the task's arguments: data and queues.
   * @returns the running worker; `join()` gives the task's value.
   */
  <A extends unknown[], T>(task: Task<A, T>, ...args: A): Worker<Awaited<T>>;
  /**
   * The starter with these options (merged over any it already has). An already aborted
   * `signal` makes the starter throw its reason, starting nothing.
   *
   * @param options - `env`, `execArgv`, `resourceLimits`, `name` (see {@link WorkerOptions}),
   *   and `signal` / `timeout` (see {@link CancelOptions}).
   *
   * @example
   * ```ts
   * const worker = runThread.with({ name: "parser", resourceLimits: { maxOldGenerationSizeMb: 256 } })(
   *   (text: string) => text.length,
   *   "hello",
   * );
   * ```
   */
  with(options: StartOptions): WorkerStarter;
}

/**
 * How long a worker may take to leave after its task ended (flushing its output) before it
 * is stopped (ms). A worker leaves in a moment unless its stdout is a pipe nobody reads.
 */
const EXIT_GRACE_MS = 5_000;
const CREATE = Symbol("ezq.createWorker");

/**
 * A task running in a child process (`Worker.process`, `run`) or a worker thread
 * (`Worker.thread`, `runThread`).
 *
 * @typeParam R - what the task returns (after awaiting it).
 */
export class Worker<R = unknown> {
  /**
   * Starts `task(...args)` in a new child process. The arguments are encoded here, so
   * one that cannot cross throws now and nothing is started. `Worker.process.with(options)`
   * takes worker options.
   */
  static readonly process: WorkerStarter = starter("process", {});

  /** Starts `task(...args)` in a new worker thread; `Worker.thread.with(options)` takes options. */
  static readonly thread: WorkerStarter = starter("thread", {});

  /** `"process"` or `"thread"`. */
  readonly kind: ContextName;
  /** The OS process id of a process worker; `undefined` for a thread worker. */
  readonly pid: number | undefined;
  /** The thread id of a thread worker; `undefined` for a process worker. */
  readonly threadId: number | undefined;
  readonly #child: Child;
  readonly #result: Promise<R>;
  #finished = false;
  #terminated = false;
  #joined = false;
  /** Why the worker was stopped by its signal or timeout, if it was. */
  #abortReason: { reason: unknown } | undefined;

  /** @internal Use `run`, `runThread`, `Worker.process` or `Worker.thread`. */
  constructor(
    token: symbol,
    kind: ContextName,
    task: unknown,
    args: unknown[],
    options: Readonly<WorkerOptions> = {},
    cancel: CancelOptions = {},
  ) {
    if (token !== CREATE) {
      throw new ArgumentTypeError(
        "Start workers with run(), runThread(), Worker.process() or Worker.thread()",
      );
    }
    const spec = describeTask(task, kind === "process" ? "run(task)" : "runThread(task)");
    const { cluster } = options;
    // A task for an agent elsewhere: its arguments may carry queues in Redis only.
    const sent =
      cluster === undefined
        ? encodeForWorker(args, "args", kind)
        : { text: encodeRunArgs(args), queues: [] };
    const signal = cancelSignal(cancel);
    signal?.throwIfAborted();
    this.kind = kind;
    const { child, env } = startChild(kind, options);
    this.#child = child;
    routes.holdUntil(sent.queues, child.exited);
    this.pid = child.pid;
    this.threadId = child.threadId;
    this.#result = this.#settle(child.api.run(spec, withBytes(sent.text, sent.text, true), env));
    if (signal) this.#stopOn(signal);
    // join() is how results and errors are observed: a failure must not crash the process
    // as an unhandled rejection, nor vanish if nobody ever asks (see unjoined.ts).
    this.#result.catch((error: unknown) => {
      // Stopped on purpose (terminate, abort, timeout): no failure to report.
      if (this.#joined || error instanceof WorkerTerminatedError || this.#abortReason) return;
      unjoined.add(this, error);
    });
  }

  /**
   * Resolves with the task's return value once the worker has finished; rejects with the
   * task's error (its name, message, stack, cause and own properties such as `code`), or
   * with a `WorkerExitError` carrying the exit code or signal if the worker died.
   */
  join(): Promise<R> {
    this.#joined = true;
    unjoined.observed(this);
    return this.#result;
  }

  /** True while the worker is running. */
  isAlive(): boolean {
    return this.#child.isAlive();
  }

  /** Stops the worker now; `join()` then rejects with a `WorkerTerminatedError`. */
  async terminate(): Promise<void> {
    if (!this.#finished) this.#terminated = true;
    await this.#child.kill();
  }

  /** Stops the worker when `signal` aborts before the task has finished. */
  #stopOn(signal: AbortSignal): void {
    const onAbort = () => {
      if (this.#finished) return;
      this.#abortReason = { reason: signal.reason };
      void this.#child.kill();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    void this.#child.exited.then(() => signal.removeEventListener("abort", onAbort));
  }

  /** The task's value or error once the worker has let go, or why the worker ended first. */
  async #settle(reply: Promise<Payload>): Promise<R> {
    const child = this.#child;
    const first = await Promise.race([
      reply.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      child.exited.then((exit) => ({ exit })),
    ]);
    if ("exit" in first) throw this.#exitError(first.exit);
    this.#finished = true;
    await child.close(EXIT_GRACE_MS);
    if ("error" in first) throw first.error;
    return decode(first.value) as R;
  }

  #exitError(exit: ExitInfo): unknown {
    if (this.#abortReason) return this.#abortReason.reason;
    // Stopped on purpose: by terminate(), or by its parent context leaving.
    if (this.#terminated || this.#child.stopped) {
      return new WorkerTerminatedError(this.#child.label);
    }
    return new WorkerExitError(this.#child.label, exit.code, exit.signal, { cause: exit.error });
  }
}

/**
 * A child for one task: a thread with default options may be the spare (see spare.ts); with
 * `cluster`, a stand-in for the agent that runs it.
 */
function startChild(kind: ContextName, options: Readonly<WorkerOptions>): TakenThread {
  if (options.cluster !== undefined) {
    const target = clusterTarget("run.with(options) cluster", options.cluster);
    secretFromEnv("run.with({ cluster })");
    return { child: clusterChild(target), env: undefined };
  }
  if (kind === "thread" && isDefault(options)) return spareThread.take();
  return { child: spawnChild(kind, options), env: undefined };
}

function starter(
  kind: ContextName,
  options: Readonly<WorkerOptions>,
  cancel: CancelOptions = {},
): WorkerStarter {
  const start = <A extends unknown[], T>(task: Task<A, T>, ...args: A): Worker<Awaited<T>> =>
    new Worker(CREATE, kind, task, args, options, cancel) as Worker<Awaited<T>>;
  const what = kind === "process" ? "run.with(options)" : "runThread.with(options)";
  return Object.assign(start, {
    with: (more: StartOptions) => {
      const { worker, cancel: moreCancel } = splitStartOptions(what, more);
      return starter(
        kind,
        checkWorkerOptions(what, kind, { ...options, ...checkWorkerOptions(what, kind, worker) }),
        { ...cancel, ...moreCancel },
      );
    },
  });
}

/** The worker options and the cancel options of `with(options)`, each checked. */
function splitStartOptions(
  what: string,
  options: unknown,
): { worker: Record<string, unknown>; cancel: CancelOptions } {
  const given = expectOptions(what, options);
  expectKnownKeys(what, given, [...WORKER_OPTION_KEYS, ...CANCEL_KEYS]);
  const worker: Record<string, unknown> = {};
  const cancel: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if ((CANCEL_KEYS as readonly string[]).includes(key)) cancel[key] = value;
    else worker[key] = value;
  }
  const checked = checkCancelOptions(what, cancel);
  return {
    worker,
    cancel: Object.fromEntries(Object.entries(checked).filter(([, v]) => v !== undefined)),
  };
}

/**
 * Runs `task(...args)` in a new child process and returns its `Worker`;
 * `run.with(options)(task, ...args)` takes worker options.
 *
 * @example
 * ```ts
 * const worker = run((a: number, b: number) => a + b, 1, 2);
 * console.log(await worker.join()); // 3
 * ```
 */
export const run: WorkerStarter = Worker.process;

/**
 * Runs `task(...args)` in a new worker thread and returns its `Worker`;
 * `runThread.with(options)(task, ...args)` takes worker options.
 */
export const runThread: WorkerStarter = Worker.thread;
