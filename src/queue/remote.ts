/**
 * A queue whose home is an ancestor context. Operations are forwarded up the parent
 * link; replies come back on it. This context remembers which local owner holds which
 * message, so that when a local owner (a reader here, or a child we relay for) goes
 * away, exactly its messages are released upstream.
 */
import type { Link } from "../transport/link.js";
import {
  Channel,
  type Item,
  type Packed,
  packedAt,
  type QueueFrame,
  type WireMsg,
} from "../transport/protocol.js";
import type { Backend, Owner, TakeRequest } from "./backend.js";

/** Routes replies from the parent to the requests that wait for them. */
export class QueueClient {
  readonly link: Link;
  #nextRequest = 1;
  readonly #waiting = new Map<number, (frame: QueueFrame) => void>();

  constructor(link: Link) {
    this.link = link;
    link.setMerger(Channel.queue, mergeFrames);
    link.on(Channel.queue, (frame) => {
      const reply = frame as QueueFrame;
      const id = reply[1] as number;
      const handler = this.#waiting.get(id);
      if (handler) {
        // A take served message by message (a burst of large ones) has more replies coming.
        if (!(reply[0] === "took" && reply[4] === 1)) this.#waiting.delete(id);
        handler(reply);
      }
    });
  }

  /**
   * Sends a request frame built around a fresh request id; `onReply` gets the reply.
   * `attached` lists the payloads in it that hold bytes, which this context lets go of once
   * sent (see `Link.send`). An `urgent` request leaves now, ahead of what is in flight
   * where the link allows it (`Link.sendUrgent`); it carries no bytes.
   */
  request(
    build: (id: number) => QueueFrame,
    onReply: (frame: QueueFrame) => void,
    attached?: readonly Packed[],
    urgent = false,
  ): number {
    const id = this.#nextRequest++;
    this.#waiting.set(id, onReply);
    if (urgent) this.link.sendUrgent(Channel.queue, build(id));
    else this.link.send(Channel.queue, build(id), undefined, attached);
    return id;
  }

  /** Forgets a request; a reply that still arrives goes to `late`. */
  forget(id: number, late: (frame: QueueFrame) => void): void {
    if (this.#waiting.has(id)) this.#waiting.set(id, late);
  }

  /** Sends a frame; `attached` as for `request`. */
  send(frame: QueueFrame, attached?: readonly Packed[]): void {
    this.link.send(Channel.queue, frame, undefined, attached);
  }
}

/** Puts to one queue in a row become one frame; so do acks. */
function mergeFrames(last: unknown, next: unknown): boolean {
  const a = last as QueueFrame;
  const b = next as QueueFrame;
  if ((a[0] === "put" || a[0] === "ack") && a[0] === b[0] && a[1] === b[1]) {
    // A loop, not push(...spread): a burst of 500k puts must not hit the argument limit.
    const into = a[2] as unknown[];
    for (const value of b[2] as unknown[]) into.push(value);
    return true;
  }
  return false;
}

/** The backend of a queue that lives in an ancestor. */
export class RemoteBackend implements Backend {
  readonly #client: QueueClient;
  readonly #qid: string;
  readonly #requests = new Map<TakeRequest, number>();
  readonly #held = new Map<Owner, Set<number>>();
  readonly #maxsize: number;
  /** The queue's size as home last reported it, and how many this context put since. */
  #lastSize = 0;
  #putSince = 0;

  constructor(client: QueueClient, qid: string, maxsize = Number.POSITIVE_INFINITY) {
    this.#client = client;
    this.#qid = qid;
    this.#maxsize = maxsize;
  }

  put(msgs: WireMsg[]): void {
    this.#putSince += msgs.length;
    this.#client.send(["put", this.#qid, msgs], packedAt(msgs, 0));
  }

  hasRoom(n: number): boolean {
    return this.#lastSize + this.#putSince + n <= this.#maxsize;
  }

  putWhenRoom(msgs: WireMsg[]): Promise<void> {
    return new Promise((resolve) => {
      this.#client.request(
        (req) => ["putw", this.#qid, req, msgs],
        (frame) => {
          this.#heard((frame as ["room", number, number])[2]);
          resolve();
        },
        packedAt(msgs, 0),
      );
    });
  }

  take(request: TakeRequest): void {
    const id = this.#client.request(
      (req) =>
        request.urgent
          ? ["take", this.#qid, req, request.n, 1]
          : ["take", this.#qid, req, request.n],
      (frame) => {
        const [, , items, remaining, more] = frame as ["took", number, Item[], number, 1?];
        if (!more) this.#requests.delete(request);
        this.#heard(remaining);
        this.#hold(request.owner, items);
        request.done(items, remaining, more === 1);
      },
      undefined,
      request.urgent,
    );
    this.#requests.set(request, id);
  }

  cancel(request: TakeRequest): void {
    const id = this.#requests.get(request);
    if (id === undefined) return;
    this.#requests.delete(request);
    this.#client.send(["cancel", this.#qid, id]);
    // The parent may have answered already: give back whatever still arrives.
    this.#client.forget(id, (frame) => {
      const items = (frame as ["took", number, Item[], number])[2];
      if (items.length > 0) this.#client.send(["rel", this.#qid, items.map((item) => item[0])]);
    });
  }

  ack(owner: Owner, ids: number[]): void {
    this.#unhold(owner, ids);
    this.#client.send(["ack", this.#qid, ids]);
  }

  release(owner: Owner, ids: number[]): void {
    this.#unhold(owner, ids);
    this.#client.send(["rel", this.#qid, ids]);
  }

  releaseOwner(owner: Owner): void {
    for (const request of [...this.#requests.keys()]) {
      if (request.owner === owner) this.cancel(request);
    }
    const held = this.#held.get(owner);
    if (!held) return;
    this.#held.delete(owner);
    if (held.size > 0) this.#client.send(["rel", this.#qid, [...held]]);
  }

  size(): number {
    return this.#lastSize;
  }

  count(): Promise<number> {
    return new Promise((resolve) => {
      this.#client.request(
        (req) => ["count", this.#qid, req],
        (frame) => {
          this.#heard((frame as ["counted", number, number])[2]);
          resolve(this.#lastSize);
        },
      );
    });
  }

  /** Home reported the queue's size: what was put here before is counted in it. */
  #heard(size: number): void {
    this.#lastSize = size;
    this.#putSince = 0;
  }

  #hold(owner: Owner, items: Item[]): void {
    let held = this.#held.get(owner);
    if (!held) {
      held = new Set();
      this.#held.set(owner, held);
    }
    for (const item of items) held.add(item[0]);
  }

  #unhold(owner: Owner, ids: number[]): void {
    const held = this.#held.get(owner);
    if (!held) return;
    for (const id of ids) held.delete(id);
  }
}
