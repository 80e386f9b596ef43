import { Channel } from "../transport/protocol.js";
/** Routes replies from the parent to the requests that wait for them. */
export class QueueClient {
    link;
    #nextRequest = 1;
    #waiting = new Map();
    constructor(link) {
        this.link = link;
        link.setMerger(Channel.queue, mergeFrames);
        link.on(Channel.queue, (frame) => {
            const reply = frame;
            const id = reply[1];
            const handler = this.#waiting.get(id);
            if (handler) {
                this.#waiting.delete(id);
                handler(reply);
            }
        });
    }
    /** Sends a request frame built around a fresh request id; `onReply` gets the reply. */
    request(build, onReply) {
        const id = this.#nextRequest++;
        this.#waiting.set(id, onReply);
        this.link.send(Channel.queue, build(id));
        return id;
    }
    /** Forgets a request; a reply that still arrives goes to `late`. */
    forget(id, late) {
        if (this.#waiting.has(id))
            this.#waiting.set(id, late);
    }
    send(frame) {
        this.link.send(Channel.queue, frame);
    }
}
/** Puts to one queue in a row become one frame; so do acks. */
function mergeFrames(last, next) {
    const a = last;
    const b = next;
    if ((a[0] === "put" || a[0] === "ack") && a[0] === b[0] && a[1] === b[1]) {
        // A loop, not push(...spread): a burst of 500k puts must not hit the argument limit.
        const into = a[2];
        for (const value of b[2])
            into.push(value);
        return true;
    }
    return false;
}
/** The backend of a queue that lives in an ancestor. */
export class RemoteBackend {
    #client;
    #qid;
    #requests = new Map();
    #held = new Map();
    #lastSize = 0;
    constructor(client, qid) {
        this.#client = client;
        this.#qid = qid;
    }
    put(msgs) {
        this.#client.send(["put", this.#qid, msgs]);
    }
    take(request) {
        const id = this.#client.request((req) => ["take", this.#qid, req, request.n], (frame) => {
            this.#requests.delete(request);
            const [, , items, remaining] = frame;
            this.#lastSize = remaining;
            this.#hold(request.owner, items);
            request.done(items, remaining);
        });
        this.#requests.set(request, id);
    }
    cancel(request) {
        const id = this.#requests.get(request);
        if (id === undefined)
            return;
        this.#requests.delete(request);
        this.#client.send(["cancel", this.#qid, id]);
        // The parent may have answered already: give back whatever still arrives.
        this.#client.forget(id, (frame) => {
            const items = frame[2];
            if (items.length > 0)
                this.#client.send(["rel", this.#qid, items.map((item) => item[0])]);
        });
    }
    ack(owner, ids) {
        this.#unhold(owner, ids);
        this.#client.send(["ack", this.#qid, ids]);
    }
    release(owner, ids) {
        this.#unhold(owner, ids);
        this.#client.send(["rel", this.#qid, ids]);
    }
    releaseOwner(owner) {
        for (const request of [...this.#requests.keys()]) {
            if (request.owner === owner)
                this.cancel(request);
        }
        const held = this.#held.get(owner);
        if (!held)
            return;
        this.#held.delete(owner);
        if (held.size > 0)
            this.#client.send(["rel", this.#qid, [...held]]);
    }
    size() {
        return this.#lastSize;
    }
    count() {
        return new Promise((resolve) => {
            this.#client.request((req) => ["count", this.#qid, req], (frame) => {
                this.#lastSize = frame[2];
                resolve(this.#lastSize);
            });
        });
    }
    #hold(owner, items) {
        let held = this.#held.get(owner);
        if (!held) {
            held = new Set();
            this.#held.set(owner, held);
        }
        for (const item of items)
            held.add(item[0]);
    }
    #unhold(owner, ids) {
        const held = this.#held.get(owner);
        if (!held)
            return;
        for (const id of ids)
            held.delete(id);
    }
}
