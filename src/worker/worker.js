import { decode } from "../codec/codec.js";
import { ArgumentTypeError, WorkerExitError, WorkerTerminatedError } from "../errors.js";
import { encodeForWorker } from "../queue/for-worker.js";
import { routes } from "../queue/routes.js";
import { checkWorkerOptions, isDefault } from "./options.js";
import { spareThread } from "./spare.js";
import { spawnChild } from "./spawn.js";
import { describeTask } from "./task.js";
import { unjoined } from "./unjoined.js";
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
export class Worker {
    /**
     * Starts `task(...args)` in a new child process. The arguments are encoded here, so
     * one that cannot cross throws now and nothing is started. `Worker.process.with(options)`
     * takes worker options.
     */
    static process = starter("process", {});
    /** Starts `task(...args)` in a new worker thread; `Worker.thread.with(options)` takes options. */
    static thread = starter("thread", {});
    /** `"process"` or `"thread"`. */
    kind;
    /** The OS process id of a process worker; `undefined` for a thread worker. */
    pid;
    /** The thread id of a thread worker; `undefined` for a process worker. */
    threadId;
    #child;
    #result;
    #finished = false;
    #terminated = false;
    #joined = false;
    /** @internal Use `run`, `runThread`, `Worker.process` or `Worker.thread`. */
    constructor(token, kind, task, args, options = {}) {
        if (token !== CREATE) {
            throw new ArgumentTypeError("Start workers with run(), runThread(), Worker.process() or Worker.thread()");
        }
        const spec = describeTask(task, kind === "process" ? "run(task)" : "runThread(task)");
        const sent = encodeForWorker(args, "args", kind);
        this.kind = kind;
        const { child, env } = startChild(kind, options);
        this.#child = child;
        routes.holdUntil(sent.queues, child.exited);
        this.pid = child.pid;
        this.threadId = child.threadId;
        this.#result = this.#settle(child.api.run(spec, sent.text, env));
        // join() is how results and errors are observed: a failure must not crash the process
        // as an unhandled rejection, nor vanish if nobody ever asks (see unjoined.ts).
        this.#result.catch((error) => {
            if (this.#joined || error instanceof WorkerTerminatedError)
                return;
            unjoined.add(this, error);
        });
    }
    /**
     * Resolves with the task's return value once the worker has finished; rejects with the
     * task's error (its name, message, stack, cause and own properties such as `code`), or
     * with a `WorkerExitError` carrying the exit code or signal if the worker died.
     */
    join() {
        this.#joined = true;
        unjoined.observed(this);
        return this.#result;
    }
    /** True while the worker is running. */
    isAlive() {
        return this.#child.isAlive();
    }
    /** Stops the worker now; `join()` then rejects with a `WorkerTerminatedError`. */
    async terminate() {
        if (!this.#finished)
            this.#terminated = true;
        await this.#child.kill();
    }
    /** The task's value or error once the worker has let go, or why the worker ended first. */
    async #settle(reply) {
        const child = this.#child;
        const first = await Promise.race([
            reply.then((value) => ({ value }), (error) => ({ error })),
            child.exited.then((exit) => ({ exit })),
        ]);
        if ("exit" in first)
            throw this.#exitError(first.exit);
        this.#finished = true;
        await child.close(EXIT_GRACE_MS);
        if ("error" in first)
            throw first.error;
        return decode(first.value);
    }
    #exitError(exit) {
        // Stopped on purpose: by terminate(), or by its parent context leaving.
        if (this.#terminated || this.#child.stopped) {
            return new WorkerTerminatedError(this.#child.label);
        }
        return new WorkerExitError(this.#child.label, exit.code, exit.signal, { cause: exit.error });
    }
}
/** A child for one task: a thread with default options may be the spare (see spare.ts). */
function startChild(kind, options) {
    if (kind === "thread" && isDefault(options))
        return spareThread.take();
    return { child: spawnChild(kind, options), env: undefined };
}
function starter(kind, options) {
    const start = (task, ...args) => new Worker(CREATE, kind, task, args, options);
    const what = kind === "process" ? "run.with(options)" : "runThread.with(options)";
    return Object.assign(start, {
        with: (more) => starter(kind, checkWorkerOptions(what, kind, { ...options, ...checkWorkerOptions(what, kind, more) })),
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
export const run = Worker.process;
/**
 * Runs `task(...args)` in a new worker thread and returns its `Worker`;
 * `runThread.with(options)(task, ...args)` takes worker options.
 */
export const runThread = Worker.thread;
