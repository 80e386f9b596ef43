/**
 * The body of the heartbeat thread, shipped to a worker thread as source (like a task):
 * every `beatMs` it sends one script per queue that marks this context's readers alive.
 * It runs apart from the context's event loop, so a task that computes for minutes still
 * beats, and it dies with its context, so a dead reader falls silent.
 *
 * It speaks just enough RESP to send commands (AUTH, SELECT, EVAL) over a raw socket and
 * reads no replies: loading a full Redis client costs a thread a few hundred milliseconds,
 * for one command twice a second.
 */

/** What the thread is started with. */
export interface BeatThreadData {
  url: string;
  beatMs: number;
  script: string;
}

/** Messages to the thread: start or stop beating for a consumer of a queue. */
export type BeatMessage = [op: "add" | "remove", beatsKey: string, consumer: string];

/** Runs in the thread: `require` and `workerData` are the thread's own. */
export function beatThread(): void {
  const net = require("node:net") as typeof import("node:net");
  const tls = require("node:tls") as typeof import("node:tls");
  const { parentPort, workerData } =
    require("node:worker_threads") as typeof import("node:worker_threads");
  const { url, beatMs, script } = workerData as BeatThreadData;
  const target = new URL(url);
  const beats = new Map<string, Set<string>>();
  let socket: import("node:net").Socket | undefined;

  const frame = (args: string[]) => {
    let out = `*${args.length}\r\n`;
    for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
    return out;
  };

  const connect = () => {
    const port = Number(target.port || 6379);
    const host = target.hostname.replace(/^\[|\]$/g, "");
    const s =
      target.protocol === "rediss:"
        ? tls.connect({ host, port, servername: host })
        : net.connect({ host, port });
    s.setNoDelay(true);
    s.on("data", () => {}); // replies are not read: a failure shows on the readers' own links
    s.on("error", () => {});
    s.on("close", () => {
      if (socket === s) socket = undefined;
      setTimeout(connect, beatMs);
    });
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    if (password) s.write(frame(user ? ["AUTH", user, password] : ["AUTH", password]));
    const db = /^\/(\d+)$/.exec(target.pathname)?.[1];
    if (db && db !== "0") s.write(frame(["SELECT", db]));
    s.write(frame(["CLIENT", "SETNAME", "ezq-beat"]));
    socket = s;
  };

  const beat = () => {
    if (!socket) return;
    for (const [key, consumers] of beats) {
      if (consumers.size > 0) socket.write(frame(["EVAL", script, "1", key, ...consumers]));
    }
  };

  parentPort?.on("message", ([op, key, consumer]: BeatMessage) => {
    let set = beats.get(key);
    if (op === "add") {
      if (!set) {
        set = new Set();
        beats.set(key, set);
      }
      set.add(consumer);
      beat();
    } else if (set) {
      set.delete(consumer);
      if (set.size === 0) beats.delete(key);
    }
  });
  connect();
  setInterval(beat, beatMs);
}
