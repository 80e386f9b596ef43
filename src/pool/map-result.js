/**
 * What `map` returns: a real `Promise` of the results array that is also an async
 * iterable. The work starts at the call; until a `for await` loop takes the results,
 * they are collected for the promise, so a failure nobody observes is an unhandled
 * rejection, as with any promise. The results go to one consumer: the promise or one
 * loop.
 */
import { MapConsumedError } from "../errors.js";
import { Pump } from "./batches.js";
/**
 * The result of `map`: `await` it (or `then`, `catch`, `finally`) for the array of
 * results, or iterate it with `for await` to stream them as they complete, with
 * backpressure (in input order unless `ordered: false`). It is a `Promise`
 * (`instanceof Promise`); `then`, `catch` and `finally` return plain promises. The work
 * starts when `map` is called. Its results go either to the promise or to one loop:
 * iterating it after awaiting it, iterating it twice, or awaiting it after a loop took
 * the results gives a `MapConsumedError`.
 */
export class MapResult extends Promise {
    /** Derived promises are plain promises: only `map` makes a `MapResult` with work behind it. */
    static get [Symbol.species]() {
        return Promise;
    }
    #pump;
    #settle;
    #awaited = false;
    #iterated = false;
    /** @internal Starts collecting the results of `source` for the promise, at once. */
    static collect(source) {
        let settle;
        const result = new MapResult((resolve, reject) => {
            settle = { resolve, reject };
        });
        result.#settle = settle;
        const pump = new Pump(source);
        result.#pump = pump;
        // A loop that begins right after the call takes the results before anything is collected.
        queueMicrotask(() => void result.#collect(pump));
        return result;
    }
    /** Attaches callbacks for the results array or the failure, as `Promise.prototype.then`. */
    // biome-ignore lint/suspicious/noThenProperty: a MapResult is a promise; then notes that it is awaited
    then(onfulfilled, onrejected) {
        this.#awaited = true;
        return super.then(onfulfilled, onrejected);
    }
    /** Yields results as they arrive (in input order unless `ordered: false`). */
    [Symbol.asyncIterator]() {
        const refusal = this.#claim();
        if (refusal)
            return refuse(refusal);
        if (!this.#pump)
            return yieldAll(super.then((values) => values));
        return this.#stream(this.#pump);
    }
    async #collect(pump) {
        while (!this.#iterated && !pump.finished)
            await pump.pull();
        if (this.#iterated)
            return;
        if (pump.failure)
            this.#settle?.reject(pump.failure.error);
        else
            this.#settle?.resolve(flatten(pump.drain()));
    }
    async *#stream(pump) {
        try {
            for (;;) {
                for (const batch of pump.drain())
                    yield* batch;
                if (pump.failure)
                    throw pump.failure.error;
                if (pump.ended)
                    return;
                await pump.pull();
            }
        }
        finally {
            // Breaking out of the loop (or a failure) stops the work.
            await pump.stop();
        }
    }
    /** Gives the results to a loop, if they are still to be had; else the error to throw. */
    #claim() {
        if (this.#iterated) {
            return new MapConsumedError("this map() result was already consumed: its results went to the first for await loop; call map() again to run it again");
        }
        if (this.#awaited) {
            return new MapConsumedError("this map() result was already consumed: it is awaited, so its results go to the promise; iterate the array, or iterate the result without awaiting it");
        }
        this.#iterated = true;
        // The loop reports failures now: the promise rejecting too would be a second report.
        super.then(undefined, () => { });
        this.#settle?.reject(new MapConsumedError("this map() result was already consumed: a for await loop took its results; call map() again to run it again"));
        return undefined;
    }
}
function flatten(batches) {
    const out = [];
    for (const batch of batches)
        for (const value of batch)
            out.push(value);
    return out;
}
/** An iterator whose first `next()` rejects with `error`. */
function refuse(error) {
    return { next: () => Promise.reject(error) };
}
async function* yieldAll(values) {
    yield* await values;
}
