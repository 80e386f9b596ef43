import { decode, encode } from "../codec/codec.js";
import { CONTEXT_NAMES } from "../constants.js";
import { ArgumentTypeError, WorkersFailedError } from "../errors.js";
import { END_KIND, Msg, receivedMsg } from "../msg.js";
import { expectBoolean, expectInteger, expectKnownKeys, expectOneOf, expectOptions, expectString, } from "../validate.js";
import { QueueCore } from "./core.js";
import { MinHeap } from "./heap.js";
import { toJoinables } from "./joinable.js";
import { routes } from "./routes.js";
import { Store } from "./store.js";
/** The construction token of handles to queues that arrived from elsewhere (see `Q.codecType`). */
const ARRIVED = Symbol("ezq.arrivedQueue");
/**
 * A message queue shared by the main thread, worker threads and child processes, at
 * any depth. Its messages live in the context that created it; a `Q` passed to a worker
 * as a task argument is a handle there that reaches the same queue. Many producers and
 * consumers, in any mix of contexts, share one queue; each message is read once.
 *
 * @typeParam T - the type of the messages' `data`.
 * @example
 * ```ts
 * const q = new Q<number>();
 * q.put(1).put(2).end();
 * for await (const msg of q) console.log(msg.data); // 1, 2
 * ```
 */
