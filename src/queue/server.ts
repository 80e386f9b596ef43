/**
 * The parent's side of the queue protocol for one child: requests from the child are
 * applied to this context's backend of each queue (the store, or a remote backend that
 * relays further up). When the child is gone, its pending takes are withdrawn and every
 * message it (or anything below it) held goes back to its queue.
 */
import type { Link } from "../transport/link.js";
import { Channel, type Item, type QueueFrame } from "../transport/protocol.js";
import type { Backend, Owner, TakeRequest } from "./backend.js";

/** Serves queue requests that arrive on `link`, from the child known as `owner`. */
export function serveQueues(
  link: Link,
  owner: Owner,
  backendOf: (qid: string) => Backend | undefined,
): void {
  const pending = new Map<number, { backend: Backend; request: TakeRequest }>();
  const touched = new Set<Backend>();

  const find = (qid: string): Backend | undefined => {
    const backend = backendOf(qid);
    if (backend) touched.add(backend);
    return backend;
  };

  link.on(Channel.queue, (payload) => {
    const frame = payload as QueueFrame;
    switch (frame[0]) {
      case "put":
        find(frame[1])?.put(frame[2]);
        break;
      case "take": {
        const [, qid, id, n] = frame;
        const backend = find(qid);
        if (!backend) return;
        const request: TakeRequest = {
          owner,
          n,
          done: (items: Item[], remaining: number) => {
            pending.delete(id);
            link.send(Channel.queue, ["took", id, items, remaining] satisfies QueueFrame);
          },
        };
        pending.set(id, { backend, request });
        backend.take(request);
        break;
      }
      case "cancel": {
        const entry = pending.get(frame[2]);
        if (entry) {
          pending.delete(frame[2]);
          entry.backend.cancel(entry.request);
        }
        break;
      }
      case "count": {
        const [, qid, id] = frame;
        void find(qid)
          ?.count()
          .then((size) => link.send(Channel.queue, ["counted", id, size] satisfies QueueFrame));
        break;
      }
      case "ack":
        find(frame[1])?.ack(owner, frame[2]);
        break;
      case "rel":
        find(frame[1])?.release(owner, frame[2]);
        break;
    }
  });

  link.onClose(() => {
    for (const { backend, request } of pending.values()) backend.cancel(request);
    pending.clear();
    for (const backend of touched) backend.releaseOwner(owner);
  });
}
