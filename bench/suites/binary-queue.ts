/**
 * ezq's contenders for large `Q` messages: the main thread puts a batch into a `Q` read by
 * one `runThread` or `run` reader, which adds up bytes (arrays) or items (graphs) and, on
 * a message of kind "tally", puts its sum on a reply queue. As with the raw contenders, the
 * reader starts once, before the runs, and lives through them (so it reads as a warm
 * reader does); each figure is MB/s until the sum is back.
 */
import { Q, run, runThread, type Worker } from "ezq";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";
import { type Batch, mbPerSecond } from "./binary-data.js";

/** The reader's task; sent as source, so it repeats the sinks' counting inline. */
async function reader(q: Q<unknown>, replies: Q<number>): Promise<void> {
  replies.put(0); // started and listening
  let total = 0;
  for await (const msg of q) {
    if (msg.kind === "tally") {
      replies.put(total);
      total = 0;
      continue;
    }
    const data = msg.data;
    if (ArrayBuffer.isView(data)) total += data.byteLength;
    else total += Array.isArray(data) ? data.length : Number.NaN;
  }
}

export function queue(
  name: string,
  kind: "thread" | "process",
  batch: () => Batch,
  wrap: (message: unknown) => unknown = (message) => message,
): Contender {
  let q: Q<unknown>;
  let replies: Q<number>;
  let worker: Worker<void>;
  return {
    name,
    async setup() {
      // A "thread" queue for a thread reader (it stays in this process); the default
      // "process" queue for a process reader.
      q = new Q<unknown>(kind);
      replies = new Q<number>();
      worker = (kind === "thread" ? runThread : run)(reader, q, replies);
      await replies.get();
    },
    async run() {
      const { messages, bytes, expected } = batch();
      let total = 0;
      const ms = await timed(async () => {
        for (const message of messages) q.put(wrap(message));
        q.put(null, { kind: "tally" });
        total = (await replies.get()).data;
      });
      if (total !== expected)
        throw new Error(`${name}: the reader counted ${total}, not ${expected}`);
      return mbPerSecond(bytes, ms);
    },
    async teardown() {
      await q.stop([worker]);
    },
  };
}
