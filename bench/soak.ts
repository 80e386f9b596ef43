/**
 * Soak: N messages (default 1,000,000) through a process queue to NUM_CPUS process
 * workers and back through an output queue, with at most WINDOW in flight. Prints
 * messages/s and RSS (this process, and each worker) once a second, then checks that
 * nothing was lost and that each process's RSS stayed flat (within 50 MB) from the first
 * 10% of the run to the end.
 *
 * With `binary`, each message carries 4 KB of bytes (`{ i, bytes: Float64Array(512) }`),
 * and every 100th 128 KB, which crosses a child process's bulk lane (shared memory) both
 * ways, echoed back whole by the workers: the byte path (issue 11) must hold flat too, and
 * every array must come back with its own values and length.
 *
 * Usage: npm run soak [-- N [binary]]
 */
import { NUM_CPUS, Q, run } from "ezq";
import { countLost, growthFrom10Percent, rssMB } from "./soak-report.js";

const N = Number(process.argv[2] ?? 1_000_000);
const BINARY = process.argv[3] === "binary";
/** Messages in flight: 4 KB ones are fewer, so the window holds ~8 MB of bytes. */
const WINDOW = BINARY ? 2_000 : 20_000;

/** A binary soak message: its index, and 4 KB of bytes that all hold it. */
interface Carrying {
  i: number;
  bytes: Float64Array;
}
const FLAT_MB = 50;
/** Floats of message `i`: 4 KB, and 128 KB for every 100th (large enough for the bulk lane). */
const floatsOf = (i: number) => (i % 100 === 0 ? 16_384 : 512);

const q = new Q<number | Carrying>();
const out = new Q<number | Carrying>();
const workers = Array.from({ length: NUM_CPUS }, () =>
  run(
    async (q: Q<number | Carrying>, out: Q<number | Carrying>) => {
      for await (const msg of q) out.put(msg.data);
    },
    q,
    out,
  ),
);

const seen = new Uint8Array(N);
let sent = 0;
let received = 0;
const started = performance.now();
const samples: Array<{
  s: number;
  done: number;
  rate: number;
  mainMB: number;
  workersMB: number[];
}> = [];
let last = { t: started, done: 0 };
const sample = () => {
  const now = performance.now();
  const rate = ((received - last.done) / (now - last.t)) * 1000;
  last = { t: now, done: received };
  const workersMB = workers.map((worker) => Math.round(rssMB(worker.pid as number)));
  const row = {
    s: Math.round((now - started) / 100) / 10,
    done: received,
    rate: Math.round(rate),
    mainMB: Math.round(rssMB(process.pid)),
    workersMB,
  };
  samples.push(row);
  console.log(JSON.stringify(row));
};
const timer = setInterval(sample, 1000);

const producing = (async () => {
  while (sent < N) {
    while (sent < N && sent - received < WINDOW) {
      q.put(BINARY ? { i: sent, bytes: new Float64Array(floatsOf(sent)).fill(sent) } : sent);
      sent++;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
})();

let duplicates = 0;
let corrupt = 0;
while (received < N) {
  const { data } = await out.get();
  const i = typeof data === "number" ? data : data.i;
  if (typeof data !== "number") {
    const n = floatsOf(i);
    if (data.bytes.length !== n || data.bytes[0] !== i || data.bytes[n - 1] !== i) corrupt++;
  }
  if (seen[i]) duplicates++;
  seen[i] = 1;
  received++;
}
await producing;
sample();
clearInterval(timer);
await q.stop(workers);

const seconds = (performance.now() - started) / 1000;
const lost = countLost(seen);
const measured = growthFrom10Percent(samples, N);
const growth = {
  mainMB: measured.mainMB,
  workersMB: measured.workersMB,
};
const summary = {
  messages: N,
  binary: BINARY,
  workers: NUM_CPUS,
  seconds: Math.round(seconds * 10) / 10,
  messagesPerSecond: Math.round(N / seconds),
  lost,
  duplicates,
  corrupt,
  rssGrowthFrom10Percent: growth,
  flat: [growth.mainMB, ...growth.workersMB].every((mb) => mb <= FLAT_MB),
};
console.log(JSON.stringify(summary));
if (lost > 0 || corrupt > 0 || !summary.flat) process.exitCode = 1;
