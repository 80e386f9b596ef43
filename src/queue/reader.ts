/**
 * The reading side of one queue in one context. It keeps a small buffer of messages
 * taken ahead (credits), sized from what it measures: enough to cover a round trip
 * when the consumer is fast, none when the consumer is slow, so fast readers reach
 * hundreds of thousands of messages a second while slow ones do not hoard work that
 * idle readers could do. Everything taken and not yet acked stays leased to this
 * context at the home, so it is returned if this context dies.
 */
import type { Item } from "../transport/protocol.js";
import type { Backend, Owner, TakeRequest } from "./backend.js";
import { Deque } from "./deque.js";
import { isLarge } from "./large.js";

const MAX_CREDIT = 512;
/** Weight of the newest sample in the moving averages. */
const ALPHA = 0.2;

/** The reading side of a queue in this context. */
export class Reader {
  readonly #backend: Backend;
  readonly #owner: Owner;
  /** Whether reads here can take ahead: only away from home, where a round trip costs. */
  readonly #prefetch: boolean;
  readonly #buffer = new Deque<Item>();
  readonly #waiting = new Deque<{
    resolve: (item: Item) => void;
    reject: (error: Error) => void;
  }>();
  #pending: TakeRequest | null = null;
  #acks: number[] = [];
  #ackScheduled = false;
  /**
   * Moving averages, in milliseconds: the consumer's own time per message (from handing
   * it a message to its next call, waiting excluded: a starved reader is not a slow one),
   * and the round trip of a take. `undefined` until measured.
   */
  #gap: number | undefined;
  #rtt = 0.1;
  #handedAt = 0;
  #sentAt = 0;

  constructor(backend: Backend, owner: Owner, prefetch: boolean) {
    this.#backend = backend;
    this.#owner = owner;
    this.#prefetch = prefetch;
  }

  /** The next message: from the buffer, or when the home delivers one. */
  next(): Promise<Item> {
    if (this.#prefetch) this.#measureGap();
    const item = this.#buffer.shift();
    if (item !== undefined) {
      this.#handedAt = performance.now();
      if (isLarge(item[1])) this.#aheadOfLarge(item);
      else this.#takeAhead();
      return Promise.resolve(item);
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push({
        resolve: (item) => {
          this.#handedAt = performance.now();
          resolve(item);
        },
        reject,
      });
      this.#request();
    });
  }

  /** The consumer finished this message. Acks leave in one frame per tick. */
  ack(id: number): void {
    if (!this.#owner.tracked) return;
    this.#acks.push(id);
    if (!this.#ackScheduled) {
      this.#ackScheduled = true;
      // nextTick, not a microtask: the acks of a whole loop over buffered messages go together.
      process.nextTick(() => this.flushAcks());
    }
  }

  flushAcks(): void {
    this.#ackScheduled = false;
    if (this.#acks.length === 0) return;
    const ids = this.#acks;
    this.#acks = [];
    this.#backend.ack(this.#owner, ids);
  }

  /** Hands back what was taken ahead and not read; withdraws a take no one waits for. */
  releaseUnread(): void {
    if (this.#waiting.length === 0 && this.#pending) {
      this.#backend.cancel(this.#pending);
      this.#pending = null;
    }
    const unread = this.#buffer.drain();
    if (unread.length > 0) {
      this.#backend.release(
        this.#owner,
        unread.map((item) => item[0]),
      );
    }
  }

  /** The credit: how many messages one take asks for. */
  get #credit(): number {
    if (!this.#prefetch || this.#gap === undefined) return 1;
    return Math.max(1, Math.min(MAX_CREDIT, Math.round((2 * this.#rtt) / this.#gap)));
  }

  #measureGap(): void {
    if (this.#handedAt === 0) return;
    const gap = Math.max(performance.now() - this.#handedAt, 0.0002);
    this.#gap = this.#gap === undefined ? gap : this.#gap + ALPHA * (gap - this.#gap);
  }

  /**
   * A large message is handed over with the next one already asked for, whatever the
   * consumer's speed: its transfer then overlaps the decoding and handling of this one.
   * That holds one message ahead, no more, which a reader that stops hands back.
   */
  #aheadOfLarge(handed: Item): void {
    if (!this.#prefetch || this.#pending || this.#buffer.length > 0) return;
    if (isLarge(handed[1])) this.#request(true);
  }

  /** Asks for more before the buffer runs dry, when the consumer is fast enough to need it. */
  #takeAhead(): void {
    if (!this.#prefetch || this.#pending || this.#gap === undefined) return;
    if (this.#gap > 4 * this.#rtt) return; // a slow consumer: taking ahead would hoard work
    if (this.#buffer.length <= this.#credit / 2) this.#request();
  }

  #request(urgent = false): void {
    if (this.#pending) return;
    const n = Math.max(this.#waiting.length, this.#credit - this.#buffer.length);
    this.#sentAt = performance.now();
    const request: TakeRequest = {
      owner: this.#owner,
      n,
      urgent,
      done: (items, _remaining, more) => this.#receive(request, items, more === true),
      fail: (error) => this.#fail(request, error),
    };
    this.#pending = request;
    this.#backend.take(request);
  }

  /** `more`: the take is still open (a burst of large messages arrives one by one). */
  #receive(request: TakeRequest, items: Item[], more: boolean): void {
    let handed: Item | undefined;
    for (const item of items) {
      const waiter = this.#waiting.shift();
      if (waiter) {
        waiter.resolve(item);
        handed = item;
      } else this.#buffer.push(item);
    }
    if (more) return;
    if (this.#pending === request) this.#pending = null;
    // A take that waited on an empty queue measures idleness, not the round trip: cap it.
    const rtt = Math.min(performance.now() - this.#sentAt, 2);
    this.#rtt += ALPHA * (rtt - this.#rtt);
    if (this.#waiting.length > 0) this.#request();
    else if (handed) this.#aheadOfLarge(handed);
  }

  /** The take can never be served: every reader waiting on it fails with `error`. */
  #fail(request: TakeRequest, error: Error): void {
    if (this.#pending === request) this.#pending = null;
    for (let waiter = this.#waiting.shift(); waiter; waiter = this.#waiting.shift()) {
      waiter.reject(error);
    }
  }
}
