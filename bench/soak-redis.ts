/**
 * Soak of a queue in Redis: N messages (default 1,000,000) through a Redis `Q` to 2
 * process readers and back through a second Redis `Q`, at most WINDOW in flight, on a
 * redis-server of its own. Prints messages/s, the RSS of each process and Redis's
 * `used_memory` (INFO memory) once a second, then checks that nothing was lost and that
 * RSS and Redis memory stayed flat (within 50 MB) from the first 10% of the run to the end:
 * finished messages are removed from Redis (XACK, then XTRIM/XDEL).
 *
 * Usage: npm run soak (after the local soak), or tsx bench/soak-redis.ts [N]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Q, run } from "ezq";
import { createClient } from "redis";
import { countLost, growthFrom10Percent, rssMB } from "./soak-report.js";

const N = Number(process.argv[2] ?? 1_000_000);
const WINDOW = 20_000;
const FLAT_MB = 50;
const READERS = 2;

const port = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), "ezq-soak-redis-"));
const redis = spawn(
  "redis-server",
  ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
  { stdio: "ignore" },
);
const url = `redis://127.0.0.1:${port}`;
await new Promise((resolve) => setTimeout(resolve, 300));

const q = new Q<number>("redis", { name: "soak-in", url });
const out = new Q<number>("redis", { name: "soak-out", url });
const workers = Array.from({ length: READERS }, () =>
  run(
    async (q: Q<number>, out: Q<number>) => {
      for await (const msg of q) out.put(msg.data);
    },
    q,
    out,
  ),
);

const admin = createClient({ url, RESP: 2 });
await admin.connect();

/** Redis's used_memory (INFO memory), in MB. */
async function redisMB(): Promise<number> {
  const info = (await admin.sendCommand(["INFO", "memory"])) as string;
  return Math.round(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1024 / 1024);
}

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
  redisMB: number;
}> = [];
let last = { t: started, done: 0 };
const sample = async () => {
  const now = performance.now();
  const rate = ((received - last.done) / (now - last.t)) * 1000;
  last = { t: now, done: received };
  const row = {
    s: Math.round((now - started) / 100) / 10,
    done: received,
    rate: Math.round(rate),
    mainMB: Math.round(rssMB(process.pid)),
    workersMB: workers.map((worker) => Math.round(rssMB(worker.pid as number))),
    redisMB: await redisMB(),
  };
  samples.push(row);
  console.log(JSON.stringify(row));
};
const timer = setInterval(() => void sample(), 1000);

const producing = (async () => {
  while (sent < N) {
    while (sent < N && sent - received < WINDOW) q.put(sent++);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
})();

let duplicates = 0;
for await (const msg of out) {
  if (seen[msg.data]) duplicates++;
  seen[msg.data] = 1;
  if (++received === N) break;
}
await producing;
await sample();
clearInterval(timer);
await q.stop(workers);

const seconds = (performance.now() - started) / 1000;
const lost = countLost(seen);
const measured = growthFrom10Percent(samples, N);
const { steady, first } = measured;
const growth = {
  mainMB: measured.mainMB,
  workersMB: measured.workersMB,
  redisMB: Math.max(...steady.map((row) => row.redisMB)) - (first?.redisMB ?? 0),
};
const summary = {
  messages: N,
  readers: READERS,
  seconds: Math.round(seconds * 10) / 10,
  messagesPerSecond: Math.round(N / seconds),
  lost,
  duplicates,
  growthFrom10Percent: growth,
  flat: [growth.mainMB, ...growth.workersMB, growth.redisMB].every((mb) => mb <= FLAT_MB),
};
console.log(JSON.stringify(summary));
admin.destroy();
redis.kill("SIGKILL");
rmSync(dir, { recursive: true, force: true });
process.exit(lost > 0 || !summary.flat ? 1 : 0);
