/** Sum messages: workers read an input queue, sum it, and write their totals to an output queue. */

import type { Q } from "ezq";
import * as ezq from "ezq";

/** Adds up all the messages. */
async function worker(q: Q<number>, out: Q<number>): Promise<void> {
  let total = 0;
  for await (const msg of q) total += msg.data; // read each message until the queue ends
  out.put(total); // after reading all the messages, write the total
}

// Step 1: create the queues and start the workers.
const q = new ezq.Q<number>();
const out = new ezq.Q<number>();
const workers = Array.from({ length: ezq.NUM_CPUS }, () => ezq.run(worker, q, out));

// Step 2: send work to the workers.
for (let i = 0; i < 1000; i++) q.put(i);

// Step 3: tell the workers to finish, and wait for them.
await q.stop(workers);

// Step 4: process the results.
let have = 0;
for await (const msg of out.items()) have += msg.data;
console.log(have);
// => 499500
