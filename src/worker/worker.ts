import { decode, encode } from "../codec/codec.js";
import type { ContextName } from "../constants.js";
import { WorkerExitError, WorkerTerminatedError } from "../errors.js";
import { collectSent, holdUntil } from "../queue/core.js";
import { expectKnownKeys, expectOptions } from "../validate.js";
import { CANCEL_KEYS, type CancelOptions, cancelSignal, checkCancelOptions } from "./cancel.js";
import {
  checkWorkerOptions,
  isDefault,
  WORKER_OPTION_KEYS,
  type WorkerOptions,
} from "./options.js";
import { decodeThrown, type Outcome } from "./outcome.js";
import { takeThread } from "./spare.js";
import { type Child, type ExitInfo, spawnChild } from "./spawn.js";
import { describeTask, type Task } from "./task.js";

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
 * Failures of workers whose `join()` was never called. Python ezq printed a failed task's
 * traceback in the child and moved on; ezq says so when the process exits, unless the
 * failure was observed by then (a later `join()` or `stop()` counts).
 */
const unobserved = new Map<Worker, unknown>();
let reportsOnExit = false;

function reportUnobservedOnExit(): void {
  if (reportsOnExit) return;
  reportsOnExit = true;
  process.once("exit", () => {
    for (const [worker, error] of unobserved) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(
        `ezq: a ${worker.kind} worker failed and join() was never called:\n${detail}\n`,
      );
    }
    // As Node does for a rejection nobody handled: the script failed, so its exit code says so.
    if (unobserved.size > 0 && !process.exitCode) process.exitCode = 1;
  });
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
      throw new TypeError(
        "Start workers with run(), runThread(), Worker.process() or Worker.thread()",
      );
    }
    const spec = describeTask(task, kind === "process" ? "run(task)" : "runThread(task)");
    const [encodedArgs, queues] = collectSent(() => encode(args, "args", kind));
    const signal = cancelSignal(cancel);
    signal?.throwIfAborted();
    this.kind = kind;
    // A thread with default options may be one started ahead of need (see spare.ts).
    this.#child =
      kind === "thread" && isDefault(options) ? takeThread() : spawnChild(kind, options);
    holdUntil(queues, this.#child.exited);
    this.pid = this.#child.pid;
    this.threadId = this.#child.threadId;
    const env = options.env ?? { ...process.env };
    this.#result = this.#settle(this.#child.api.run(spec, encodedArgs, env));
    if (signal) this.#stopOn(signal);
    // join() is how results and errors are observed: a failure must not crash the process
    // as an unhandled rejection, nor vanish if nobody ever asks (see unobserved).
    this.#result.catch((error: unknown) => {
      // Stopped on purpose (terminate, abort, timeout): no failure to report.
      if (this.#joined || error instanceof WorkerTerminatedError || this.#abortReason) return;
      unobserved.set(this as Worker, error);
      reportUnobservedOnExit();
    });
  }

  /**
   * Resolves with the task's return value once the worker has finished; rejects with the
   * task's error (its name, message, stack, cause and own properties such as `code`), or
   * with a `WorkerExitError` carrying the exit code or signal if the worker died.
   */
  join(): Promise<R> {
    this.#joined = true;
    unobserved.delete(this as Worker);
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

  async #settle(reply: Promise<Outcome>): Promise<R> {
    const child = this.#child;
    const first = await Promise.race([
      reply.then((outcome) => ({ outcome })),
      child.exited.then((exit) => ({ exit })),
    ]);
    if ("exit" in first) throw this.#exitError(first.exit);
    this.#finished = true;
    await child.close(EXIT_GRACE_MS);
    const { outcome } = first;
    if (outcome.ok) return decode(outcome.value) as R;
    throw decodeThrown(outcome.error, outcome.isError);
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
