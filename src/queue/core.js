import { HOME_OWNER } from "./backend.js";
import { Reader } from "./reader.js";
/** Reads made in this context, when the queue lives elsewhere. */
const LOCAL_OWNER = Object.freeze({ tracked: true });
/** The state behind a queue handle. */
export class QueueCore {
    id;
    kind;
    backend;
    /** True in the context that created the queue, where its messages live. */
    home;
    /**
     * Messages that `get()` returned and that are not done yet. A message from `get()` is
     * done when this context calls `get()` again after receiving it, or when the task that
     * read it ends; until then it stays leased, so a reader that dies loses nothing. A list,
     * not one slot: several `get()` calls may be waiting at once.
     */
    gotten = [];
    #reader;
    #handle;
    constructor(id, kind, backend, home) {
        this.id = id;
        this.kind = kind;
        this.backend = backend;
        this.home = home;
    }
    get reader() {
        this.#reader ??= new Reader(this.backend, this.home ? HOME_OWNER : LOCAL_OWNER, !this.home);
        return this.#reader;
    }
    /**
     * The one handle of this queue here, made by `make` the first time: a queue that arrives
     * in several task arguments or map items is one handle.
     */
    handle(make) {
        this.#handle ??= make();
        return this.#handle;
    }
    /** What `get()` returned so far is done. */
    ackGotten() {
        if (this.gotten.length === 0)
            return;
        const reader = this.reader;
        for (const id of this.gotten)
            reader.ack(id);
        this.gotten.length = 0;
    }
    /** The task that used this handle ended: what it read is done, what it did not is returned. */
    finish() {
        const reader = this.#reader;
        if (!reader)
            return;
        this.ackGotten();
        reader.flushAcks();
        reader.releaseUnread();
    }
}
