/**
 * ezq's contenders for large `Q` messages: the main thread puts a batch into a `Q` read by
 * one `runThread` or `run` reader, which adds up bytes (arrays) or items (graphs) and, once
 * it reads its END, puts the sum on a reply queue. Figure: MB/s, until the sum is back, as
 * for the raw contenders, whose reader answers its total on "end" and is not torn down on
 * the clock either; the reader's exit (`join`) comes after the clock stops.
 */
import { Q, run, runThread } from "ezq";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";
import { type Batch, mbPerSecond } from "./binary-data.js";

/** The reader's task; sent as source, so it repeats the sinks' counting inline. */
async function reader(q: Q<unknown>, replies: Q<number>): Promise<number> {
  replies.put(0); // started and listening
  let total = 0;
  for await (const msg of q) {
    const data = msg.data;
    if (ArrayBuffer.isView(data)) total += data.byteLength;
    else total += Array.isArray(data) ? data.length : Number.NaN;
  }
  replies.put(total);
  return total;
}

export function queue(
  name: string,
  kind: "thread" | "process",
  batch: () => Batch,
  wrap: (message: unknown) => unknown = (message) => message,
): Contender {
  return {
    name,
    async run() {
      const { messages, bytes, expected } = batch();
      // A "thread" queue for a thread reader (it stays in this process); the default
      // "process" queue for a process reader.
      const q = new Q<unknown>(kind);
      const replies = new Q<number>();
      const worker = (kind === "thread" ? runThread : run)(reader, q, replies);
      await replies.get();
      let total = 0;
      const ms = await timed(async () => {
        for (const message of messages) q.put(wrap(message));
        q.end(); // what q.stop([worker]) puts; its wait for the exit comes after the clock
        total = (await replies.get()).data;
      });
      await worker.join();
      if (total !== expected)
        throw new Error(`${name}: the reader counted ${total}, not ${expected}`);
      return mbPerSecond(bytes, ms);
    },
  };
}
