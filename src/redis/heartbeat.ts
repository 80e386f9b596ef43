/**
 * The heartbeat thread of this context, one per Redis server: readers register with it,
 * and it beats for them apart from this context's event loop. It is unref'd, so it never
 * keeps a script alive, and it ends with this context.
 */
import { Worker as ThreadWorker } from "node:worker_threads";
import { type BeatMessage, type BeatThreadData, beatThread } from "./beat-thread.js";
import { BEAT } from "./scripts.js";

const threads = new Map<string, ThreadWorker>();

function threadFor(url: string, beatMs: number): ThreadWorker {
  let thread = threads.get(url);
  if (!thread) {
    const data: BeatThreadData = { url, beatMs, script: BEAT.source };
    // Tools that compile with keepNames wrap named functions in __name(): define it.
    const source = `const __name = (f) => f;\n(${beatThread.toString()})();`;
    thread = new ThreadWorker(source, { eval: true, workerData: data, name: "ezq heartbeat" });
    thread.unref();
    thread.on("error", () => threads.delete(url));
    thread.on("exit", () => threads.delete(url));
    threads.set(url, thread);
  }
  return thread;
}

/** Beats for `consumer` of the queue whose heartbeats key is `beatsKey`, until `stopBeating`. */
export function startBeating(
  url: string,
  beatMs: number,
  beatsKey: string,
  consumer: string,
): void {
  threadFor(url, beatMs).postMessage(["add", beatsKey, consumer] satisfies BeatMessage);
}

/** Stops beating for `consumer`. */
export function stopBeating(url: string, beatsKey: string, consumer: string): void {
  threads.get(url)?.postMessage(["remove", beatsKey, consumer] satisfies BeatMessage);
}
