/**
 * Where a queue's messages live: an in-memory FIFO in the context that created the
 * queue. Delivered is not done: what an owner took stays leased to it until acked, and
 * goes back to the front if the owner dies, so a dead worker loses no message.
 */

import { releasePayload } from "../codec/staging.js";
import { END_KIND } from "../msg.js";
import { Link } from "../transport/link.js";
import { type Item, isMoved, type WireMsg } from "../transport/protocol.js";
import type { Backend, Owner, TakeRequest } from "./backend.js";
import { Deque } from "./deque.js";
import { isLarge } from "./large.js";
import { type Starvable, starvation } from "./starvation.js";
import { WaitingPuts } from "./waiting-puts.js";

/** The home of a queue. */
export class Store implements Backend, Starvable {
  readonly #items = new Deque<Item>();
  /** The most messages that may wait (`Q`'s `maxsize`); puts beyond it wait or are refused. */
  readonly #maxsize: number;
  readonly #waitingPuts = new WaitingPuts();
  /** Takes waiting for messages, oldest first (a Set keeps order and deletes in O(1)). */
  readonly #waiters = new Set<TakeRequest>();
  readonly #leases = new Map<Owner, Map<number, Item>>();
  #nextId = 1;
  #serving = false;
  /** Streaming takes served part of a burst already, with how many messages they got. */
  readonly #streamed = new Map<TakeRequest, number>();
  /** Takes of this context's own readers waiting here (see starvation.ts). */
  #homeWaiting = 0;

  /** @param maxsize - the most messages that may wait; `Infinity` for no bound. */
  constructor(maxsize = Number.POSITIVE_INFINITY) {
    this.#maxsize = maxsize;
  }

  put(msgs: WireMsg[]): void {
    let large = false;
    for (const [payload, kind, order] of msgs) {
      this.#items.push([this.#nextId++, payload, kind, order]);
      large ||= isLarge(payload);
    }
    if (large) {
      // A large message goes to a reader as soon as it is put, not at the end of the
      // burst; and the takes readers sent meanwhile are heard now, where the channel
      // allows it (threads), so that they read while this context encodes the next.
      this.#stream();
      Link.pollAll();
    }
    this.#scheduleServe();
  }

  hasRoom(n: number): boolean {
    return this.#items.length + n <= this.#maxsize;
  }

  putWhenRoom(msgs: WireMsg[]): Promise<void> {
    if (this.#waitingPuts.length === 0 && this.#fits(msgs.length)) {
      this.put(msgs);
      return Promise.resolve();
    }
    return this.#waitingPuts.add(msgs);
  }

