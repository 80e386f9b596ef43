/**
 * Processes and threads together: process workers break words into letters, and each
 * starts its own thread workers that turn letters into character codes, written to a
 * queue of the main thread. Prints the sum of all the codes.
 */

import type { Q } from "ezq";
import * as ezq from "ezq";

/** Breaks words into letters, for thread workers of its own to convert. */
async function workerProcess(q: Q<string>, out: Q<number>): Promise<void> {
  const { Q, runThread } = await import("ezq"); // a task imports what it needs inside
  const letters = new Q<string>("thread");
  const threads = Array.from({ length: 10 }, () =>
    runThread(
      async (letters: Q<string>, out: Q<number>) => {
        for await (const msg of letters) out.put(msg.data.charCodeAt(0));
      },
      letters,
      out,
    ),
  );
  for await (const msg of q) for (const letter of msg.data) letters.put(letter);
  await letters.stop(threads);
}

const q = new ezq.Q<string>();
const out = new ezq.Q<number>();
const workers = Array.from({ length: ezq.NUM_CPUS }, () => ezq.run(workerProcess, q, out));

// spell-checker: disable
const data = `
    Lorem ipsum dolor sit amet, consectetur adipiscing elit. Aliquam in semper
    tortor, ac maximus magna. Sed quis rhoncus nulla. Vestibulum at felis dolor.
    Morbi quis odio ut lorem molestie viverra sed nec augue. Pellentesque
    vestibulum sollicitudin euismod. Vivamus ullamcorper justo at erat hendrerit,
    vitae blandit erat imperdiet. Proin faucibus nisl non sem finibus tristique.
    Nunc scelerisque, felis ac consequat auctor, ligula orci placerat dui, sed
    ultricies risus ligula convallis risus. Cras volutpat ipsum neque, nec finibus
    lacus interdum vitae. Aliquam erat volutpat.
`;
// spell-checker: enable

for (const word of data.split(" ")) q.put(word);
await q.stop(workers);

let sum = 0;
for await (const msg of out.items()) sum += msg.data;
console.log(sum);
