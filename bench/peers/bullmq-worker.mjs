// A BullMQ worker process for the comparison: a trivial job, `concurrency` at a time.
// Reports its completions to its parent every 20 ms.
import { Worker } from "bullmq";

const [host, port, name, concurrency] = process.argv.slice(2);
let done = 0;
const worker = new Worker(name, async (job) => job.data.x * 2, {
  connection: { host, port: Number(port) },
  concurrency: Number(concurrency),
});
let reported = 0;
worker.on("completed", () => {
  done++;
});
setInterval(() => {
  if (done > reported) {
    process.send(done - reported);
    reported = done;
  }
}, 20).unref();
await worker.waitUntilReady();
process.send("ready");
process.on("message", async (message) => {
  if (message === "stop") {
    await worker.close();
    process.disconnect();
  }
});
