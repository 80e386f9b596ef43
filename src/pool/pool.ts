/**
 * A warm pool of workers of one kind and one set of worker options, shared by every
 * `map` call that asks for them. Starting a worker costs 20-70 ms, so workers are kept
 * between calls, unref'd while idle (a script that is done exits even while its pool is
 * warm), and stopped once idle for the idle timeout. A worker that dies is dropped and
 * replaced on demand; its calls fail with a `WorkerExitError` so that their owner can
 * retry them.
 */
import type { ContextName } from "../constants.js";
import { ChunkError, WorkerExitError, WorkerTerminatedError } from "../errors.js";
import { isMoved } from "../transport/protocol.js";
import { type ChunkDone, withBytes } from "../worker/api.js";
import type { ExitInfo } from "../worker/child.js";
import type { WorkerOptions } from "../worker/options.js";
import { spawnChild } from "../worker/spawn.js";
import type { Call, ChunkWork, PoolCall } from "./call.js";
import { Lease, type LeaseHost } from "./lease.js";
import { Member } from "./member.js";

/** Chunks in flight per worker: one running, one waiting, so a worker never idles between. */
export const DEPTH = 2;

/** What a warm pool is doing, from `poolStats()`. */
export interface PoolStats {
  /** `"thread"` or `"process"`. */
  kind: ContextName;
  /** The most workers this pool runs now: the largest `num` of the calls using it (or of the last one). */
  size: number;
  /** Workers alive now. */
  workers: number;
  /** Workers running items now. */
  busy: number;
  /** Items the pool's workers have finished. */
  tasksDone: number;
  /** Milliseconds the workers spent in tasks (decoding their items included), summed over workers. */
  taskMs: number;
}

/** A set of warm workers of one kind and one set of worker options. */
export class Pool implements LeaseHost {
  readonly kind: ContextName;
  readonly options: Readonly<WorkerOptions>;
  readonly #members: Member[] = [];
  readonly #leases = new Set<Lease>();
  readonly #onEmpty: (pool: Pool) => void;
  #queue: Call[] = [];
  #size = 0;
  #closed = false;
  #tasksDone = 0;
  #taskMs = 0;

  /** `onEmpty` runs when the pool has no workers and no calls left: it may be forgotten. */
  constructor(
    kind: ContextName,
    options: Readonly<WorkerOptions>,
    onEmpty: (pool: Pool) => void = () => {},
  ) {
    this.kind = kind;
    this.options = options;
    this.#onEmpty = onEmpty;
  }

  /** A share of this pool for one `map` call: at most `limit` workers at once. */
  lease(limit: number, idleTimeout: number): Lease {
    const lease = new Lease(this, limit, idleTimeout);
    this.#leases.add(lease);
    this.#size = Math.max(...[...this.#leases].map((open) => open.limit));
    return lease;
  }

