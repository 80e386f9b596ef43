/**
 * A Redis queue's state in one context: a `QueueCore` whose backend is Redis and whose
 * reader tells the backend when a consumer is waiting (so that the process stays alive for
 * messages from elsewhere, and only then). Handles of the same queue in one context share
 * one core; a handle travels as its name and its URL without credentials.
 */
import { ArgumentTypeError } from "../errors.js";
import { END_KIND as END } from "../msg.js";
import { RedisBackend } from "../redis/backend.js";
import { checkName } from "../redis/keys.js";
import { type RedisTarget, resolveTarget, targetFromHandle } from "../redis/url.js";
import type { Item } from "../transport/protocol.js";
import { expectKnownKeys, expectOptions } from "../validate.js";
import type { Owner } from "./backend.js";
import { QueueCore } from "./core.js";
import { Reader } from "./reader.js";

/** Options of `new Q("redis", options)`. */
export interface RedisQueueOptions {
  /** The queue's name in Redis: its keys are `ezq:{name}:...`. */
  name: string;
  /**
   * The server: `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS.
   * Default `EZQ_REDIS_URL`, then `redis://127.0.0.1:6379`.
   */
  url?: string;
}

/** A Redis queue as it travels: a tag, its name, its URL without credentials. */
export type RedisWire = ["redis", name: string, publicUrl: string];

/** This context's reads of Redis queues. */
const OWNER: Owner = Object.freeze({ tracked: true });

/** The reader of a Redis queue: counts the consumers waiting on it. */
class RedisReader extends Reader {
  readonly #backend: RedisBackend;

  constructor(backend: RedisBackend) {
    super(backend, OWNER, true);
    this.#backend = backend;
  }

  override next(): Promise<Item> {
    const item = super.next();
    this.#backend.waiting(1);
    void item.then((read) => {
      this.#backend.waiting(-1);
      // A reader that reads an END stops: what it took ahead goes back now, for the others.
      if (read[2] === END) this.releaseUnread();
    });
    return item;
  }
}

/** The state behind a Redis queue handle. */
export class RedisCore extends QueueCore {
  declare readonly backend: RedisBackend;
  readonly name: string;
  readonly target: RedisTarget;
  #reader: RedisReader | undefined;

  constructor(name: string, target: RedisTarget) {
    // "process": a Redis queue reaches every kind of worker, and each connects itself.
    super(
      redisQueueId(name, target.publicUrl),
      "process",
      new RedisBackend({ name, target }),
      false,
    );
    this.name = name;
    this.target = target;
  }

  override get reader(): Reader {
    this.#reader ??= new RedisReader(this.backend);
    return this.#reader;
  }

  override finish(): void {
    if (!this.#reader) return;
    this.ackGotten();
    this.#reader.flushAcks();
    this.#reader.releaseUnread();
  }

  /** What a handle carries: never the credentials. */
  toWire(): RedisWire {
    return ["redis", this.name, this.target.publicUrl];
  }
}

/** The id of a Redis queue in this context's registry of queues. */
export function redisQueueId(name: string, publicUrl: string): string {
  return `redis ${publicUrl} ${name}`;
}

/** Checks the options of `new Q("redis", options)` and makes the core. */
export function newRedisCore(options: unknown): RedisCore {
  const what = 'new Q("redis", options)';
  if (options === undefined) {
    throw new ArgumentTypeError(
      `${what} needs options with the queue's name: new Q("redis", { name: "jobs" })`,
    );
  }
  const opts = expectOptions(`${what} options`, options);
  expectKnownKeys(`${what} options`, opts, ["name", "url"]);
  const name = checkName(`${what} name`, opts.name);
  return new RedisCore(name, resolveTarget(`${what} url`, opts.url));
}

/** The core for a handle that arrived as `wire`. */
export function redisCoreFromWire(wire: RedisWire): RedisCore {
  const [, name, publicUrl] = wire;
  return new RedisCore(checkName("Redis queue name", name), targetFromHandle(publicUrl));
}

/** True for the wire form of a Redis queue. */
export function isRedisWire(data: unknown): data is RedisWire {
  return Array.isArray(data) && data[0] === "redis" && data.length === 3;
}
