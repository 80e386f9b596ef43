import { routes } from "../queue/routes.js";
import { IdleTimer } from "./idle-timer.js";
/** One worker of a pool. */
export class Member {
    child;
    /** The calls this worker is running or holds next. */
    calls = new Set();
    /** Stopped on purpose (a cancelled call, idleness, closing): its calls are re-queued, not failed. */
    retiring = false;
    /** How long to stay once idle: the idle timeout of the last call it took. */
    idleMs = Number.POSITIVE_INFINITY;
    idle;
    #held = new Set();
    constructor(child, onIdle) {
        this.child = child;
        this.idle = new IdleTimer(() => onIdle(this));
    }
    /**
     * Keeps the queues in these items reachable for routing while this worker lives: once
     * per queue and worker, however many chunks carry the queue.
     */
    hold(queues) {
        for (const queue of queues) {
            if (this.#held.has(queue))
                continue;
            this.#held.add(queue);
            routes.holdUntil([queue], this.child.exited);
        }
    }
}
