/**
 * The input of `map`: the items of several iterables zipped into argument tuples, read
 * lazily, stopping at the shortest. Sync iterables are read without awaiting per item.
 */
import { ArgumentTypeError, preview } from "../errors.js";
/** Reads argument tuples. */
export class ZipReader {
    #iterators;
    /** True when no iterable is async: tuples can be read in a synchronous loop. */
    sync;
    /** Iterators with a `next()` still pending: closing them must not wait for it. */
    #reading = new Set();
    #done = false;
    constructor(iterables) {
        this.#iterators = iterables.map((iterable, i) => iteratorOf(iterable, i));
        this.sync = iterables.every((iterable) => typeof iterable[Symbol.asyncIterator] !== "function");
    }
    /** True once an input ended or the reader was closed. */
    get done() {
        return this.#done;
    }
    /** The number of tuples, when every input is an array (or has a known size). */
    static knownLength(iterables) {
        let length = Number.POSITIVE_INFINITY;
        for (const iterable of iterables) {
            const size = Array.isArray(iterable)
                ? iterable.length
                : iterable instanceof Map || iterable instanceof Set
                    ? iterable.size
                    : undefined;
            if (size === undefined)
                return undefined;
            length = Math.min(length, size);
        }
        return Number.isFinite(length) ? length : undefined;
    }
    /** Up to `n` tuples of sync inputs; fewer only at the end of the input. */
    readSync(n) {
        const out = [];
        while (out.length < n && !this.#done) {
            const tuple = [];
            for (const iterator of this.#iterators) {
                const step = iterator.next();
                if (step.done) {
                    this.#finish();
                    return out;
                }
                tuple.push(step.value);
            }
            out.push(tuple);
        }
        return out;
    }
    /** The next tuple, or `undefined` at the end of the input. */
    async next() {
        if (this.#done)
            return undefined;
        const steps = await Promise.all(this.#iterators.map((iterator) => this.#step(iterator)));
        if (this.#done)
            return undefined;
        if (steps.some((step) => step.done)) {
            this.#finish();
            return undefined;
        }
        return steps.map((step) => step.value);
    }
    /**
     * Stops reading: closes every input still open (generators run their `finally`), and
     * rejects if closing one threw. An input suspended in a `next()` cannot close before
     * that `next()` settles: it is asked to, without waiting, and its later failure ignored.
     */
    async close() {
        if (this.#done)
            return;
        this.#done = true;
        const waits = [];
        for (const iterator of this.#iterators) {
            if (this.#reading.has(iterator))
                void closeQuietly(iterator);
            else
                waits.push(closeNow(iterator));
        }
        await Promise.all(waits);
    }
    async #step(iterator) {
        this.#reading.add(iterator);
        try {
            return await iterator.next();
        }
        finally {
            this.#reading.delete(iterator);
        }
    }
    /** One input ended: close the others, as zip stops at the shortest. */
    #finish() {
        this.#done = true;
        for (const iterator of this.#iterators)
            void closeQuietly(iterator);
    }
}
/** Calls `return()` now, so that a sync generator's `finally` runs before this returns. */
function closeNow(iterator) {
    try {
        return Promise.resolve(iterator.return?.());
    }
    catch (error) {
        return Promise.reject(error);
    }
}
/** Closes an input nobody waits for: a failure of its `finally` has nowhere to go. */
function closeQuietly(iterator) {
    return closeNow(iterator).catch(() => { });
}
function iteratorOf(iterable, index) {
    if ((iterable !== null && typeof iterable === "object") || typeof iterable === "string") {
        const source = iterable;
        const asyncIterator = source[Symbol.asyncIterator];
        if (typeof asyncIterator === "function")
            return asyncIterator.call(source);
        const syncIterator = source[Symbol.iterator];
        if (typeof syncIterator === "function")
            return syncIterator.call(source);
    }
    throw new ArgumentTypeError(`map: argument ${index + 2} must be an iterable or async iterable, received ${preview(iterable)}`);
}