  /** Runs one chunk for `lease` (use `lease.call`). */
  call(lease: Lease, work: ChunkWork): PoolCall {
    let call: Call | undefined;
    const result = new Promise<ChunkDone>((resolve, reject) => {
      call = { ...work, lease, resolve, reject };
    });
    const queued = call as Call;
    this.#queue.push(queued);
    this.#dispatch();
    return { result, cancel: () => this.#cancel(queued) };
  }

  /** Ends `lease` (use `lease.release`). */
  release(lease: Lease): void {
    if (!this.#leases.delete(lease)) return;
    if (this.#leases.size > 0) {
      this.#size = Math.max(...[...this.#leases].map((open) => open.limit));
    }
    this.#forgetIfEmpty();
  }

  /** What this pool is doing now. */
  stats(): PoolStats {
    return {
      kind: this.kind,
      size: this.#size,
      workers: this.#members.length,
      busy: this.#members.filter((member) => member.calls.size > 0).length,
      tasksDone: this.#tasksDone,
      taskMs: Math.round(this.#taskMs),
    };
  }

  /** Stops every worker of this pool; calls still waiting for one fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const member of this.#members) member.retiring = true;
    this.#dispatch();
    await Promise.all(this.#members.map((member) => stop(member)));
  }

  #cancel(call: Call): void {
    if (call.cancelled) return;
    call.cancelled = true;
    const { member } = call;
    if (!member) {
      this.#queue = this.#queue.filter((queued) => queued !== call);
      this.#forgetIfEmpty();
      return;
    }
    if (!member.calls.has(call)) return; // already answered
    this.#retire(member);
  }

  #dispatch(): void {
    if (this.#closed) this.#refuseQueued();
    if (this.#queue.length === 0) return;
    const waiting: Call[] = [];
    for (const call of this.#queue) {
      const member = this.#pick(call.lease);
      if (member) this.#send(member, call);
      else waiting.push(call);
    }
    this.#queue = waiting;
  }

  /**
   * The least busy worker `lease` may use, or a new one if that is allowed and better.
   * Workers on their way out (retiring) do not count: their replacements start at once.
   */
  #pick(lease: Lease): Member | undefined {
    let best: Member | undefined;
    let staying = 0;
    for (const member of this.#members) {
      if (member.retiring) continue;
      staying++;
      if (member.calls.size >= DEPTH || !lease.admits(member)) continue;
      if (!best || member.calls.size < best.calls.size) best = member;
    }
    const mayStart = !lease.full && staying < this.#size;
    if ((!best || best.calls.size > 0) && mayStart) return this.#start();
    return best;
  }

  #start(): Member {
    const child = spawnChild(this.kind, this.options);
    const member = new Member(child, (idle) => this.#retireIfIdle(idle));
    this.#members.push(member);
    child.link.unref();
    void child.exited.then((exit) => this.#onExit(member, exit));
    return member;
  }

  #send(member: Member, call: Call): void {
    const { child, calls } = member;
    // A worker with work keeps the process alive; an idle one does not.
    if (calls.size === 0) child.link.ref();
    calls.add(call);
    call.member = member;
    call.lease.add(member);
    member.hold(call.queues);
    member.idleMs = call.lease.idleTimeout;
    child.api.chunk(call.spec, withBytes(call.items, call.items)).then(
      (done) =>
        this.#settle(member, call, () => {
          this.#tasksDone += call.count;
          this.#taskMs += done.ms;
          call.resolve(done);
        }),
      (error: unknown) =>
        this.#settle(member, call, () => {
          if (error instanceof ChunkError) this.#tasksDone += error.index;
          call.reject(error);
        }),
    );
  }

  #settle(member: Member, call: Call, report: () => void): void {
    if (!member.calls.delete(call)) return; // the worker died and the call was handled already
    call.lease.remove(member);
    if (member.calls.size === 0) {
      member.child.link.unref();
      member.idle.start(member.idleMs);
    }
    report();
    this.#dispatch();
  }

  #onExit(member: Member, exit: ExitInfo): void {
    const index = this.#members.indexOf(member);
    if (index >= 0) this.#members.splice(index, 1);
    member.idle.cancel();
    const calls = [...member.calls];
    member.calls.clear();
    for (const call of calls) call.lease.drop(member);
    const live = calls.filter((call) => !call.cancelled);
    if (member.retiring) {
      // Stopped on purpose: its other calls lose nothing and run elsewhere, except those
      // whose moved bytes went with it.
      const again: Call[] = [];
      let lost: WorkerExitError | undefined;
      for (const call of live) {
        if (!isMoved(call.items)) {
          call.member = undefined;
          again.push(call);
          continue;
        }
        lost ??= new WorkerExitError(
          `${member.child.label} of a map pool, stopped holding moved items (they cannot run again)`,
          exit.code,
          exit.signal,
        );
        call.reject(lost);
      }
      this.#queue.unshift(...again);
    } else {
      // One death, one error: the caller counts deaths, not the calls a death failed.
      const error = new WorkerExitError(
        `${member.child.label} of a map pool`,
        exit.code,
        exit.signal,
        { cause: exit.error },
      );
      for (const call of live) call.reject(error);
    }
    this.#dispatch();
    this.#forgetIfEmpty();
  }

  #retireIfIdle(member: Member): void {
    if (member.calls.size === 0 && !member.retiring) this.#retire(member);
  }

  #retire(member: Member): void {
    member.retiring = true;
    void stop(member);
  }

  #refuseQueued(): void {
    const queued = this.#queue;
    this.#queue = [];
    const error = new WorkerTerminatedError("a worker of a map pool stopped by closePools()");
    for (const call of queued) call.reject(error);
  }

  #forgetIfEmpty(): void {
    if (this.#members.length + this.#leases.size + this.#queue.length === 0) this.#onEmpty(this);
  }
}

/** How long an idle worker that was let go may take to flush its output and leave. */
const LEAVE_GRACE_MS = 2_000;

/**
 * Stops a pool worker: an idle one is let go, so that what its tasks wrote to stdout is
 * flushed first; a busy one (a cancelled call) is stopped now.
 */
function stop(member: Member): Promise<void> {
  return member.calls.size === 0 ? member.child.close(LEAVE_GRACE_MS) : member.child.kill();
}
