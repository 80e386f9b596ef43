/**
 * Between a `map` call at work and its `MapResult`: results are pulled in batches, one
 * pull at a time, into a buffer that the promise (collecting) or a `for await` loop
 * (streaming) takes from; a loop that begins late first gets what was collected.
 */
/** Pulls batches from a source into a buffer. */
export class Pump {
    #source;
    #batches = [];
    #pulling;
    /** The source has no more results. */
    ended = false;
    /** The source failed: the error to throw once the results before it were taken. */
    failure;
    constructor(source) {
        this.#source = source;
    }
    /** True when no batch will come any more. */
    get finished() {
        return this.ended || this.failure !== undefined;
    }
    /** Pulls one batch into the buffer (or notes the end or the failure); joins a pull under way. */
    pull() {
        this.#pulling ??= this.#source
            .next()
            .then((batch) => {
            if (batch === undefined)
                this.ended = true;
            else
                this.#batches.push(batch);
        }, (error) => {
            this.failure = { error };
        })
            .finally(() => {
            this.#pulling = undefined;
        });
        return this.#pulling;
    }
    /** Takes every batch buffered so far. */
    drain() {
        const batches = this.#batches;
        this.#batches = [];
        return batches;
    }
    /** Stops the source. */
    stop() {
        return this.#source.stop();
    }
}
