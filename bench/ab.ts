/**
 * Two builds of ezq side by side, in one process, contenders alternating: `map` of 100,000
 * trivial tasks (threads, processes) and of 2,000 CPU tasks of ~1 ms, and 200,000 small
 * messages through a `Q` to thread and process readers. On a shared 2-core
 * machine only a comparison made in the same run means anything (±30% is noise).
 *
 *   npx tsx bench/ab.ts /path/to/before/dist/index.js /path/to/after/dist/index.js
 *
 * BENCH_RUNS sets the runs (default 7), BENCH_ONLY=processes keeps the suites so named. Build
 * the other one with `git archive REV | tar -x -C DIR`, `node_modules` linked,
 * `npm run build` there.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { calibrate, spinTask } from "./calibrate.js";
import { type Contender, compare, round, timed } from "./harness.js";

type Ezq = typeof import("ezq");
type AnyQ = InstanceType<Ezq["Q"]>;

const [before, after] = process.argv.slice(2);
if (!before || !after)
  throw new Error("usage: npx tsx bench/ab.ts BEFORE/dist/index.js AFTER/dist/index.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const builds: Array<[string, Ezq]> = [
  ["before", (await import(pathToFileURL(resolve(before)).href)) as Ezq],
  ["after", (await import(pathToFileURL(resolve(after)).href)) as Ezq],
];

const N = 100_000;
const items = Array.from({ length: N }, (_, i) => i);
const spin = calibrate();
const inputs = Array.from({ length: 2000 }, () => ({ spin }));

function trivial(name: string, ezq: Ezq, kind: "thread" | "process"): Contender {
  return {
    name,
    setup: async () => void (await ezq.map((x: number) => x + 1, items.slice(0, 1000), { kind })),
    run: async () =>
      (N / (await timed(() => ezq.map((x: number) => x + 1, items, { kind })))) * 1000,
    teardown: () => ezq.closePools(),
  };
}

function cpu(name: string, ezq: Ezq): Contender {
  return {
    name,
    setup: async () => void (await ezq.map(spinTask, inputs.slice(0, 50), { num: ezq.NUM_CPUS })),
    run: async () => {
      const start = performance.now();
      inputs.map(spinTask);
      const serial = performance.now() - start;
      return serial / (await timed(() => ezq.map(spinTask, inputs, { num: ezq.NUM_CPUS })));
    },
    teardown: () => ezq.closePools(),
  };
}

/** 200,000 small messages from the main thread to NUM_CPUS readers, as bench/suites/queues.ts. */
function queue(name: string, ezq: Ezq, kind: "thread" | "process"): Contender {
  const M = 200_000;
  return {
    name,
    run: async () => {
      const q = new ezq.Q<number>(kind);
      const ready = new ezq.Q<number>();
      const start = kind === "thread" ? ezq.runThread : ezq.run;
      const readers = Array.from({ length: ezq.NUM_CPUS }, () =>
        start(
          async (q: AnyQ, ready: AnyQ) => {
            ready.put(0);
            let n = 0;
            for await (const _ of q) n++;
            return n;
          },
          q,
          ready,
        ),
      );
      for (let i = 0; i < ezq.NUM_CPUS; i++) await ready.get();
      const ms = await timed(async () => {
        for (let i = 0; i < M; i++) q.put(i, { order: i });
        await q.stop(readers);
      });
      return (M / ms) * 1000;
    },
  };
}

const suites: Array<[string, string, (name: string, ezq: Ezq) => Contender]> = [
  ["map-trivial, threads", "tasks/s", (name, ezq) => trivial(name, ezq, "thread")],
  ["map-trivial, processes", "tasks/s", (name, ezq) => trivial(name, ezq, "process")],
  ["map-cpu, threads", "speedup over serial", cpu],
  ["queue, threads", "messages/s", (name, ezq) => queue(name, ezq, "thread")],
  ["queue, processes", "messages/s", (name, ezq) => queue(name, ezq, "process")],
];
// BENCH_ONLY=processes runs the suites whose title has that word.
const only = process.env.BENCH_ONLY;
for (const [title, unit, make] of suites.filter(([title]) => !only || title.includes(only))) {
  const rows = await compare(
    builds.map(([name, ezq]) => make(name, ezq)),
    RUNS,
  );
  const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log(`\n${title} (${unit}, medians of ${RUNS}):`);
  for (const row of rows)
    console.log(`  ${row.name}: ${round(row.median)}  [${row.runs.map(round).join(", ")}]`);
  console.log(`  after / before: ${round(b.median / a.median)}`);
}
