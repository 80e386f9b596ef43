import { decode, encode, encodingTarget, registerCodecType } from "../codec/codec.js";
import { CONTEXT_NAMES, type ContextName } from "../constants.js";
import { context, newQueueId } from "../context.js";
import { ArgumentTypeError, EzqError, preview, WorkersFailedError } from "../errors.js";
import { END_KIND, Msg, type MsgOptions } from "../msg.js";
import {
  isRedisWire,
  newRedisCore,
  RedisCore,
  type RedisQueueOptions,
  redisCoreFromWire,
  redisQueueId,
} from "../redis/core.js";
import { encodingForAgent } from "../redis/for-agent.js";
import type { Item } from "../transport/protocol.js";
import {
  expectBoolean,
  expectInteger,
  expectKnownKeys,
  expectOneOf,
  expectOptions,
  expectString,
} from "../validate.js";
import { Worker } from "../worker/worker.js";
import { knownQueue, QueueCore, remember } from "./core.js";
import { MinHeap } from "./heap.js";
import { RemoteBackend } from "./remote.js";
import { Store } from "./store.js";

/** Options of `Q.items()`. */
export interface ItemsOptions {
  /** Keep the messages so that a second call yields the same ones again. Default `false`. */
  cache?: boolean;
  /** Yield in `Msg.order` order (see `Q.sorted()`). Default `false`. */
  sort?: boolean;
}

/** Where a queue's messages live: in this tree of contexts (`"process"`, `"thread"`), or in Redis. */
export type QueueKind = ContextName | "redis";

