/**
 * Target 3: `map` of 2,000 CPU tasks of about 1 ms against running them serially in
 * this thread; peers for reference. Figure: speedup over serial (serial ms / ms).
 */
import { closePools, map, NUM_CPUS } from "ezq";
import { Piscina } from "piscina";
import { Tinypool } from "tinypool";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";

const N = 2000;

/** The task: about 1 ms of arithmetic. */
function spinTask(input: { spin: number }): number {
  let sum = 0;
  for (let i = 0; i < input.spin; i++) sum += Math.sqrt(i);
  return sum;
}

/** Iterations that take about 1 ms here (measured once, after warming up). */
export function calibrate(): number {
  let spin = 100_000;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < 20; i++) spinTask({ spin });
    const perTask = (performance.now() - start) / 20;
    spin = Math.round(spin / perTask);
  }
  return spin;
}

export function contenders(spin: number, serialMs: () => number): Contender[] {
  const inputs = Array.from({ length: N }, () => ({ spin }));
  const esm = new URL("../../peers/tasks.mjs", import.meta.url).href;
  const speedup = (ms: number) => serialMs() / ms;
  let piscina: Piscina;
  let tinypool: Tinypool;
  return [
    {
      name: "serial (this thread)",
      run: async () => speedup(await timed(async () => inputs.map(spinTask))),
    },
    {
      name: `ezq map (thread, ${NUM_CPUS} workers)`,
      setup: async () => void (await map(spinTask, inputs.slice(0, 50), { num: NUM_CPUS })),
      run: async () => speedup(await timed(() => map(spinTask, inputs, { num: NUM_CPUS }))),
      teardown: () => closePools(),
    },
    {
      name: "ezq map (thread, default workers)",
      setup: async () => void (await map(spinTask, inputs.slice(0, 50))),
      run: async () => speedup(await timed(() => map(spinTask, inputs))),
      teardown: () => closePools(),
    },
    {
      name: "piscina",
      setup: async () => {
        piscina = new Piscina({ filename: esm, maxThreads: NUM_CPUS, minThreads: NUM_CPUS });
        await Promise.all(inputs.slice(0, 50).map((x) => piscina.run(x)));
      },
      run: async () => speedup(await timed(() => Promise.all(inputs.map((x) => piscina.run(x))))),
      teardown: () => piscina.destroy(),
    },
    {
      name: "tinypool",
      setup: async () => {
        tinypool = new Tinypool({ filename: esm, maxThreads: NUM_CPUS, minThreads: NUM_CPUS });
        await Promise.all(inputs.slice(0, 50).map((x) => tinypool.run(x)));
      },
      run: async () => speedup(await timed(() => Promise.all(inputs.map((x) => tinypool.run(x))))),
      teardown: () => tinypool.destroy(),
    },
  ];
}

/** Serial time of the 2,000 tasks, in ms (median of 5), the denominator of the speedups. */
export function serialTime(spin: number): number {
  const inputs = Array.from({ length: N }, () => ({ spin }));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    inputs.map(spinTask);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[2] as number;
}
