/** A share of a pool: at most `limit` workers at a time. */
export class Lease {
    /** The most workers this call runs on at once (`map`'s `num`). */
    limit;
    /** How long the workers this call used stay once idle, in milliseconds. */
    idleTimeout;
    #host;
    /** The workers running this lease's calls now, with how many each. */
    #using = new Map();
    #open = true;
    constructor(host, limit, idleTimeout) {
        this.#host = host;
        this.limit = limit;
        this.idleTimeout = idleTimeout;
    }
    /** Runs one chunk on a worker of the pool. */
    call(work) {
        return this.#host.call(this, work);
    }
    /** The call is over: its limit no longer counts toward the pool's size. */
    release() {
        if (!this.#open)
            return;
        this.#open = false;
        this.#host.release(this);
    }
    /** True when this lease already uses as many workers as it may. */
    get full() {
        return this.#using.size >= this.limit;
    }
    /** May `member` take one more of this lease's calls? */
    admits(member) {
        return this.#using.has(member) || !this.full;
    }
    /** `member` took one of this lease's calls. */
    add(member) {
        this.#using.set(member, (this.#using.get(member) ?? 0) + 1);
    }
    /** `member` finished one of this lease's calls. */
    remove(member) {
        const left = (this.#using.get(member) ?? 1) - 1;
        if (left > 0)
            this.#using.set(member, left);
        else
            this.#using.delete(member);
    }
    /** `member` is gone, with whatever it held. */
    drop(member) {
        this.#using.delete(member);
    }
}
