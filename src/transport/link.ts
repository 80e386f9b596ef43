/**
 * A `Link` carries frames between two contexts over one `Port`. Frames from all
 * channels share one outbox, flushed on `process.nextTick`: that runs once the current
 * burst of work, microtasks included, has drained, so a `for await` loop over a hundred
 * buffered messages sends its acks in one `send`, not one each (queueMicrotask would
 * run between the iterations). Frames keep the order they were sent in across channels,
 * so a reply never overtakes the puts that preceded it; a frame that continues the last
 * one (more puts to the same queue) is merged into it.
 */

import type { Port } from "./port.js";
import type { Attached, Frame, Packed } from "./protocol.js";

/** Frames beyond this many are flushed at once rather than at the end of the tick. */
const MAX_BATCH = 4096;

/** A batched, ordered, multi-channel connection to another context. */
export class Link {
  /** Batches being delivered now, here: none may be polled in their midst. */
  static #delivering = 0;
  /** Links whose port can be read synchronously (threads' channels), for `pollAll`. */
  static readonly #pollable = new Set<Link>();

  /**
   * Delivers, now, what every pollable link has received: a context in a synchronous loop
   * of large puts hears its readers this way (a take served then sends its large message
   * at once, see QueueServer). Not while a batch is being delivered: what follows it would
   * be handled before the rest of it.
   */
  static pollAll(): void {
    if (Link.#delivering > 0) return;
    for (const link of Link.#pollable) link.#port.poll?.();
  }

  readonly #port: Port;
  #outbox: Frame[] = [];
  /** The packed payloads the outbox holds, for the port to move their bytes. */
  #attached: Attached = { kept: [], given: [] };
  #scheduled = false;
  #closed = false;
  readonly #handlers = new Map<number, (payload: unknown) => void>();
  readonly #mergers = new Map<number, (last: unknown, next: unknown) => boolean>();
  readonly #closeListeners: Array<() => void> = [];

  /**
   * Frames may be sent at once: a new thread or child process receives what was posted
   * before it listened (Node holds it until a listener is attached).
   */
  constructor(port: Port) {
    this.#port = port;
    port.onBatch((batch) => this.#receive(batch));
    port.onClose(() => this.#onClose());
    if (port.poll) Link.#pollable.add(this);
  }

  /** True when bytes sent here are copied into a pipe (a child process), not handed over. */
  get copiesBytes(): boolean {
    return this.#port.copiesBytes === true;
  }

  /** True once the other side is gone. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues a frame; it leaves with the others at the end of this tick. `attached` names the
   * packed payloads inside it (found by the sender, which knows where they are, so that no
   * frame is scanned for bytes). `kept` stay the sender's after the send (a message held for
   * redelivery); `given` are let go of once sent (a put from a worker, a result), so their
   * own buffers may be handed over instead of a copy.
   */
  send(
    channel: number,
    payload: unknown,
    kept?: readonly Packed[],
    given?: readonly Packed[],
  ): void {
    if (this.#closed) return;
    if (kept) for (const packed of kept) this.#attached.kept.push(packed);
    if (given) for (const packed of given) this.#attached.given.push(packed);
    const last = this.#outbox[this.#outbox.length - 1];
    if (last?.[0] === channel && this.#mergers.get(channel)?.(last[1], payload)) return;
    this.#outbox.push([channel, payload]);
    if (this.#outbox.length >= MAX_BATCH) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  /**
   * Sends one frame now, where the port allows it ahead of what is in flight (see
   * `Port.postUrgent`); what was queued before it leaves first.
   */
  sendUrgent(channel: number, payload: unknown): void {
    if (this.#closed) return;
    this.flush();
    const batch: Frame[] = [[channel, payload]];
    if (this.#port.postUrgent) this.#port.postUrgent(batch);
    else this.#port.post(batch, { kept: [], given: [] });
  }

  /** Lets frames of a channel fold into the previous one: `merge` returns true if it did. */
  setMerger(channel: number, merge: (last: unknown, next: unknown) => boolean): void {
    this.#mergers.set(channel, merge);
  }

  /** Sends what is queued now. */
  flush(): void {
    this.#scheduled = false;
    if (this.#closed || this.#outbox.length === 0) return;
    const batch = this.#outbox;
    const attached = this.#attached;
    this.#outbox = [];
    this.#attached = { kept: [], given: [] };
    this.#port.post(batch, attached);
  }

  /** Sets the handler of one channel. */
  on(channel: number, handler: (payload: unknown) => void): void {
    this.#handlers.set(channel, handler);
  }

  /** Calls `listener` once when the other side is gone. */
  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closeListeners.push(listener);
  }

  ref(): void {
    if (!this.#closed) this.#port.ref();
  }

  unref(): void {
    if (!this.#closed) this.#port.unref();
  }

  /** Sends what is queued now, and resolves once all of it has left this context. */
  drain(): Promise<void> {
    this.flush();
    return this.#port.drain();
  }

  /** Sends what is queued, then closes the port. */
  close(): void {
    this.flush();
    this.#port.close();
  }

  #receive(batch: Frame[]): void {
    Link.#delivering++;
    try {
      for (const [channel, payload] of batch) this.#handlers.get(channel)?.(payload);
    } finally {
      Link.#delivering--;
    }
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    Link.#pollable.delete(this);
    this.#outbox = [];
    this.#attached = { kept: [], given: [] };
    for (const listener of this.#closeListeners.splice(0)) listener();
  }
}
