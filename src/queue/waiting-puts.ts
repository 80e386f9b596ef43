/**
 * Puts that wait for room under a bounded queue's `maxsize` (`Q.putAsync`), admitted in
 * the order they came, as readers make room.
 */
import type { WireMsg } from "../transport/protocol.js";
import { Deque } from "./deque.js";

interface WaitingPut {
  readonly msgs: WireMsg[];
  readonly resolve: () => void;
}

/** The puts waiting for room in one queue. */
export class WaitingPuts {
  readonly #waiting = new Deque<WaitingPut>();

  get length(): number {
    return this.#waiting.length;
  }

  /** Waits for room: `admit` resolves the promise once it puts these messages. */
  add(msgs: WireMsg[]): Promise<void> {
    return new Promise((resolve) => this.#waiting.push({ msgs, resolve }));
  }

  /** Puts waiting messages, oldest first, while `fits` says they fit. */
  admit(fits: (n: number) => boolean, put: (msgs: WireMsg[]) => void): void {
    for (
      let next = this.#waiting.peek();
      next && fits(next.msgs.length);
      next = this.#waiting.peek()
    ) {
      this.#waiting.shift();
      put(next.msgs);
      next.resolve();
    }
  }
}
