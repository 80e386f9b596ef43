import { decode, encode } from "../codec/codec.js";
import type { ContextName } from "../constants.js";
import { WorkerExitError, WorkerTerminatedError } from "../errors.js";
import { collectSent, holdUntil } from "../queue/core.js";
import { clusterChild, clusterTarget, encodeRunArgs } from "../redis/cluster.js";
import { secretFromEnv } from "../redis/sign.js";
import { checkWorkerOptions, isDefault, type WorkerOptions } from "./options.js";
import { decodeThrown, type Outcome } from "./outcome.js";
import { takeThread } from "./spare.js";
import { type Child, type ExitInfo, spawnChild } from "./spawn.js";
import { describeTask, type Task } from "./task.js";

/**
 * Starts a task in a new worker: `start(task, ...args)`. `start.with(options)` is the same
 * starter with worker options (environment, Node flags, resource limits, a name), so the
 * task's arguments stay exactly the task's.
 */
export interface WorkerStarter {
  <A extends unknown[], T>(task: Task<A, T>, ...args: A): Worker<Awaited<T>>;
  /**
   * The starter with these worker options (merged over any it already has).
   *
   * @example
   * ```ts
   * const worker = runThread.with({ name: "parser", resourceLimits: { maxOldGenerationSizeMb: 256 } })(
   *   (text: string) => text.length,
   *   "hello",
   * );
   * ```
   */
  with(options: WorkerOptions): WorkerStarter;
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

  /** @internal Use `run`, `runThread`, `Worker.process` or `Worker.thread`. */
  constructor(
    token: symbol,
    kind: ContextName,
    task: unknown,
    args: unknown[],
    options: Readonly<WorkerOptions> = {},
  ) {
    if (token !== CREATE) {
      throw new TypeError(
        "Start workers with run(), runThread(), Worker.process() or Worker.thread()",
      );
    }
    const spec = describeTask(task, kind === "process" ? "run(task)" : "runThread(task)");
    const { cluster } = options;
    // A task for an agent elsewhere: its arguments may carry Redis queues only.
    const [encodedArgs, queues] =
      cluster === undefined
        ? collectSent(() => encode(args, "args", kind))
        : [encodeRunArgs(args), []];
    this.kind = kind;
    if (cluster !== undefined) {
      const target = clusterTarget("run.with(options) cluster", cluster);
      secretFromEnv("run.with({ cluster })");
      this.#child = clusterChild(target);
    } else {
      // A thread with default options may be one started ahead of need (see spare.ts).
      this.#child =
        kind === "thread" && isDefault(options) ? takeThread() : spawnChild(kind, options);
    }
    holdUntil(queues, this.#child.exited);
    this.pid = this.#child.pid;
    this.threadId = this.#child.threadId;
    const env = options.env ?? { ...process.env };
    this.#result = this.#settle(this.#child.api.run(spec, encodedArgs, env));
    // join() is how results and errors are observed: a failure must not crash the process
    // as an unhandled rejection, nor vanish if nobody ever asks (see unobserved).
    this.#result.catch((error: unknown) => {
      if (this.#joined || error instanceof WorkerTerminatedError) return;
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

  #exitError(exit: ExitInfo): Error {
    // Stopped on purpose: by terminate(), or by its parent context leaving.
    if (this.#terminated || this.#child.stopped) {
      return new WorkerTerminatedError(this.#child.label);
    }
    return new WorkerExitError(this.#child.label, exit.code, exit.signal, { cause: exit.error });
  }
}

function starter(kind: ContextName, options: Readonly<WorkerOptions>): WorkerStarter {
  const start = <A extends unknown[], T>(task: Task<A, T>, ...args: A): Worker<Awaited<T>> =>
    new Worker(CREATE, kind, task, args, options) as Worker<Awaited<T>>;
  const what = kind === "process" ? "run.with(options)" : "runThread.with(options)";
  return Object.assign(start, {
    with: (more: WorkerOptions) =>
      starter(
        kind,
        checkWorkerOptions(what, kind, { ...options, ...checkWorkerOptions(what, kind, more) }),
      ),
  });
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
