const STALLED = Symbol("stalled");
/** Reads chunks of argument tuples. */
export class ChunkFeed {
    #reader;
    /** A tuple read that was still pending when the last chunk left without it. */
    #carried;
    /** Settles at the end of this turn of the event loop (see `#stall`). */
    #turnEnd;
    constructor(reader) {
        this.#reader = reader;
    }
    /** True once the input ended (or was closed). */
    get done() {
        return this.#reader.done;
    }
    /** Up to `n` tuples: fewer at the end of the input, or when an async input stalls. */
    take(n) {
        return this.#reader.sync ? this.#reader.readSync(n) : this.#takeAsync(n);
    }
    /** Stops reading (see `ZipReader.close`). */
    close() {
        return this.#reader.close();
    }
    async #takeAsync(n) {
        const out = [];
        while (out.length < n) {
            const read = this.#carried ?? this.#reader.next();
            this.#carried = undefined;
            const tuple = out.length === 0 ? await read : await Promise.race([read, this.#stall()]);
            if (tuple === STALLED) {
                this.#carried = read;
                break;
            }
            if (tuple === undefined)
                break;
            out.push(tuple);
        }
        return out;
    }
    /**
     * Settles once this turn of the event loop is over. An item an async input has not
     * produced by then waits for something else (I/O, a timer, a result): shared by all
     * reads of the turn, so a fast input costs one `setImmediate` per turn, not per item.
     */
    #stall() {
        this.#turnEnd ??= new Promise((resolve) => setImmediate(() => {
            this.#turnEnd = undefined;
            resolve(STALLED);
        }));
        return this.#turnEnd;
    }
}