const cores = new WeakMap<Q<unknown>, QueueCore>();
/** Set while a handle is being constructed: the core it wraps instead of a new store. */
let adopting: QueueCore | undefined;
const caches = new WeakMap<Q<unknown>, Promise<Msg<unknown>[]>>();

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
   * @param kind - `"process"` (default) reaches threads and processes at any depth;
   *   `"thread"` is lighter and stays in this process (passing it to a process worker
   *   is an error).
   */
  constructor(kind?: ContextName);
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
  constructor(kind: QueueKind = "process", options?: RedisQueueOptions) {
    if (adopting) {
      cores.set(this, adopting);
      adopting = undefined;
      return;
    }
    if (kind === "redis") {
      cores.set(this, newRedisCore(options));
      return;
    }
    expectOneOf("Q kind", kind, [...CONTEXT_NAMES, "redis"]);
    if (options !== undefined) {
      throw new ArgumentTypeError(
        `new Q("${kind}", options): options apply to "redis" queues only`,
      );
    }
    cores.set(this, new QueueCore(newQueueId(), kind, new Store(), true));
  }

  /** `"process"` or `"thread"`: how far this queue reaches; `"redis"` for a queue in Redis. */
  get kind(): QueueKind {
    const state = core(this);
    return state instanceof RedisCore ? "redis" : state.kind;
  }

  /**
   * Puts a message: `data` with an optional `kind` and `order`, or a `Msg` as it is.
   * The data is encoded here, so data that cannot cross to a worker throws now, naming
   * what could not be sent, and the queue is unchanged.
   *
   * @returns this queue, for chaining.
   */
  put(data?: T | Msg<T>, options?: MsgOptions): this {
    let kind = "";
    let order = 0;
    let payload: string;
    if (data instanceof Msg) {
      if (options !== undefined) {
        throw new ArgumentTypeError(
          "Q.put(msg, options): give kind and order in the Msg, not both",
        );
      }
      ({ kind, order } = data);
      payload = encode(data.data);
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
      payload = encode(data);
    }
    core(this).backend.put([[payload, kind, order]]);
    return this;
  }

  /**
   * The next message; waits until one arrives. An END message is returned like any other.
   * In a worker, a message from `get()` counts as done (and is no longer given to another
   * reader if this worker dies) once this worker calls `get()` again after receiving it,
   * or its task ends.
   */
  async get(): Promise<Msg<T>> {
    const state = core(this);
    state.ackGotten();
    const item = await state.reader.next();
    state.gotten.push(item[0]);
    return toMsg<T>(item);
  }

  /**
   * The number of messages waiting, synchronously. Exact in the context that created the
   * queue; elsewhere, the count the queue reported with the last messages read (or the
   * last `size()`) here. For an exact count from any context, `await q.size()`.
   */
  qsize(): number {
    return core(this).backend.size();
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
    return core(this).backend.count();
  }

  /** Puts the END message: one reader that reads it stops. @returns this queue. */
  end(): this {
    core(this).backend.put([[encode(undefined), END_KIND, 0]]);
    return this;
  }

  /**
   * Yields messages until this reader reads an END message, then returns. Each reader
   * stops at its own END. Breaking out early hands back messages taken ahead.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Msg<T>> {
    const reader = core(this).reader;
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
   */
  items({ cache = false, sort = false }: ItemsOptions = {}): AsyncIterable<Msg<T>> {
    expectBoolean("Q.items cache", cache);
    expectBoolean("Q.items sort", sort);
    if (!cache) {
      this.end();
      return sort ? this.sorted() : { [Symbol.asyncIterator]: () => this[Symbol.asyncIterator]() };
    }
    let cached = caches.get(this) as Promise<Msg<T>[]> | undefined;
    if (!cached) {
      this.end();
      cached = collect(sort ? this.sorted() : this);
      caches.set(this, cached);
    }
    const ready = cached;
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
   *
   * @returns this queue.
   */
  async stop(workers: Worker | Iterable<Worker>): Promise<this> {
    const list = toWorkerList(workers);
    const state = core(this);
    // In Redis, the ENDs of workers that ended without reading them are removed after.
    const ends = state instanceof RedisCore ? state.backend.putEnds(list.length) : undefined;
    if (!ends) for (let i = 0; i < list.length; i++) this.end();
    const results = await Promise.allSettled(list.map((worker) => worker.join()));
    if (ends && state instanceof RedisCore) await state.backend.removeEnds(await ends);
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

/** The core of a queue handle. */
export function core<T>(q: Q<T>): QueueCore {
  const state = cores.get(q as Q<unknown>);
  if (!state) throw new ArgumentTypeError(`expected a Q, received ${preview(q)}`);
  return state;
}

function toMsg<T>(item: Item): Msg<T> {
  const msg = new Msg<T>(decode(item[1]) as T);
  msg.kind = item[2];
  msg.order = item[3];
  return msg;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}

function toWorkerList(workers: unknown): Worker[] {
  if (workers instanceof Worker) return [workers];
  if (workers === null || typeof workers !== "object" || !(Symbol.iterator in workers)) {
    throw new ArgumentTypeError(
      `Q.stop(workers) takes a Worker or an iterable of Workers, received ${preview(workers)}`,
    );
  }
  const list = [...(workers as Iterable<unknown>)];
  list.forEach((worker, i) => {
    if (!(worker instanceof Worker)) {
      throw new ArgumentTypeError(
        `Q.stop(workers): item ${i} is not a Worker but ${preview(worker)}`,
      );
    }
  });
  return list as Worker[];
}

/** A handle to a queue whose home is elsewhere, created when it arrives as an argument. */
function handleFor(id: string, kind: ContextName): Q<unknown> {
  const existing = knownQueue(id);
  if (existing?.home === false || existing?.home === true) return qOf(existing);
  const client = context.parent;
  if (!client) {
    throw new EzqError("EZQ_QUEUE_UNREACHABLE", `queue ${id} arrived in a context with no parent`);
  }
  const state = new QueueCore(id, kind, new RemoteBackend(client, id), false);
  remember(state);
  adopting = state;
  const q = new Q<unknown>(kind);
  handles.set(state, q);
  return q;
}

const handles = new WeakMap<QueueCore, Q<unknown>>();

/** A handle to a Redis queue, one per queue and context: it connects from here itself. */
function redisHandleFor(wire: unknown): Q<unknown> {
  if (!isRedisWire(wire))
    throw new EzqError("EZQ_QUEUE_UNREACHABLE", "a queue handle arrived damaged");
  const existing = knownQueue(redisQueueId(wire[1], wire[2]));
  if (existing) return qOf(existing);
  const state = redisCoreFromWire(wire);
  remember(state); // so that the task's end acks what it read (finishRemoteQueues)
  adopting = state;
  const q = new Q<unknown>();
  handles.set(state, q);
  return q;
}

function qOf(state: QueueCore): Q<unknown> {
  return handles.get(state) as Q<unknown>;
}

// A Q crosses as [id, kind] in task arguments; inside message data it is refused, since
// a handle must travel down the tree of workers to find its way home.
registerCodecType<Q<unknown>>("Q", {
  reduce(value) {
    if (!(value instanceof Q)) return undefined;
    const target = encodingTarget();
    const state = core(value);
    // A Redis queue reaches Redis from anywhere: as an argument, inside data, on an agent.
    if (state instanceof RedisCore) return state.toWire();
    if (encodingForAgent()) return undefined;
    if (target === null || (target === "process" && state.kind === "thread")) return undefined;
    remember(state);
    handles.set(state, value);
    return [state.id, state.kind];
  },
  revive(data) {
    if (isRedisWire(data)) return redisHandleFor(data);
    const [id, kind] = data as [string, ContextName];
    return handleFor(id, kind);
  },
  explain(value) {
    if (!(value instanceof Q)) return undefined;
    if (encodingForAgent()) {
      return 'it is a local Q, which cannot reach an agent on another machine; use a queue in Redis: new Q("redis", { name })';
    }
    if (encodingTarget() === null) {
      return "it is a Q inside message data; pass queues to workers as task arguments instead";
    }
    return 'it is a "thread" Q, which cannot reach a process worker; create it with new Q("process") or start a thread worker';
  },
});
