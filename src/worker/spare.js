import { spawnChild } from "./spawn.js";
/** The spare thread of this context. */
class SpareThread {
    #spare;
    #closed = false;
    /** A thread for a new task: the spare if there is one, else a new thread. */
    take() {
        const ready = this.#spare?.child.isAlive() ? this.#spare : undefined;
        this.#spare = undefined;
        this.#closed = false;
        // Start the next spare once this task has had its turn to begin.
        setImmediate(() => this.#refill());
        if (!ready)
            return { child: spawnChild("thread"), env: undefined };
        ready.child.link.ref();
        return { child: ready.child, env: changedSince(ready.env) };
    }
    /** Stops the spare thread, if any. */
    async close() {
        this.#closed = true;
        const spare = this.#spare;
        this.#spare = undefined;
        await spare?.child.kill();
    }
    #refill() {
        if (this.#spare || this.#closed)
            return;
        // A thread starts with a copy of process.env as it is now.
        const spare = { child: spawnChild("thread"), env: { ...process.env } };
        spare.child.link.unref();
        this.#spare = spare;
        void spare.child.exited.then(() => {
            if (this.#spare === spare)
                this.#spare = undefined;
        });
    }
}
/** `process.env` now, if it differs from `then`; else `undefined`: nothing to send. */
function changedSince(then) {
    const now = process.env;
    const keys = Object.keys(now);
    const same = keys.length === Object.keys(then).length && keys.every((key) => then[key] === now[key]);
    return same ? undefined : { ...now };
}
/** The spare thread of this context: `runThread` takes it, `closePools()` stops it. */
export const spareThread = new SpareThread();
