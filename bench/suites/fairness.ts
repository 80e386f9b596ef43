/**
 * Target 7: 400 messages that each take 5 ms, read by 4 thread workers: how many each
 * reader gets (the ideal is 100 each).
 */
import { Q, runThread } from "ezq";

export async function fairness(): Promise<number[]> {
  const q = new Q<number>();
  const readers = Array.from({ length: 4 }, () =>
    runThread(async (q: Q<number>) => {
      let n = 0;
      for await (const _ of q) {
        const until = performance.now() + 5;
        while (performance.now() < until) {
          // 5 ms of work
        }
        n++;
      }
      return n;
    }, q),
  );
  for (let i = 0; i < 400; i++) q.put(i);
  await q.stop(readers);
  return Promise.all(readers.map((reader) => reader.join()));
}
