/**
 * Reads that can never be served. When this context's event loop has nothing left to do
 * (`beforeExit`), no worker runs, no timer or I/O is pending, and so nothing can put to a
 * queue whose home is here: a read of such a queue waiting for a message would wait
 * forever (Node ends a top-level `await` like that with code 13 and says nothing). Those
 * reads fail with a `QueueStarvedError` instead. Only the home context can know: a worker's
 * link to its parent keeps its event loop busy.
 */
import { QueueStarvedError } from "../errors.js";

/** A home queue with reads that may be waiting on it. */
export interface Starvable {
  /** Fails the reads of this context that wait on the queue; true if there were any. */
  starve(error: Error): boolean;
}

/** The home queues of this context with reads of this context waiting on them. */
class StarvationWatch {
  readonly #waiting = new Set<Starvable>();
  #listening = false;

  /** `queue` has a read of this context waiting on it. */
  watch(queue: Starvable): void {
    this.#waiting.add(queue);
    if (this.#listening) return;
    this.#listening = true;
    process.on("beforeExit", () => this.#starve());
  }

  /** `queue` has no read of this context waiting on it any more. */
  unwatch(queue: Starvable): void {
    this.#waiting.delete(queue);
  }

  #starve(): void {
    for (const queue of [...this.#waiting]) {
      this.#waiting.delete(queue);
      queue.starve(new QueueStarvedError());
    }
  }
}

/** This context's watch. */
export const starvation = new StarvationWatch();
