/** Wakes whoever waits for a change of shared state; waiters re-check the state themselves. */
export class Notifier {
    #resolve;
    #waiting;
    /** Settles at the next `notify()`. */
    wait() {
        this.#waiting ??= new Promise((resolve) => {
            this.#resolve = resolve;
        });
        return this.#waiting;
    }
    /** Something changed: wake every waiter. */
    notify() {
        const resolve = this.#resolve;
        this.#resolve = undefined;
        this.#waiting = undefined;
        resolve?.();
    }
}
