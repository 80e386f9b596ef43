import {
  AS_DATA,
  type CodecType,
  decode,
  type EncodeContext,
  encode,
  SHARED_DATA,
} from "../codec/codec.js";
import { encodeStaged, releasePayload, stageForPut } from "../codec/staging.js";
import { CONTEXT_NAMES, type ContextName } from "../constants.js";
import { ArgumentTypeError, QueueFullError, WorkersFailedError } from "../errors.js";
import { END_KIND, Msg, type MsgOptions, receivedMsg } from "../msg.js";
import type { Item, Payload, WireMsg } from "../transport/protocol.js";
import {
  expectBoolean,
  expectInteger,
  expectKnownKeys,
  expectOneOf,
  expectOptions,
  expectPositiveInteger,
  expectString,
} from "../validate.js";
import { QueueCore } from "./core.js";
import { MinHeap } from "./heap.js";
import { type Joinable, toJoinables } from "./joinable.js";
import {
  isRedisWire,
  newRedisCore,
  RedisCore,
  type RedisQueueOptions,
  redisCoreFromWire,
  redisQueueId,
} from "./redis-core.js";
import { routes } from "./routes.js";
import { Store } from "./store.js";

/** Options of `Q.items()`. */
export interface ItemsOptions {
  /** Keep the messages so that a second call yields the same ones again. Default `false`. */
  cache?: boolean;
  /** Yield in `Msg.order` order (see `Q.sorted()`). Default `false`. */
  sort?: boolean;
}

/** Options of `new Q(kind, options)`. */
export interface QueueOptions {
  /**
   * The most messages that may wait in the queue (Python's `maxsize`): `put` throws a
   * `QueueFullError` when it is reached, and `await putAsync()` waits for room. Messages
   * taken by readers do not count. Default `Infinity`: no bound.
   */
  maxsize?: number;
}

/** Where a queue's messages live: in this tree of contexts (`"process"`, `"thread"`), or in Redis. */
export type QueueKind = ContextName | "redis";

/** The construction token of handles to queues that arrived from elsewhere (see `Q.codecType`). */
const ARRIVED = Symbol("ezq.arrivedQueue");

/** Message data put at the home of a thread queue: shared buffers stay shared, large copies are staged. */
const STAGED_DATA: EncodeContext = Object.freeze({ target: null, share: true, stage: stageForPut });

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
export class Q<T = unknown> {
  /**
   * How a queue handle crosses: as `[id, kind]` in task arguments and map items, where the
   * sender is told of it (to keep the queue reachable for that worker); inside message data,
   * results and errors it is refused, since a handle must travel down the tree of workers
   * to find its way home. A queue in Redis reaches Redis from anywhere: it crosses as its
   * name and its URL without credentials, everywhere, to agents on other machines too, where
   * a local queue is refused. Registered in codec-types.ts.
   *
   * @internal
   */
  static readonly codecType: CodecType<Q<unknown>> = {
    reduce(value, context) {
      if (!(value instanceof Q)) return undefined;
      const core = value.#core;
      if (core instanceof RedisCore) return core.toWire();
      const { target } = context;
      if (context.remote) return undefined;
      if (target === null || (target === "process" && core.kind === "thread")) return undefined;
      context.carry?.(core);
      return [core.id, core.kind, core.maxsize];
    },
    revive(data) {
      if (isRedisWire(data)) {
        const id = redisQueueId(data[1], data[2]);
        const core = routes.outside(id, () => redisCoreFromWire(data));
        return core.handle(() => new Q(core.kind, ARRIVED, core));
      }
      const [id, kind, maxsize] = data as [string, ContextName, number];
      const core = routes.arrived(id, kind, maxsize);
      return core.handle(() => new Q(core.kind, ARRIVED, core));
    },
    explain(value, context) {
      if (!(value instanceof Q)) return undefined;
      if (context.remote) {
        return 'it is a local Q, which cannot reach an agent on another machine; use a queue in Redis: new Q("redis", { name })';
      }
      if (context.target === null) {
        return "it is a Q inside message data; pass queues to workers as task arguments instead";
      }
      return 'it is a "thread" Q, which cannot reach a process worker; create it with new Q("process") or start a thread worker';
    },
  };

  readonly #core: QueueCore;
  #cached: Promise<Msg<T>[]> | undefined;

