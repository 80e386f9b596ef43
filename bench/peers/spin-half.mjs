// Raw ceiling for CPU work: a bare thread that runs its share of the 1 ms tasks.
import { parentPort, workerData } from "node:worker_threads";

function spinTask(input) {
  let sum = 0;
  for (let i = 0; i < input.spin; i++) sum += Math.sqrt(i);
  return sum;
}

parentPort.on("message", ({ count, spin }) => {
  const out = [];
  for (let i = 0; i < count; i++) out.push(spinTask({ spin }));
  parentPort.postMessage(out.length);
});
void workerData;
