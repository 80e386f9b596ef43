/**
 * When an idle pool worker should go. Restarted each time the worker becomes idle, and
 * left running while it works (it checks on expiry whether the worker is still idle), so
 * a busy worker costs no timer calls. Unref'd: it never keeps a process alive.
 */
const MAX_TIMEOUT = 2 ** 31 - 1;
/** A restartable, unref'd timer for one worker. */
export class IdleTimer {
    #expire;
    #timer;
    #ms = Number.POSITIVE_INFINITY;
    constructor(expire) {
        this.#expire = expire;
    }
    /** The worker just became idle: `expire` runs in `ms` milliseconds (never for `Infinity`). */
    start(ms) {
        // Node fires longer timeouts after 1 ms: ~25 days and more mean "never" here.
        if (ms > MAX_TIMEOUT) {
            this.cancel();
            return;
        }
        if (this.#timer && ms === this.#ms) {
            this.#timer.refresh();
            return;
        }
        this.cancel();
        this.#ms = ms;
        this.#timer = setTimeout(this.#expire, ms).unref();
    }
    /** The worker is gone, or should stay. */
    cancel() {
        clearTimeout(this.#timer);
        this.#timer = undefined;
    }
}
