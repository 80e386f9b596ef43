/** A worker of a pool, what it is running, and when it should go. */
import type { QueueCore } from "../queue/core.js";
import { routes } from "../queue/routes.js";
import type { Child } from "../worker/child.js";
import type { Call } from "./call.js";
import { IdleTimer } from "./idle-timer.js";

/** One worker of a pool. */
export class Member {
  readonly child: Child;
  /** The calls this worker is running or holds next. */
  readonly calls = new Set<Call>();
  /** Stopped on purpose (a cancelled call, idleness, closing): its calls are re-queued, not failed. */
  retiring = false;
  /** How long to stay once idle: the idle timeout of the last call it took. */
  idleMs = Number.POSITIVE_INFINITY;
  readonly idle: IdleTimer;
  readonly #held = new Set<QueueCore>();

  constructor(child: Child, onIdle: (member: Member) => void) {
    this.child = child;
    this.idle = new IdleTimer(() => onIdle(this));
  }

  /**
   * Keeps the queues in these items reachable for routing while this worker lives: once
   * per queue and worker, however many chunks carry the queue.
   */
  hold(queues: readonly QueueCore[]): void {
    for (const queue of queues) {
      if (this.#held.has(queue)) continue;
      this.#held.add(queue);
      routes.holdUntil([queue], this.child.exited);
    }
  }
}
