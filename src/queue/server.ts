/**
 * The parent's side of the queue protocol for one child: requests from the child are
 * applied to this context's backend of each queue (the store, or a remote backend that
 * relays further up). When the child is gone, its pending takes are withdrawn and every
 * message it (or anything below it) held goes back to its queue.
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
import { isLarge } from "./large.js";

/** Finds the backend of a queue by id, if this context can reach it. */
export type BackendOf = (qid: string) => Backend | undefined;

/** Serves queue requests that arrive on `link`, from the child known as `owner`. */
export function serveQueues(link: Link, owner: Owner, backendOf: BackendOf): void {
  const server = new QueueServer(link, owner, backendOf);
  link.on(Channel.queue, (payload) => server.handle(payload as QueueFrame));
  link.onClose(() => server.releaseAll());
}

/** The queue requests of one child. */
export class QueueServer {
  readonly #link: Link;
  readonly #owner: Owner;
  readonly #backendOf: BackendOf;
  /** Takes not yet served, by the child's request id; `streamed` once a part was sent. */
  readonly #pending = new Map<
    number,
    { backend: Backend; request: TakeRequest; streamed?: boolean }
  >();
  /** Every backend the child used: what it holds there goes back when it is gone. */
  readonly #touched = new Set<Backend>();

  constructor(link: Link, owner: Owner, backendOf: BackendOf) {
    this.#link = link;
    this.#owner = owner;
    this.#backendOf = backendOf;
  }

  /** Applies one request; requests for a queue this context cannot reach are dropped. */
  handle(frame: QueueFrame): void {
    switch (frame[0]) {
      case "put":
        this.#find(frame[1])?.put(frame[2]);
        break;
      case "take":
        this.#take(frame[1], frame[2], frame[3], frame[4] === 1);
        break;
      case "cancel":
        this.#cancel(frame[2]);
        break;
      case "count":
        this.#count(frame[1], frame[2]);
        break;
      case "putw":
        this.#putWhenRoom(frame[1], frame[2], frame[3]);
        break;
      case "ack":
        this.#find(frame[1])?.ack(this.#owner, frame[2]);
        break;
      case "rel":
        this.#find(frame[1])?.release(this.#owner, frame[2]);
        break;
    }
  }

  /** The child is gone: withdraw its takes, and give back everything it held. */
  releaseAll(): void {
    for (const { backend, request } of this.#pending.values()) backend.cancel(request);
    this.#pending.clear();
    for (const backend of this.#touched) backend.releaseOwner(this.#owner);
  }

  #take(qid: string, id: number, n: number, urgent: boolean): void {
    const backend = this.#find(qid);
    if (!backend) return;
    const request: TakeRequest = {
      owner: this.#owner,
      n,
      streams: true,
      urgent,
      oneLarge: this.#link.copiesBytes,
      done: (items: Item[], remaining: number, more?: boolean) => {
        if (!more) {
          this.#pending.delete(id);
          this.#reply(["took", id, items, remaining], packedAt(items, 1));
        } else {
          const entry = this.#pending.get(id);
          if (entry) entry.streamed = true;
          this.#reply(["took", id, items, remaining, 1], packedAt(items, 1));
        }
        // A large message leaves now, not at the end of the producer's burst (it is the
        // last of a reply served as it was put: one look, not a scan of every item).
        const last = items[items.length - 1];
        if (more || (last && isLarge(last[1]))) this.#link.flush();
      },
    };
    this.#pending.set(id, { backend, request });
    backend.take(request);
  }

  #cancel(id: number): void {
    const entry = this.#pending.get(id);
    if (!entry) return;
    this.#pending.delete(id);
    entry.backend.cancel(entry.request);
    // A take cut short in mid-stream gets its last reply, so the child forgets it.
    if (entry.streamed) this.#reply(["took", id, [], entry.backend.size()]);
  }

  #count(qid: string, id: number): void {
    void this.#find(qid)
      ?.count()
      .then((size) => this.#reply(["counted", id, size]));
  }

  #putWhenRoom(qid: string, id: number, msgs: WireMsg[]): void {
    const backend = this.#find(qid);
    void backend?.putWhenRoom(msgs).then(() => this.#reply(["room", id, backend.size()]));
  }

  #find(qid: string): Backend | undefined {
    const backend = this.#backendOf(qid);
    if (backend) this.#touched.add(backend);
    return backend;
  }

  #reply(frame: QueueFrame, attached?: readonly Packed[]): void {
    this.#link.send(Channel.queue, frame, attached);
  }
}