  /**
   * @param kind - `"process"` (default) reaches threads and processes at any depth;
   *   `"thread"` is lighter and stays in this process (passing it to a process worker
   *   is an error).
   * @param options - `maxsize`, the most messages that may wait (default: no bound).
   */
  constructor(kind?: ContextName, options?: QueueOptions);
  /**
   * A queue that lives in Redis under `options.name`, shared by every process that names
   * it, on any machine. See the README's "Beyond one machine".
   *
   * @example
   * ```ts
   * const jobs = new Q<string>("redis", { name: "jobs", url: "redis://127.0.0.1:6379" });
   * ```
   */
  constructor(kind: "redis", options: RedisQueueOptions);
  /** @internal A handle to a queue whose home is elsewhere: made by `Q.codecType.revive`. */
  constructor(kind: ContextName, token: symbol, core: QueueCore);
  constructor(
    kind: QueueKind = "process",
    options?: QueueOptions | RedisQueueOptions | symbol,
    core?: QueueCore,
  ) {
    if (options === ARRIVED && core) {
      this.#core = core;
      return;
    }
    if (kind === "redis") {
      this.#core = newRedisCore(options);
      return;
    }
    expectOneOf("Q kind", kind, [...CONTEXT_NAMES, "redis"]);
    if (
      options !== null &&
      typeof options === "object" &&
      ("name" in options || "url" in options)
    ) {
      throw new ArgumentTypeError(
        `new Q("${kind}", options): name and url apply to "redis" queues only; a local queue takes maxsize`,
      );
    }
    const maxsize = checkMaxsize(options);
    this.#core = new QueueCore(routes.newQueueId(), kind, new Store(maxsize), true, maxsize);
  }

  /** The most messages that may wait in this queue; `Infinity` when it has no bound. */
  get maxsize(): number {
    return this.#core.maxsize;
  }

