let loading;
let loaded;
/** Reconnection backoff: quick at first, then once a second. */
function backoff(retries) {
  return Math.min(25 * 2 ** retries, 1000);
}
/** A link to the server at `url`; `name` is its `CLIENT SETNAME` (ezq's connections are `ezq*`). */
export function nodeRedisLink(url, name) {
  return new NodeRedisLink(url, name);
}
class NodeRedisLink {
  #url;
  #name;
  #client;
  #holds = 0;
  #closed = false;
  /** Scripts this connection loaded: reset when it reconnects (the server may have restarted). */
  #loaded = new Set();
  constructor(url, name) {
    this.#url = url;
    this.#name = name;
    loading ??= import("redis").then((module) => {
      loaded = module;
      return module;
    });
  }
  call(args) {
    if (this.#closed) return Promise.reject(new Error("ezq: this Redis link was closed"));
    const client = this.#client ?? (loaded && this.#open(loaded));
    if (client) return client.sendCommand(args);
    return loading.then((module) => {
      if (this.#closed) throw new Error("ezq: this Redis link was closed");
      return (this.#client ?? this.#open(module)).sendCommand(args);
    });
  }
  async run(script, keys, args) {
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
  hold() {
    if (this.#holds++ === 0) this.#client?.ref();
  }
  letGo() {
    if (--this.#holds === 0) this.#client?.unref();
  }
  isConnectionError(error) {
    if (this.#closed || !(error instanceof Error)) return false;
    if (loaded && error instanceof loaded.ErrorReply) {
      // The server is starting (loading its AOF) or failing over: worth another try.
      return /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|READONLY)\b/.test(error.message);
    }
    return true;
  }
  close() {
    this.#closed = true;
    this.#client?.destroy();
    this.#client = undefined;
  }
  #open(module) {
    const client = module.createClient({
      url: this.#url,
      name: this.#name,
      RESP: 2,
      // A link nobody holds does not reconnect in the background (a reconnect timer would
      // keep a finished script alive): it is opened anew on next use.
      socket: {
        reconnectStrategy: (retries) => (this.#holds > 0 ? backoff(retries) : false),
      },
    });
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
