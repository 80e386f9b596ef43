class UnjoinedFailures {
    #failures = new Map();
    #reporting = false;
    /** `worker` failed with `error`, and nobody has joined it yet. */
    add(worker, error) {
        this.#failures.set(worker, error);
        if (this.#reporting)
            return;
        this.#reporting = true;
        process.once("exit", () => this.#report());
    }
    /** Someone joined `worker`: its failure, if any, is observed. */
    observed(worker) {
        this.#failures.delete(worker);
    }
    #report() {
        for (const [worker, error] of this.#failures) {
            const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
            process.stderr.write(`ezq: a ${worker.kind} worker failed and join() was never called:\n${detail}\n`);
        }
        if (this.#failures.size > 0 && !process.exitCode)
            process.exitCode = 1;
    }
}
/** The failures nobody joined in this context. */
export const unjoined = new UnjoinedFailures();
