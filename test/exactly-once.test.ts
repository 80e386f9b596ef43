/**
 * Without faults, every message is delivered exactly once and none is invented, whatever
 * the mix of producers and consumers, their contexts, and when readers stop early.
 */

import { Q, run, runThread, type Worker } from "ezq";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

type Where = "main" | "thread" | "process";

interface Producer {
  where: Where;
  count: number;
}

/** How a consumer reads: `for await`, one `get()` at a time, two `get()`s at once, or `get()` then `for await`. */
type Mode = "iterate" | "get" | "concurrentGet" | "mixed";

interface Consumer {
  where: Where;
  /** Stop after this many messages (an early break), or read to the END. */
  breakAfter: number | null;
  mode: Mode;
}

const produce = (q: Q<number>, from: number, count: number) => {
  for (let i = from; i < from + count; i++) q.put(i);
};

/** Reads as `mode` says, copying each message to `out`; a worker function, so self-contained. */
const consume = async (q: Q<number>, out: Q<number>, breakAfter: number | null, mode: Mode) => {
  let n = 0;
  const enough = () => breakAfter !== null && n >= breakAfter;
  if (mode !== "iterate") {
    // "mixed" reads its first three messages with get(), then goes on with for await.
    while (!enough() && (mode !== "mixed" || n < 3)) {
      const msgs =
        mode === "concurrentGet" ? await Promise.all([q.get(), q.get()]) : [await q.get()];
      let ended = false;
      for (const msg of msgs) {
        if (msg.kind === "END") ended = true;
        else {
          out.put(msg.data);
          n++;
        }
      }
      if (ended) return;
    }
    if (mode !== "mixed") return;
  }
  if (enough()) return;
  for await (const msg of q) {
    out.put(msg.data);
    if (++n === breakAfter) break;
  }
};

const producer = fc.record({
  where: fc.constantFrom<Where>("main", "thread", "process"),
  count: fc.integer({ min: 0, max: 300 }),
});
const consumer = fc.record({
  where: fc.constantFrom<Where>("main", "thread", "process"),
  breakAfter: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
  mode: fc.constantFrom<Mode>("iterate", "get", "concurrentGet", "mixed"),
});

async function scenario(producers: Producer[], consumers: Consumer[]): Promise<void> {
  const q = new Q<number>();
  const out = new Q<number>();
  const readers: Worker[] = [];
  const local: Promise<void>[] = [];
  for (const { where, breakAfter, mode } of consumers) {
    if (where === "main") local.push(consume(q, out, breakAfter, mode));
    else readers.push((where === "thread" ? runThread : run)(consume, q, out, breakAfter, mode));
  }
  let next = 0;
  const writers: Worker[] = [];
  for (const { where, count } of producers) {
    if (where === "main") produce(q, next, count);
    else writers.push((where === "thread" ? runThread : run)(produce, q, next, count));
    next += count;
  }
  await Promise.all(writers.map((writer) => writer.join()));
  // Each reader needs an END; one with two get() calls at once may take two, and would wait
  // forever for a second one that another reader took: give it a spare.
  const spares = consumers.filter((consumer) => consumer.mode === "concurrentGet").length;
  for (let i = 0; i < local.length + spares; i++) q.end();
  await Promise.all([q.stop(readers), ...local]);
  // Readers that broke out early left messages (and unread ENDs): drain them here.
  const delivered: number[] = [];
  while (q.qsize() > 0) {
    const msg = await q.get();
    if (msg.kind !== "END") delivered.push(msg.data);
  }
  while (out.qsize() > 0) delivered.push((await out.get()).data);
  delivered.sort((a, b) => a - b);
  expect(delivered).toEqual([...Array(next).keys()]);
}

describe("exactly once without faults", () => {
  it("holds for random producers, consumers (for await, get, concurrent gets, mixed), contexts and early breaks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(producer, { minLength: 1, maxLength: 3 }),
        fc.array(consumer, { minLength: 1, maxLength: 3 }),
        scenario,
      ),
      { numRuns: 16 },
    );
  }, 240_000);
});
