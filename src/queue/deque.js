/**
 * A growable ring buffer: O(1) push, shift and unshift. `Array.prototype.shift` on a
 * large array is O(n) and turned a 450 k/s queue into a 52 k/s one.
 */
export class Deque {
    #buffer = new Array(16);
    #head = 0;
    #length = 0;
    get length() {
        return this.#length;
    }
    push(value) {
        if (this.#length === this.#buffer.length)
            this.#grow();
        this.#buffer[(this.#head + this.#length) & (this.#buffer.length - 1)] = value;
        this.#length++;
    }
    unshift(value) {
        if (this.#length === this.#buffer.length)
            this.#grow();
        this.#head = (this.#head - 1) & (this.#buffer.length - 1);
        this.#buffer[this.#head] = value;
        this.#length++;
    }
    shift() {
        if (this.#length === 0)
            return undefined;
        const value = this.#buffer[this.#head];
        this.#buffer[this.#head] = undefined;
        this.#head = (this.#head + 1) & (this.#buffer.length - 1);
        this.#length--;
        return value;
    }
    /** The first value, without removing it. */
    peek() {
        return this.#length === 0 ? undefined : this.#buffer[this.#head];
    }
    /** Removes and returns everything, oldest first. */
    drain() {
        const out = [];
        while (this.#length > 0)
            out.push(this.shift());
        return out;
    }
    #grow() {
        const old = this.#buffer;
        const size = old.length;
        const next = new Array(size * 2);
        for (let i = 0; i < this.#length; i++)
            next[i] = old[(this.#head + i) & (size - 1)];
        this.#buffer = next;
        this.#head = 0;
    }
}
