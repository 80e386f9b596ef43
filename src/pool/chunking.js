/**
 * How many items go to a worker in one message. One item per message caps a pool near
 * 50 k tasks/s (a round trip each); big chunks carry millions. The sizer measures the
 * task's time per item and aims for chunks of about TARGET_MS, so trivial tasks travel
 * in thousands and heavy ones a few at a time; every chunk costs the main thread a
 * wake-up, which on a machine with as many workers as cores is taken from a worker.
 * When the input's length is known, chunks are also at most a share of what remains
 * (guided self-scheduling): large while there is much left, small at the end, so the
 * workers finish together.
 */
/** The time one chunk should take to run. */
const TARGET_MS = 50;
const MAX_CHUNK = 8192;
/** Chooses chunk sizes for one `map` call. */
export class ChunkSizer {
    #fixed;
    #length;
    #workers;
    /** Milliseconds per item, once measured. */
    #perItem;
    constructor(fixed, knownLength, workers) {
        this.#fixed = fixed;
        this.#length = knownLength;
        this.#workers = workers;
    }
    /** The size of the next chunk, given how many items were handed out so far. */
    next(dispatched) {
        if (this.#fixed !== undefined)
            return this.#fixed;
        if (this.#perItem === undefined)
            return 1; // measure first
        let size = Math.min(MAX_CHUNK, Math.floor(TARGET_MS / Math.max(this.#perItem, 1e-6)));
        if (this.#length !== undefined) {
            // Two chunks per worker are in flight: a share of 1/(2 x workers) keeps them even.
            const remaining = this.#length - dispatched;
            size = Math.min(size, Math.ceil(remaining / (2 * this.#workers)));
        }
        return Math.max(1, size);
    }
    /** A chunk of `count` items ran in `ms` milliseconds. */
    record(count, ms) {
        if (count === 0)
            return;
        const perItem = ms / count;
        this.#perItem = this.#perItem === undefined ? perItem : (this.#perItem + perItem) / 2;
    }
}
