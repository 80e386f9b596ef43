import { Channel } from "../transport/protocol.js";
/** Serves queue requests that arrive on `link`, from the child known as `owner`. */
export function serveQueues(link, owner, backendOf) {
    const server = new QueueServer(link, owner, backendOf);
    link.on(Channel.queue, (payload) => server.handle(payload));
    link.onClose(() => server.releaseAll());
}
/** The queue requests of one child. */
export class QueueServer {
    #link;
    #owner;
    #backendOf;
    /** Takes not yet served, by the child's request id. */
    #pending = new Map();
    /** Every backend the child used: what it holds there goes back when it is gone. */
    #touched = new Set();
    constructor(link, owner, backendOf) {
        this.#link = link;
        this.#owner = owner;
        this.#backendOf = backendOf;
    }
    /** Applies one request; requests for a queue this context cannot reach are dropped. */
    handle(frame) {
        switch (frame[0]) {
            case "put":
                this.#find(frame[1])?.put(frame[2]);
                break;
            case "take":
                this.#take(frame[1], frame[2], frame[3]);
                break;
            case "cancel":
                this.#cancel(frame[2]);
                break;
            case "count":
                this.#count(frame[1], frame[2]);
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
    releaseAll() {
        for (const { backend, request } of this.#pending.values())
            backend.cancel(request);
        this.#pending.clear();
        for (const backend of this.#touched)
            backend.releaseOwner(this.#owner);
    }
    #take(qid, id, n) {
        const backend = this.#find(qid);
        if (!backend)
            return;
        const request = {
            owner: this.#owner,
            n,
            done: (items, remaining) => {
                this.#pending.delete(id);
                this.#reply(["took", id, items, remaining]);
            },
        };
        this.#pending.set(id, { backend, request });
        backend.take(request);
    }
    #cancel(id) {
        const entry = this.#pending.get(id);
        if (!entry)
            return;
        this.#pending.delete(id);
        entry.backend.cancel(entry.request);
    }
    #count(qid, id) {
        void this.#find(qid)
            ?.count()
            .then((size) => this.#reply(["counted", id, size]));
    }
    #find(qid) {
        const backend = this.#backendOf(qid);
        if (backend)
            this.#touched.add(backend);
        return backend;
    }
    #reply(frame) {
        this.#link.send(Channel.queue, frame);
    }
}
