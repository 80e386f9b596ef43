/**
 * Target 6: starting a worker until its task runs, against a bare `new Worker` / `fork`
 * to its first message; and one item through `map` on a warm pool. Figure: ms.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker as ThreadWorker } from "node:worker_threads";
import { closePools, map, Q, run, runThread, type Worker, type WorkerStarter } from "ezq";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";

const peer = (name: string) => new URL(`../../peers/${name}`, import.meta.url);

/** Milliseconds from starting a worker until its task has run (it says so on a queue). */
async function untilTaskRuns(start: WorkerStarter): Promise<number> {
  const started = new Q<number>();
  let worker: Worker | undefined;
  const ms = await timed(async () => {
    worker = start((started: Q<number>) => void started.put(1), started);
    await started.get();
  });
  await worker?.join();
  return ms;
}

export function contenders(): Contender[] {
  return [
    {
      name: "bare new Worker, to its first message",
      run: () =>
        timed(async () => {
          const worker = new ThreadWorker(peer("echo-thread.mjs"));
          await new Promise((resolve) => worker.once("message", resolve));
          await worker.terminate();
        }),
    },
    { name: "ezq runThread, until the task runs", run: () => untilTaskRuns(runThread) },
    {
      name: "bare fork, to its first message",
      run: () =>
        timed(async () => {
          const child = fork(fileURLToPath(peer("echo-process.mjs")), [], {
            serialization: "json",
            execArgv: [],
          });
          await new Promise((resolve) => child.once("message", resolve));
          child.kill();
        }),
    },
    { name: "ezq run, until the task runs", run: () => untilTaskRuns(run) },
  ];
}

export function warmMap(): Contender[] {
  return [
    {
      name: "ezq map of one item on a warm pool",
      setup: async () => void (await map((x: number) => x, [1, 2, 3, 4, 5, 6, 7, 8])),
      run: () => timed(() => map((x: number) => x + 1, [1])),
      teardown: () => closePools(),
    },
  ];
}
