/**
 * What a queue handle talks to: the store itself (in the queue's home context) or a
 * remote backend that forwards to the parent. Both keep one contract, so relaying
 * through any number of intermediate contexts is just "serve a backend to a child".
 */
import type { Item, WireMsg } from "../transport/protocol.js";

/**
 * Who holds delivered messages. The home remembers what each owner took until the
 * owner acks it; when an owner dies, what it held goes back to the front of the queue.
 */
export interface Owner {
  /** False for readers in the home context itself: they cannot die apart from the queue. */
  readonly tracked: boolean;
}

/**
 * A request for up to `n` messages; `done` is called once, now or when messages arrive,
 * or, for a `streams` request, once per large message of a burst of puts (with `more`)
 * and a last time at the end of the burst.
 */
export interface TakeRequest {
  readonly owner: Owner;
  readonly n: number;
  /**
   * True when the requester takes a burst of large messages one by one as they are put
   * (`done` with `more`), so that the first is on its way while the producer still
   * copies the next; only a reader in another context asks, through its home's server.
   */
  readonly streams?: boolean;
  /**
   * True for a take ahead of a large message: it leaves for the home at once, not with the
   * tick's other frames, so that the next message travels while the one in hand is decoded.
   */
  readonly urgent?: boolean;
  /**
   * True when the requester is a child process: it gets one large message per take, so
   * that no more than one is in flight beside the queue's own copy (its bytes are copied
   * into the child's bulk lane, not handed over as to a thread).
   */
  readonly oneLarge?: boolean;
  /** `more`: the take stays open, more of this burst may follow; the last call has none. */
  done(items: Item[], remaining: number, more?: boolean): void;
  /** The take can never be served (see starvation.ts); absent where that cannot be known. */
  fail?(error: Error): void;
}

/** The operations of a queue, wherever its messages live. */
export interface Backend {
  /** Appends messages, whatever the bound (an END, or a put already made elsewhere). */
  put(msgs: WireMsg[]): void;
  /**
   * True when `n` more messages fit under the queue's bound: exact at home; elsewhere,
   * judged from the size last heard from home plus what was put since.
   */
  hasRoom(n: number): boolean;
  /** Appends messages once they fit under the bound, as judged at home; resolves then. */
  putWhenRoom(msgs: WireMsg[]): Promise<void>;
  /** Delivers up to `n` messages, never past an END, when at least one is available. */
  take(request: TakeRequest): void;
  /** Withdraws a take that has not been served; a late delivery is released. */
  cancel(request: TakeRequest): void;
  /** The owner finished these messages. */
  ack(owner: Owner, ids: number[]): void;
  /** The owner hands these back unread: they return to the front, in their order. */
  release(owner: Owner, ids: number[]): void;
  /** The owner is gone: withdraw its takes and release everything it held. */
  releaseOwner(owner: Owner): void;
  /** The number of waiting messages: exact at home, the last known count elsewhere. */
  size(): number;
  /** The number of waiting messages, asked of the queue's home: exact anywhere. */
  count(): Promise<number>;
}

/** The owner of reads made in the queue's home context. */
export const HOME_OWNER: Owner = Object.freeze({ tracked: false });
