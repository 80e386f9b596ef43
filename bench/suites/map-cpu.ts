/**
 * Target 3: `map` of 2,000 CPU tasks of about 1 ms against running them serially in
 * this thread; the raw ceiling (bare threads, no pool) and peers for reference.
 * Figure: speedup over serial (serial ms / ms).
 */

import { Worker as ThreadWorker } from "node:worker_threads";
import { closePools, map, NUM_CPUS } from "ezq";

import { Piscina } from "piscina";
import { Tinypool } from "tinypool";
import { spinTask } from "../calibrate.js";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";

/** Warm for every run, as the peers' pools are (see map-trivial.ts). */
const WARM = { idleTimeout: Number.POSITIVE_INFINITY };

const N = 2000;

/**
 * Each contender's figure is its speedup over a serial run made just before it, in the
 * same alternation, so that drifts of the shared machine affect both sides alike.
 */
export function contenders(spin: number): Contender[] {
  const inputs = Array.from({ length: N }, () => ({ spin }));
  const esm = new URL("../../peers/tasks.mjs", import.meta.url).href;
  const serialMs = () => {
    const start = performance.now();
    inputs.map(spinTask);
    return performance.now() - start;
  };
  const speedup = async (parallel: () => PromiseLike<unknown>) => {
    const serial = serialMs();
    return serial / (await timed(parallel));
  };
  let piscina: Piscina;
  let tinypool: Tinypool;
  let raw: ThreadWorker[] = [];
  return [
    {
      name: `raw: ${NUM_CPUS} bare threads, an equal share each`,
      setup: async () => {
        raw = Array.from(
          { length: NUM_CPUS },
          () => new ThreadWorker(new URL("../../peers/spin-half.mjs", import.meta.url)),
        );
      },
      run: () =>
        speedup(() =>
          Promise.all(
            raw.map((worker) => {
              worker.postMessage({ count: N / NUM_CPUS, spin });
              return new Promise((resolve) => worker.once("message", resolve));
            }),
          ),
        ),
      teardown: async () => void (await Promise.all(raw.map((worker) => worker.terminate()))),
    },
    {
      name: `ezq map (thread, ${NUM_CPUS} workers)`,
      setup: async () =>
        void (await map(spinTask, inputs.slice(0, 50), { num: NUM_CPUS, ...WARM })),
      run: () => speedup(() => map(spinTask, inputs, { num: NUM_CPUS, ...WARM })),
      teardown: () => closePools(),
    },
    {
      name: "ezq map (thread, default workers)",
      setup: async () => void (await map(spinTask, inputs.slice(0, 50), WARM)),
      run: () => speedup(() => map(spinTask, inputs, WARM)),
      teardown: () => closePools(),
    },
    {
      name: `piscina (${NUM_CPUS} threads)`,
      setup: async () => {
        piscina = new Piscina({ filename: esm, maxThreads: NUM_CPUS, minThreads: NUM_CPUS });
        await Promise.all(inputs.slice(0, 50).map((x) => piscina.run(x)));
      },
      run: () => speedup(() => Promise.all(inputs.map((x) => piscina.run(x)))),
      teardown: () => piscina.destroy(),
    },
    {
      name: `tinypool (${NUM_CPUS} threads)`,
      setup: async () => {
        tinypool = new Tinypool({ filename: esm, maxThreads: NUM_CPUS, minThreads: NUM_CPUS });
        await Promise.all(inputs.slice(0, 50).map((x) => tinypool.run(x)));
      },
      run: () => speedup(() => Promise.all(inputs.map((x) => tinypool.run(x)))),
      teardown: () => tinypool.destroy(),
    },
  ];
}