  /** Message data goes nowhere by reference; shared memory only where every reader is a thread of this process. */
  #putContext(): EncodeContext {
    const { kind, home } = this.#core;
    if (kind !== "thread") return AS_DATA;
    return home ? STAGED_DATA : SHARED_DATA;
  }

  /**
   * Encodes a message's data. At the home of a thread queue, large copies are staged in
   * shared slots, which the message holds until it is done (codec/staging.ts).
   */
  #encode(data: unknown): Payload {
    const context = this.#putContext();
    return context === STAGED_DATA
      ? encodeStaged(data, "data", context)
      : encode(data, "data", context);
  }

  /** `"process"` or `"thread"`: how far this queue reaches; `"redis"` for a queue in Redis. */
  get kind(): QueueKind {
    return this.#core instanceof RedisCore ? "redis" : this.#core.kind;
  }

  /**
   * Puts a message: `data` with an optional `kind` and `order`, or a `Msg` as it is.
   * The data is encoded here, so data that cannot cross to a worker throws now, naming
   * what could not be sent, and the queue is unchanged.
   *
   * @param data - the message's data, or a `Msg` to put as it is.
   * @param options - the message's `kind` (a label; `"END"` is reserved) and `order`
   *   (its position for `sorted()`); ignored when `data` is a `Msg`.
   * @returns this queue, for chaining.
   * @throws QueueFullError when the queue has a `maxsize` and is full (nothing is put).
   */
  put(data?: T | Msg<T>, options?: MsgOptions): this {
    const { backend, maxsize } = this.#core;
    if (!backend.hasRoom(1)) throw new QueueFullError(maxsize);
    backend.put([this.#wire(data, options)]);
    return this;
  }

  /**
   * Puts a message once the queue has room under its `maxsize` (at once for a queue
   * without a bound): what `put` does, for a producer that should wait rather than fail.
   * Waiting puts go in the order they were made. From a worker, the wait is decided by
   * the queue's home, so it is exact in any context.
   *
   * @param data - the message's data, or a `Msg` to put as it is.
   * @param options - the message's `kind` and `order`, as for `put`.
   * @returns this queue, once the message is in it. Data that cannot cross rejects at once.
   */
  async putAsync(data?: T | Msg<T>, options?: MsgOptions): Promise<this> {
    await this.#core.backend.putWhenRoom([this.#wire(data, options)]);
    return this;
  }

  /** A message as it travels: `data` encoded now, with its kind and order checked. */
  #wire(data: T | Msg<T> | undefined, options: MsgOptions | undefined): WireMsg {
    let kind = "";
    let order = 0;
    let payload: Payload;
    if (data instanceof Msg) {
      if (options !== undefined) {
        throw new ArgumentTypeError(
          "Q.put(msg, options): give kind and order in the Msg, not both",
        );
      }
      ({ kind, order } = data);
      payload = this.#encode(data.data);
    } else {
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
      payload = this.#encode(data);
    }
    return [payload, kind, order];
  }

  /**
   * The next message; waits until one arrives. An END message is returned like any other.
   * In a worker, a message from `get()` counts as done (and is no longer given to another
   * reader if this worker dies) once this worker calls `get()` again after receiving it,
   * reads on with `for await`, or its task ends.
   */
  async get(): Promise<Msg<T>> {
    const core = this.#core;
    core.ackGotten();
    const item = await core.reader.next();
    core.gotten.push(item[0]);
    return toMsg<T>(item);
  }

  /**
   * The number of messages waiting, synchronously. Exact in the context that created the
   * queue; elsewhere, the count the queue reported with the last messages read (or the
   * last `size()`) here. For an exact count from any context, `await q.size()`.
   */
  qsize(): number {
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
  size(): Promise<number> {
    return this.#core.backend.count();
  }

  /** Puts the END message: one reader that reads it stops. @returns this queue. */
  end(): this {
    this.#core.backend.put([[encode(undefined), END_KIND, 0]]);
    return this;
  }

  /**
   * Yields messages until this reader reads an END message, then returns. Each reader
   * stops at its own END. Breaking out early hands back messages taken ahead.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Msg<T>> {
    const reader = this.#core.reader;
    // Reading on is what a second get() would be: what get() handed out is done.
    this.#core.ackGotten();
    let current: number | undefined;
    let ended = false;
    try {
      for (;;) {
        if (current !== undefined) reader.ack(current);
        current = undefined;
        const item = await reader.next();
        if (item[2] === END_KIND) {
          reader.ack(item[0]);
          ended = true;
          return;
        }
        current = item[0];
        yield toMsg<T>(item);
      }
    } finally {
      if (current !== undefined) reader.ack(current);
      if (!ended) reader.releaseUnread();
    }
  }

  /**
   * Yields messages in `Msg.order` order, from `start`. A message that arrives early
   * waits until the ones before it arrive; after a gap, later messages are held until
   * the queue ends and are then yielded in order.
   *
   * @param start - the `order` of the first message to yield. Default `0`.
   */
  sorted(start = 0): AsyncGenerator<Msg<T>, void, undefined> {
    expectInteger("Q.sorted start", start);
    return this.#sortedFrom(start);
  }

  async *#sortedFrom(start: number): AsyncGenerator<Msg<T>, void, undefined> {
    let next = start;
    const waiting = new MinHeap<Msg<T>>((msg) => msg.order);
    for await (const msg of this) {
      if (waiting.size === 0 && msg.order === next) {
        next++;
        yield msg;
        continue;
      }
      waiting.push(msg);
      while (waiting.size > 0 && (waiting.peek() as Msg<T>).order === next) {
        next++;
        yield waiting.pop() as Msg<T>;
      }
    }
    while (waiting.size > 0) yield waiting.pop() as Msg<T>;
  }

  /**
   * Ends the queue, then yields what it holds (sorted by `order` with `sort`). With
   * `cache`, the messages are kept, and later calls yield the same messages again.
   *
   * @param options - `cache` to keep the messages for later calls, `sort` to yield them
   *   in `order` order. Both default to `false`.
   */
  items({ cache = false, sort = false }: ItemsOptions = {}): AsyncIterable<Msg<T>> {
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
   * @param workers - the workers that read this queue: one, or any iterable of them.
   * @returns this queue.
   */
  async stop(workers: Joinable | Iterable<Joinable>): Promise<this> {
    const list = toJoinables(workers);
    const core = this.#core;
    // In Redis, the ENDs of workers that ended without reading them are removed after.
    const ends = core instanceof RedisCore ? core.backend.putEnds(list.length) : undefined;
    if (!ends) for (let i = 0; i < list.length; i++) this.end();
    const results = await Promise.allSettled(list.map((worker) => worker.join()));
    if (ends && core instanceof RedisCore) await core.backend.removeEnds(await ends);
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new WorkersFailedError(errors, list.length);
    return this;
  }

  /** @internal For `console.log`. */
  get [Symbol.toStringTag](): string {
    return `Q ${this.kind}`;
  }
}

// `for (const msg of q)` is an easy slip; say what to write instead of "q is not iterable".
// Defined on the prototype, not in the class, so that TypeScript still refuses the slip.
Object.defineProperty(Q.prototype, Symbol.iterator, {
  value(): never {
    throw new ArgumentTypeError(
      "a Q is read with `for await (const msg of q)`, not `for (const msg of q)`: its messages " +
        "arrive asynchronously",
    );
  },
});

/** A message as it arrived: checked when it was put, so not checked again. */
function toMsg<T>(item: Item): Msg<T> {
  const msg = receivedMsg(decode(item[1]) as T, item[2], item[3]);
  // At home the message is done once decoded (a home read is not leased): its slots are free.
  releasePayload(item[1]);
  return msg;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}

/** The `maxsize` of `new Q(kind, options)`: a positive integer, or `Infinity`. */
function checkMaxsize(options: unknown): number {
  const opts = expectOptions("Q options", options);
  expectKnownKeys("Q options", opts, ["maxsize"]);
  const { maxsize = Number.POSITIVE_INFINITY } = opts;
  if (maxsize !== Number.POSITIVE_INFINITY) expectPositiveInteger("Q maxsize", maxsize);
  return maxsize as number;
}