  take(request: TakeRequest): void {
    if (this.#waiters.size === 0 && this.#items.length > 0) {
      request.done(this.#grab(request), this.#items.length);
    } else {
      this.#waiters.add(request);
      if (!request.owner.tracked && this.#homeWaiting++ === 0) starvation.watch(this);
    }
  }

  starve(error: Error): boolean {
    let starved = false;
    for (const request of this.#waiters) {
      if (request.owner.tracked || !request.fail) continue;
      this.#unwait(request);
      request.fail(error);
      starved = true;
    }
    return starved;
  }

  cancel(request: TakeRequest): void {
    this.#unwait(request);
  }

  ack(owner: Owner, ids: number[]): void {
    const lease = this.#leases.get(owner);
    if (!lease) return;
    for (const id of ids) {
      const item = lease.get(id);
      if (!item) continue;
      lease.delete(id);
      releasePayload(item[1]); // done: its staged copies are free for other messages
    }
    if (lease.size === 0) this.#leases.delete(owner);
  }

  release(owner: Owner, ids: number[]): void {
    const lease = this.#leases.get(owner);
    if (!lease) return;
    const back: Item[] = [];
    for (const id of ids) {
      const item = lease.get(id);
      if (item) {
        lease.delete(id);
        back.push(item);
      }
    }
    if (lease.size === 0) this.#leases.delete(owner);
    this.#returnToFront(back);
  }

  releaseOwner(owner: Owner): void {
    for (const request of this.#waiters) if (request.owner === owner) this.#unwait(request);
    const lease = this.#leases.get(owner);
    if (!lease) return;
    this.#leases.delete(owner);
    this.#returnToFront([...lease.values()]);
  }

  size(): number {
    return this.#items.length;
  }

  count(): Promise<number> {
    return Promise.resolve(this.#items.length);
  }

  /**
   * Released messages go back to the front of the queue, merged by id with messages
   * released before them, so the queue stays in the order messages were put whatever
   * order they came back in.
   */
  #returnToFront(returned: Item[]): void {
    // A moved message's bytes went to the reader that took it: it is delivered at most once.
    const items: Item[] = [];
    for (const item of returned) {
      if (isMoved(item[1])) releasePayload(item[1]);
      else items.push(item);
    }
    if (items.length === 0) return;
    let last = 0;
    for (const item of items) last = Math.max(last, item[0]); // no spread: releases can be large
    while ((this.#items.peek()?.[0] ?? Number.POSITIVE_INFINITY) < last) {
      items.push(this.#items.shift() as Item);
    }
    items.sort((a, b) => a[0] - b[0]);
    for (let i = items.length - 1; i >= 0; i--) this.#items.unshift(items[i] as Item);
    this.#scheduleServe();
  }

  #grab(request: TakeRequest, n = request.n): Item[] {
    const out: Item[] = [];
    while (out.length < n && this.#items.length > 0) {
      const item = this.#items.shift() as Item;
      out.push(item);
      if (item[2] === END_KIND) break; // never deliver past an END: each reader stops at its own
      // A reader in a child process asks for the next large message as it starts on this
      // one: it holds no more than that one ahead.
      if (request.oneLarge && isLarge(item[1])) break;
    }
    if (this.#waitingPuts.length > 0) {
      this.#waitingPuts.admit(
        (n) => this.#fits(n),
        (msgs) => this.put(msgs),
      );
    }
    if (request.owner.tracked) {
      let lease = this.#leases.get(request.owner);
      if (!lease) {
        lease = new Map();
        this.#leases.set(request.owner, lease);
      }
      for (const item of out) lease.set(item[0], item);
    }
    return out;
  }

  /** A waiting take is served or withdrawn; the watch for starved reads ends with the last one here. */
  #unwait(request: TakeRequest): void {
    this.#streamed.delete(request);
    if (!this.#waiters.delete(request) || request.owner.tracked) return;
    if (--this.#homeWaiting === 0) starvation.unwatch(this);
  }

  /** Room for `n` more; a batch larger than the bound goes in alone, into an empty queue. */
  #fits(n: number): boolean {
    return this.hasRoom(n) || this.#items.length === 0;
  }

  /**
   * Hands what waits now to the first take in line if it streams; it stays open (`more`)
   * until the burst ends, its count is reached or it reads an END (or a large message, for
   * a child process: see `TakeRequest.oneLarge`), and goes to the back of
   * the line, so that readers take turns as they do batch by batch. A first take that does
   * not stream (a reader here) is served at the end of the burst, as before, not skipped.
   */
  #stream(): void {
    for (const request of this.#waiters) {
      if (!request.streams) return;
      const got = this.#streamed.get(request) ?? 0;
      const items = this.#grab(request, request.n - got);
      if (items.length === 0) return;
      const total = got + items.length;
      const last = items[items.length - 1] as Item;
      const ended =
        total >= request.n ||
        last[2] === END_KIND ||
        (request.oneLarge === true && isLarge(last[1]));
      if (ended) {
        this.#unwait(request);
        request.done(items, this.#items.length);
      } else {
        this.#waiters.delete(request);
        this.#waiters.add(request);
        this.#streamed.set(request, total);
        request.done(items, this.#items.length, true);
      }
      return;
    }
  }

  /** Serves waiters once per microtask, so a burst of puts is delivered in few batches. */
  #scheduleServe(): void {
    if (this.#serving || this.#waiters.size === 0) return;
    this.#serving = true;
    queueMicrotask(() => {
      this.#serving = false;
      for (const request of this.#waiters) {
        const got = this.#streamed.get(request);
        if (this.#items.length === 0 && got === undefined) continue;
        this.#unwait(request);
        // A take that streamed part of the burst ends here, with what is left or nothing.
        request.done(this.#grab(request, request.n - (got ?? 0)), this.#items.length);
      }
    });
  }
}
