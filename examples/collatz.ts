/**
 * Read and write queues: thread workers read numbers and compute a value, and a single
 * process worker prints the results in order, sorting them as they arrive.
 * (Not really the Collatz algorithm, as in the Python original.)
 */

import type { Q } from "ezq";
import * as ezq from "ezq";

type Pair = [number, number];

/** Prints results in increasing order, as Python prints a tuple of floats. */
async function printer(out: Q<Pair>): Promise<void> {
  const float = (x: number) => (Number.isInteger(x) ? x.toFixed(1) : String(x));
  for await (const msg of out.sorted())
    console.log(`(${float(msg.data[0])}, ${float(msg.data[1])})`);
}

/** Reads numbers and computes values. */
async function collatz(q: Q<number>, out: Q<Pair>): Promise<void> {
  for await (const msg of q) {
    const num = msg.data;
    if (msg.kind === "EVEN") out.put([num, num / 2], { order: msg.order });
    else if (msg.kind === "ODD") out.put([num, 3 * num + 1], { order: msg.order });
  }
}

const q = new ezq.Q<number>("thread");
const out = new ezq.Q<Pair>();
const readers = Array.from({ length: ezq.NUM_THREADS }, () => ezq.runThread(collatz, q, out));
const writer = ezq.run(printer, out);

for (let num = 0; num < 40; num++) {
  q.put(num, { kind: num % 2 === 0 ? "EVEN" : "ODD", order: num });
}

await q.stop(readers);
await out.stop(writer);
