/**
 * `RedisLink` over node-redis. The library is imported on first use: it costs a few
 * hundred milliseconds to load, which a worker that never touches Redis should not pay.
 * Links speak RESP2 (plain arrays, the same shapes Lua scripts see) and reconnect with a
 * capped backoff while ezq holds them; a link nobody holds is unref'd, and when its
 * connection drops it is dropped too (and opened again on next use), so that a script
 * that is done exits even while its server is down.
 */
import type { RedisClientType } from "redis";
import type { RedisLink, Script } from "./link.js";

type Client = RedisClientType<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  2
>;
type RedisModule = typeof import("redis");

/** The client library, imported on first use: once per context. */
const library: { loading?: Promise<RedisModule>; loaded?: RedisModule } = {};

/** Reconnection backoff: quick at first, then once a second. */
function backoff(retries: number): number {
  return Math.min(25 * 2 ** retries, 1000);
}

/** A link to the server at `url`; `name` is its `CLIENT SETNAME` (ezq's connections are `ezq*`). */
export function nodeRedisLink(url: string, name: string): RedisLink {
  return new NodeRedisLink(url, name);
}

class NodeRedisLink implements RedisLink {
  readonly #url: string;
  readonly #name: string;
  #client: Client | undefined;
  #holds = 0;
  #closed = false;
  /** Scripts this connection loaded: reset when it reconnects (the server may have restarted). */
  readonly #loaded = new Set<string>();

  constructor(url: string, name: string) {
    this.#url = url;
    this.#name = name;
    library.loading ??= import("redis").then((module) => {
      library.loaded = module;
      return module;
    });
  }

  call(args: readonly string[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error("ezq: this Redis link was closed"));
    const { loaded } = library;
    const client = this.#client ?? (loaded && this.#open(loaded));
    if (client) return client.sendCommand(args as string[]);
    return (library.loading as Promise<RedisModule>).then((module) => {
      if (this.#closed) throw new Error("ezq: this Redis link was closed");
      return (this.#client ?? this.#open(module)).sendCommand(args as string[]);
    });
  }

  async run(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    if (!this.#loaded.has(script.sha)) {
      // Loaded ahead of its first use, in the same pipeline: falling back to EVAL after a
      // NOSCRIPT would let commands sent later overtake this one.
      this.#loaded.add(script.sha);
      this.call(["SCRIPT", "LOAD", script.source]).catch(() => this.#loaded.delete(script.sha));
    }
    try {
      return await this.call(["EVALSHA", script.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return this.call(["EVAL", script.source, ...tail]);
    }
  }

  hold(): void {
    if (this.#holds++ === 0) this.#client?.ref();
  }

  letGo(): void {
    if (--this.#holds === 0) this.#client?.unref();
  }

  isConnectionError(error: unknown): boolean {
    if (this.#closed || !(error instanceof Error)) return false;
    if (library.loaded && error instanceof library.loaded.ErrorReply) {
      // The server is starting (loading its AOF) or failing over: worth another try.
      return /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|READONLY)\b/.test(error.message);
    }
    return true;
  }

  close(): void {
    this.#closed = true;
    this.#client?.destroy();
    this.#client = undefined;
  }

  #open(module: RedisModule): Client {
    const client = module.createClient({
      url: this.#url,
      name: this.#name,
      RESP: 2,
      // A link nobody holds does not reconnect in the background (a reconnect timer would
      // keep a finished script alive): it is opened anew on next use.
      socket: {
        reconnectStrategy: (retries: number) => (this.#holds > 0 ? backoff(retries) : false),
      },
    }) as unknown as Client;
    client.on("error", () => {
      // Lost while nobody holds this link: dropped. Commands in flight fail and are sent
      // again, which opens the link anew.
      if (this.#holds === 0 && this.#client === client) {
        this.#client = undefined;
        this.#loaded.clear();
        try {
          client.destroy();
        } catch {
          // Closed already, by its reconnect strategy.
        }
      }
    });
    client.on("ready", () => this.#loaded.clear());
    if (this.#holds === 0) client.unref();
    this.#client = client;
    void client.connect().catch(() => {});
    return client;
  }
}
