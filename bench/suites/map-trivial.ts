/**
 * Targets 1 and 2: `map` of 100,000 trivial tasks, against each peer with its best
 * settings, on threads and on processes. Figure: tasks per second.
 */
import { closePools, map } from "ezq";
import { Piscina } from "piscina";
import { Tinypool } from "tinypool";
import workerpool from "workerpool";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";

const N = 100_000;
const items = Array.from({ length: N }, (_, i) => i);
// Compiled to bench/dist/suites: the peers' worker files are in bench/peers.
const esm = new URL("../../peers/tasks.mjs", import.meta.url).href;
const cjs = new URL("../../peers/tasks.cjs", import.meta.url).pathname;
const rate = (ms: number) => (N / ms) * 1000;

function poolContender(
  name: string,
  make: () => { run(x: number): PromiseLike<unknown>; close(): PromiseLike<unknown> },
): Contender {
  let pool: ReturnType<typeof make>;
  return {
    name,
    async setup() {
      pool = make();
      await Promise.all(items.slice(0, 1000).map((x) => pool.run(x)));
    },
    run: async () => rate(await timed(() => Promise.all(items.map((x) => pool.run(x))))),
    teardown: async () => void (await pool.close()),
  };
}

function ezq(kind: "thread" | "process"): Contender {
  // Warm for every run, as the peers' pools are (they live from setup to teardown): by
  // default idle workers leave after 5 s, and the peers' runs in between can take longer.
  const options = { kind, idleTimeout: Number.POSITIVE_INFINITY };
  return {
    name: `ezq map (${kind})`,
    setup: async () => void (await map((x: number) => x + 1, items.slice(0, 1000), options)),
    run: async () => rate(await timed(() => map((x: number) => x + 1, items, options))),
    teardown: () => closePools(),
  };
}

/** Thread pools; piscina with the setting that served it best here (64 tasks per worker). */
export function threads(): Contender[] {
  return [
    ezq("thread"),
    poolContender("piscina (concurrentTasksPerWorker 64)", () => {
      const pool = new Piscina({ filename: esm, concurrentTasksPerWorker: 64 });
      return { run: (x) => pool.run(x), close: () => pool.destroy() };
    }),
    poolContender("piscina (defaults)", () => {
      const pool = new Piscina({ filename: esm });
      return { run: (x) => pool.run(x), close: () => pool.destroy() };
    }),
    poolContender("tinypool", () => {
      const pool = new Tinypool({ filename: esm });
      return { run: (x) => pool.run(x), close: () => pool.destroy() };
    }),
    poolContender("workerpool", () => {
      const pool = workerpool.pool(cjs, { workerType: "thread" });
      return {
        run: (x) => pool.exec("task", [x]),
        close: () => pool.terminate() as PromiseLike<unknown>,
      };
    }),
  ];
}

/** Child-process pools. */
export function processes(): Contender[] {
  return [
    ezq("process"),
    poolContender("tinypool (child_process)", () => {
      const pool = new Tinypool({ filename: esm, runtime: "child_process" });
      return { run: (x) => pool.run(x), close: () => pool.destroy() };
    }),
    poolContender("workerpool (process)", () => {
      const pool = workerpool.pool(cjs, { workerType: "process" });
      return {
        run: (x) => pool.exec("task", [x]),
        close: () => pool.terminate() as PromiseLike<unknown>,
      };
    }),
  ];
}
