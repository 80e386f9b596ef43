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

interface Consumer {
  where: "thread" | "process";
  /** Stop after this many messages (an early break), or read to the END. */
  breakAfter: number | null;
  /** Read with `get()` instead of `for await`. */
  useGet: boolean;
}

const produce = (q: Q<number>, from: number, count: number) => {
  for (let i = from; i < from + count; i++) q.put(i);
};

const consume = async (
  q: Q<number>,
  out: Q<number>,
  breakAfter: number | null,
  useGet: boolean,
) => {
  let n = 0;
  if (useGet) {
    for (;;) {
      if (breakAfter !== null && n === breakAfter) return;
      const msg = await q.get();
      if (msg.kind === "END") return;
      out.put(msg.data);
      n++;
    }
  }
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
  where: fc.constantFrom<"thread" | "process">("thread", "process"),
  breakAfter: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
  useGet: fc.boolean(),
});

async function scenario(producers: Producer[], consumers: Consumer[]): Promise<void> {
  const q = new Q<number>();
  const out = new Q<number>();
  const readers: Worker[] = consumers.map(({ where, breakAfter, useGet }) =>
    (where === "thread" ? runThread : run)(consume, q, out, breakAfter, useGet),
  );
  let next = 0;
  const writers: Worker[] = [];
  for (const { where, count } of producers) {
    if (where === "main") produce(q, next, count);
    else writers.push((where === "thread" ? runThread : run)(produce, q, next, count));
    next += count;
  }
  await Promise.all(writers.map((writer) => writer.join()));
  await q.stop(readers);
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
  it("holds for random producers, consumers, contexts and early breaks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(producer, { minLength: 1, maxLength: 3 }),
        fc.array(consumer, { minLength: 1, maxLength: 3 }),
        scenario,
      ),
      { numRuns: 12 },
    );
  }, 240_000);
});
