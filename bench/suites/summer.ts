/**
 * Target 8: the summer pattern of Python ezq's README with 100,000 messages (NUM_CPUS
 * workers sum an input queue and put their totals; 2 workers, as DESIGN.md measured
 * Python), with process and thread workers;
 * and `map` of 100,000 items. Figures: messages per second, ms.
 */
import { closePools, map, NUM_CPUS, Q, run, runThread } from "ezq";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";

const N = 100_000;

async function summer(kind: "process" | "thread"): Promise<number> {
  const q = new Q<number>();
  const out = new Q<number>();
  const start = kind === "thread" ? runThread : run;
  const ready = new Q<number>();
  const workers = Array.from({ length: NUM_CPUS }, () =>
    start(
      async (q: Q<number>, out: Q<number>, ready: Q<number>) => {
        ready.put(0);
        let total = 0;
        for await (const msg of q) total += msg.data;
        out.put(total);
      },
      q,
      out,
      ready,
    ),
  );
  for (const _ of workers) await ready.get();
  const ms = await timed(async () => {
    for (let i = 0; i < N; i++) q.put(i);
    await q.stop(workers);
  });
  let total = 0;
  for await (const msg of out.items()) total += msg.data;
  if (total !== (N * (N - 1)) / 2) throw new Error("summer lost messages");
  return (N / ms) * 1000;
}

export function contenders(): Contender[] {
  return [
    { name: `summer, ${NUM_CPUS} process workers (messages/s)`, run: () => summer("process") },
    { name: `summer, ${NUM_CPUS} thread workers (messages/s)`, run: () => summer("thread") },
    {
      name: "map of 100,000 items, threads (ms)",
      setup: async () => void (await map((x: number) => x * 2, [1, 2, 3])),
      run: () =>
        timed(() =>
          map(
            (x: number) => x * 2,
            Array.from({ length: N }, (_, i) => i),
          ),
        ),
      teardown: () => closePools(),
    },
  ];
}
