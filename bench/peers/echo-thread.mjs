// Raw floor for queues to threads: count one-way messages, report when "end" arrives.
import { parentPort } from "node:worker_threads";

let count = 0;
parentPort.postMessage("ready");
parentPort.on("message", (message) => {
  if (message === "end") {
    parentPort.postMessage(count);
    parentPort.close();
  } else count++;
});
