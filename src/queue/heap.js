/** A binary min-heap by a numeric key: `sorted()` holds early arrivals here, O(log n) each. */
export class MinHeap {
    #items = [];
    #key;
    constructor(key) {
        this.#key = key;
    }
    get size() {
        return this.#items.length;
    }
    peek() {
        return this.#items[0];
    }
    push(item) {
        const items = this.#items;
        items.push(item);
        let i = items.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (this.#key(items[parent]) <= this.#key(items[i]))
                break;
            [items[parent], items[i]] = [items[i], items[parent]];
            i = parent;
        }
    }
    pop() {
        const items = this.#items;
        const top = items[0];
        const last = items.pop();
        if (items.length > 0 && last !== undefined) {
            items[0] = last;
            let i = 0;
            for (;;) {
                const left = 2 * i + 1;
                const right = left + 1;
                let smallest = i;
                if (left < items.length && this.#key(items[left]) < this.#key(items[smallest]))
                    smallest = left;
                if (right < items.length && this.#key(items[right]) < this.#key(items[smallest]))
                    smallest = right;
                if (smallest === i)
                    break;
                [items[smallest], items[i]] = [items[i], items[smallest]];
                i = smallest;
            }
        }
        return top;
    }
}