export class Q {
    /**
     * How a queue handle crosses: as `[id, kind]` in task arguments and map items, where the
     * sender is told of it (to keep the queue reachable for that worker); inside message data,
     * results and errors it is refused, since a handle must travel down the tree of workers
     * to find its way home. Registered in codec-types.ts.
     *
     * @internal
     */
    static codecType = {
        reduce(value, context) {
            if (!(value instanceof Q))
                return undefined;
            const core = value.#core;
            const { target } = context;
            if (target === null || (target === "process" && core.kind === "thread"))
                return undefined;
            context.carry?.(core);
            return [core.id, core.kind];
        },
        revive(data) {
            const [id, kind] = data;
            const core = routes.arrived(id, kind);
            return core.handle(() => new Q(core.kind, ARRIVED, core));
        },
        explain(value, context) {
            if (!(value instanceof Q))
                return undefined;
            if (context.target === null) {
                return "it is a Q inside message data; pass queues to workers as task arguments instead";
            }
            return 'it is a "thread" Q, which cannot reach a process worker; create it with new Q("process") or start a thread worker';
        },
    };
    #core;
    #cached;
    constructor(kind = "process", token, core) {
        if (token === ARRIVED && core) {
            this.#core = core;
            return;
        }
        expectOneOf("Q kind", kind, CONTEXT_NAMES);
        this.#core = new QueueCore(routes.newQueueId(), kind, new Store(), true);
    }
    /** `"process"` or `"thread"`: how far this queue reaches. */
    get kind() {
        return this.#core.kind;
    }
    /**
     * Puts a message: `data` with an optional `kind` and `order`, or a `Msg` as it is.
     * The data is encoded here, so data that cannot cross to a worker throws now, naming
     * what could not be sent, and the queue is unchanged.
     *
     * @returns this queue, for chaining.
     */
    put(data, options) {
        let kind = "";
        let order = 0;
        let payload;
        if (data instanceof Msg) {
            if (options !== undefined) {
                throw new ArgumentTypeError("Q.put(msg, options): give kind and order in the Msg, not both");
            }
            ({ kind, order } = data);
            payload = encode(data.data);
        }
        else {
            if (options !== undefined) {
                const opts = expectOptions("Q.put options", options);
                expectKnownKeys("Q.put options", opts, ["kind", "order"]);
                if (opts.kind !== undefined) {
                    expectString("Q.put kind", opts.kind);
                    kind = opts.kind;
                }
                if (opts.order !== undefined) {
                    expectInteger("Q.put order", opts.order);
                    order = opts.order;
                }
            }
            payload = encode(data);
        }
        this.#core.backend.put([[payload, kind, order]]);
        return this;
    }
    /**
     * The next message; waits until one arrives. An END message is returned like any other.
     * In a worker, a message from `get()` counts as done (and is no longer given to another
     * reader if this worker dies) once this worker calls `get()` again after receiving it,
     * or its task ends.
     */
    async get() {
        const core = this.#core;
        core.ackGotten();
        const item = await core.reader.next();
        core.gotten.push(item[0]);
        return toMsg(item);
    }
    /**
     * The number of messages waiting, synchronously. Exact in the context that created the
     * queue; elsewhere, the count the queue reported with the last messages read (or the
     * last `size()`) here. For an exact count from any context, `await q.size()`.
     */
    qsize() {
        return this.#core.backend.size();
    }
    /**
     * The number of messages waiting, asked of the context where the queue lives (through
     * every relaying worker in between): exact from any context.
     *
     * @example
     * ```ts
     * // in a worker: start another helper when the backlog grows
     * if ((await q.size()) > 1000) runThread(helper, q);
     * ```
     */
    size() {
        return this.#core.backend.count();
    }
    /** Puts the END message: one reader that reads it stops. @returns this queue. */
    end() {
        this.#core.backend.put([[encode(undefined), END_KIND, 0]]);
        return this;
    }
    /**
     * Yields messages until this reader reads an END message, then returns. Each reader
     * stops at its own END. Breaking out early hands back messages taken ahead.
     */
    async *[Symbol.asyncIterator]() {
        const reader = this.#core.reader;
        let current;
        let ended = false;
        try {
            for (;;) {
                if (current !== undefined)
                    reader.ack(current);
                current = undefined;
                const item = await reader.next();
                if (item[2] === END_KIND) {
                    reader.ack(item[0]);
                    ended = true;
                    return;
                }
                current = item[0];
                yield toMsg(item);
            }
        }
        finally {
            if (current !== undefined)
                reader.ack(current);
            if (!ended)
                reader.releaseUnread();
        }
    }
    /**
     * Yields messages in `Msg.order` order, from `start`. A message that arrives early
     * waits until the ones before it arrive; after a gap, later messages are held until
     * the queue ends and are then yielded in order.
     */
    sorted(start = 0) {
        expectInteger("Q.sorted start", start);
        return this.#sortedFrom(start);
    }
    async *#sortedFrom(start) {
        let next = start;
        const waiting = new MinHeap((msg) => msg.order);
        for await (const msg of this) {
            if (waiting.size === 0 && msg.order === next) {
                next++;
                yield msg;
                continue;
            }
            waiting.push(msg);
            while (waiting.size > 0 && waiting.peek().order === next) {
                next++;
                yield waiting.pop();
            }
        }
        while (waiting.size > 0)
            yield waiting.pop();
    }
    /**
     * Ends the queue, then yields what it holds (sorted by `order` with `sort`). With
     * `cache`, the messages are kept, and later calls yield the same messages again.
     */
    items({ cache = false, sort = false } = {}) {
        expectBoolean("Q.items cache", cache);
        expectBoolean("Q.items sort", sort);
        if (!cache) {
            this.end();
            return sort ? this.sorted() : { [Symbol.asyncIterator]: () => this[Symbol.asyncIterator]() };
        }
        if (!this.#cached) {
            this.end();
            this.#cached = collect(sort ? this.sorted() : this);
        }
        const ready = this.#cached;
        return {
            async *[Symbol.asyncIterator]() {
                yield* await ready;
            },
        };
    }
    /**
     * Tells workers to finish and waits for them: puts one END per worker, then waits
     * until every worker has finished. Rejects after all have finished if any failed:
     * with that worker's error, or a `WorkersFailedError` holding each error when several did.
     * A worker is anything with a `join()` (see `Joinable`): a `Worker`, or one of your own.
     *
     * @returns this queue.
     */
    async stop(workers) {
        const list = toJoinables(workers);
        for (let i = 0; i < list.length; i++)
            this.end();
        const results = await Promise.allSettled(list.map((worker) => worker.join()));
        const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
        if (errors.length === 1)
            throw errors[0];
        if (errors.length > 1)
            throw new WorkersFailedError(errors, list.length);
        return this;
    }
    /** @internal For `console.log`. */
    get [Symbol.toStringTag]() {
        return `Q ${this.#core.kind}`;
    }
}
// `for (const msg of q)` is an easy slip; say what to write instead of "q is not iterable".
// Defined on the prototype, not in the class, so that TypeScript still refuses the slip.
Object.defineProperty(Q.prototype, Symbol.iterator, {
    value() {
        throw new ArgumentTypeError("a Q is read with `for await (const msg of q)`, not `for (const msg of q)`: its messages " +
            "arrive asynchronously");
    },
});
/** A message as it arrived: checked when it was put, so not checked again. */
function toMsg(item) {
    return receivedMsg(decode(item[1]), item[2], item[3]);
}
async function collect(source) {
    const out = [];
    for await (const value of source)
        out.push(value);
    return out;
}
