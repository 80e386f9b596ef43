/** A chunk of `map` items on its way through a pool. */

import type { QueueCore } from "../queue/core.js";
import type { Payload } from "../transport/protocol.js";
import type { ChunkDone } from "../worker/api.js";
import type { TaskSpec } from "../worker/task.js";
import type { Lease } from "./lease.js";
import type { Member } from "./member.js";

/** One chunk given to the pool, as its caller sees it. */
export interface PoolCall {
  /**
   * The chunk's results. Rejects with a `ChunkError` if the task threw, or with a
   * `WorkerExitError` if its worker died: every call that worker held gets the same error
   * object, so one death is one error.
   */
  readonly result: Promise<ChunkDone>;
  /**
   * Withdraws the call: a queued call is dropped; a running one is stopped by stopping
   * its worker (the worker's other calls go back to the queue, unharmed).
   */
  cancel(): void;
}

/** What a chunk asks a worker to do: a task over `count` encoded argument tuples. */
export interface ChunkWork {
  readonly spec: TaskSpec;
  readonly items: Payload;
  readonly count: number;
  /** Queues the items carry: each worker that gets them holds them until it exits. */
  readonly queues: readonly QueueCore[];
}

/** One chunk inside the pool. */
export interface Call extends ChunkWork {
  readonly lease: Lease;
  resolve(done: ChunkDone): void;
  reject(error: unknown): void;
  member?: Member;
  cancelled?: boolean;
}
