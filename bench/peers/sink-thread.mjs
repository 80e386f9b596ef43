// Raw floor for large messages to a thread: add up what arrives, report it on "end".
import { parentPort } from "node:worker_threads";
import { sizeOf } from "./size.mjs";

let total = 0;
parentPort.postMessage("ready");
parentPort.on("message", (message) => {
  if (message !== "end") total += sizeOf(message);
  else {
    parentPort.postMessage(total);
    total = 0;
  }
});
