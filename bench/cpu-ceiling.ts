/**
 * The ceiling of target 3 on this machine: serial time of 2,000 tasks of ~1 ms in the
 * main thread against two bare worker threads with 1,000 each, alternated 4 times; and a
 * worker's time per task with one thread busy against two at once.
 *
 * Usage: npx tsx bench/cpu-ceiling.ts
 */
import { Worker } from "node:worker_threads";
import { calibrate, spinTask } from "./calibrate.js";

const spin = calibrate();
const inputs = Array.from({ length: 2000 }, () => ({ spin }));
const code = `const { parentPort } = require("node:worker_threads");
${spinTask.toString()}
parentPort.on("message", (count) => {
  const start = performance.now();
  for (let i = 0; i < count; i++) spinTask({ spin: ${spin} });
  parentPort.postMessage((performance.now() - start) / count);
});`;
const threads = [new Worker(code, { eval: true }), new Worker(code, { eval: true })];
const ask = (worker: Worker, count: number) =>
  new Promise<number>((resolve) => {
    worker.once("message", resolve);
    worker.postMessage(count);
  });
await Promise.all(threads.map((worker) => ask(worker, 50)));
for (let round = 0; round < 4; round++) {
  let start = performance.now();
  inputs.map(spinTask);
  const serial = performance.now() - start;
  start = performance.now();
  await Promise.all(threads.map((worker) => ask(worker, 1000)));
  const parallel = performance.now() - start;
  const alone = await ask(threads[0] as Worker, 300);
  const both = await Promise.all(threads.map((worker) => ask(worker, 300)));
  console.log(
    `serial ${serial.toFixed(0)} ms (${(serial / 2000).toFixed(3)} ms/task); 2 bare threads ${parallel.toFixed(0)} ms; ` +
      `speedup ${(serial / parallel).toFixed(2)}; worker ms/task: one busy ${alone.toFixed(3)}, two busy ${both.map((x) => x.toFixed(3)).join(" / ")}`,
  );
}
await Promise.all(threads.map((worker) => worker.terminate()));
