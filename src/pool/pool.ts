/**
 * Warm pools of workers for `map`. Starting a worker costs 20-70 ms, so a pool is kept
 * per set of options (the key is a stable JSON of them) and reused across `map` calls.
 * Idle workers are unref'd: a script that is done exits even while its pool is warm.
 * A worker that dies is dropped and replaced on demand; its calls fail with a
 * `WorkerExitError` so that their owner can retry them.
 */
import { createRequire } from "node:module";
import type { ContextName } from "../constants.js";
import { WorkerExitError } from "../errors.js";
import type { WorkerOptions } from "../worker/options.js";
import type { ChunkOutcome } from "../worker/outcome.js";
import { closeSpare } from "../worker/spare.js";
import { type Child, spawnChild } from "../worker/spawn.js";
import type { TaskSpec } from "../worker/task.js";

/** Chunks in flight per worker: one running, one waiting, so a worker never idles between. */
export const DEPTH = 2;

/** One chunk given to the pool. */
export interface PoolCall {
  readonly result: Promise<ChunkOutcome>;
  /**
   * Withdraws the call: a queued call is dropped; a running one is stopped by stopping
   * its worker (the worker's other calls go back to the queue, unharmed).
   */
  cancel(): void;
}

/** What a warm pool is doing, from `poolStats()`. */
export interface PoolStats {
  /** `"thread"` or `"process"`. */
  kind: ContextName;
  /** The most workers this pool starts (`map`'s `num`). */
  size: number;
  /** Workers alive now. */
  workers: number;
  /** Workers running items now. */
  busy: number;
  /** Items the pool's workers have finished. */
  tasksDone: number;
  /** Milliseconds the workers spent in tasks, summed over workers. */
  taskMs: number;
}

interface Call {
  readonly spec: TaskSpec;
  readonly items: string;
  readonly count: number;
  resolve(outcome: ChunkOutcome): void;
  reject(error: unknown): void;
  member?: Member;
  cancelled?: boolean;
}

interface Member {
  readonly child: Child;
  /** The calls this worker is running or holds next. */
  readonly calls: Set<Call>;
  /** Stopped on purpose (a cancelled call): its other calls are re-queued, not failed. */
  retiring: boolean;
}

/** A set of warm workers of one kind. */
export class Pool {
  readonly kind: ContextName;
  readonly size: number;
  readonly options: Readonly<WorkerOptions>;
  readonly #members: Member[] = [];
  #queue: Call[] = [];
  #closed = false;
  #tasksDone = 0;
  #taskMs = 0;

  constructor(kind: ContextName, size: number, options: Readonly<WorkerOptions> = {}) {
    this.kind = kind;
    this.size = size;
    this.options = options;
  }

  /** Runs one chunk of `count` items on the least busy worker, starting workers as needed. */
  call(spec: TaskSpec, items: string, count: number): PoolCall {
    let call: Call | undefined;
    const result = new Promise<ChunkOutcome>((resolve, reject) => {
      call = { spec, items, count, resolve, reject };
    });
    const queued = call as Call;
    this.#queue.push(queued);
    this.#dispatch();
    return { result, cancel: () => this.#cancel(queued) };
  }

  /** What this pool is doing now. */
  stats(): PoolStats {
    return {
      kind: this.kind,
      size: this.size,
      workers: this.#members.length,
      busy: this.#members.filter((member) => member.calls.size > 0).length,
      tasksDone: this.#tasksDone,
      taskMs: Math.round(this.#taskMs),
    };
  }

  /** Stops every worker of this pool. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#members.map((member) => member.child.kill()));
  }

  #cancel(call: Call): void {
    if (call.cancelled) return;
    call.cancelled = true;
    const { member } = call;
    if (!member) {
      this.#queue = this.#queue.filter((queued) => queued !== call);
      return;
    }
    if (!member.calls.has(call)) return; // already answered
    member.retiring = true;
    void member.child.kill();
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const member = this.#pick();
      if (!member) return;
      this.#send(member, this.#queue.shift() as Call);
    }
  }

  #pick(): Member | undefined {
    let best: Member | undefined;
    for (const member of this.#members) {
      if (member.retiring || member.calls.size >= DEPTH) continue;
      if (!best || member.calls.size < best.calls.size) best = member;
    }
    if ((!best || best.calls.size > 0) && this.#members.length < this.size && !this.#closed) {
      return this.#start();
    }
    return best;
  }

  #start(): Member {
    const child = spawnChild(this.kind, this.options);
    const member: Member = { child, calls: new Set(), retiring: false };
    this.#members.push(member);
    child.link.unref();
    void child.exited.then((exit) => this.#onExit(member, exit));
    return member;
  }

  #onExit(
    member: Member,
    exit: { code: number | null; signal: NodeJS.Signals | null; error?: unknown },
  ): void {
    const index = this.#members.indexOf(member);
    if (index >= 0) this.#members.splice(index, 1);
    const calls = [...member.calls].filter((call) => !call.cancelled);
    member.calls.clear();
    if (member.retiring) {
      // Stopped for a cancelled call: the others lose nothing and run elsewhere.
      for (const call of calls) call.member = undefined;
      this.#queue.unshift(...calls);
    } else {
      const { child } = member;
      const error = new WorkerExitError(`${child.label} of a map pool`, exit.code, exit.signal, {
        cause: exit.error,
      });
      for (const call of calls) call.reject(error);
    }
    this.#dispatch();
  }

  #send(member: Member, call: Call): void {
    const { child, calls } = member;
    // A worker with work keeps the process alive; an idle one does not.
    if (calls.size === 0) child.link.ref();
    calls.add(call);
    call.member = member;
    const settle = (report: () => void) => {
      if (!calls.delete(call)) return; // the worker died and the call was handled already
      if (calls.size === 0) child.link.unref();
      report();
      this.#dispatch();
    };
    (child.api.chunk(call.spec, call.items) as Promise<ChunkOutcome>).then(
      (outcome) =>
        settle(() => {
          this.#tasksDone += outcome.ok ? call.count : outcome.index;
          if (outcome.ok) this.#taskMs += outcome.ms;
          call.resolve(outcome);
        }),
      (error) => settle(() => call.reject(error)),
    );
  }
}

const pools = new Map<string, Pool>();
const require = createRequire(import.meta.url);
/** Loaded on first use: workers never need it, and a CommonJS load costs a new thread ~5 ms. */
let stableStringify: ((value: unknown) => string) | undefined;

/**
 * The warm pool for these options, created on first use. The key is a stable JSON of
 * the options, so the same options in another order find the same pool.
 */
export function poolFor(
  kind: ContextName,
  size: number,
  options: Readonly<WorkerOptions> = {},
): Pool {
  stableStringify ??= require("fast-json-stable-stringify") as (value: unknown) => string;
  const key = stableStringify({ kind, size, options });
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(kind, size, options);
    pools.set(key, pool);
  }
  return pool;
}

/**
 * What each warm `map` pool is doing: its workers, how many are busy, the items done and
 * the time spent in tasks. Cheap enough to call for every progress update.
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
 * Stops the workers of every warm pool, and the spare thread, now. Never needed for a
 * script to exit (idle workers hold nothing); useful in test teardown or to free memory.
 */
export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all([...all.map((pool) => pool.close()), closeSpare()]);
}
