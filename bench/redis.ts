/**
 * `npm run bench:redis`: ezq's queues and map beyond one machine, on a redis-server of its
 * own (loopback, no persistence), against hand-written Redis Streams loops and BullMQ.
 * Medians of RUNS runs, contenders alternating. Prints Markdown for BENCHMARKS.md.
 *
 * 1. Q on Redis: small messages, one producer, 2 process readers, vs a pipelined
 *    XADD / XREADGROUP / XACK loop (messages/s).
 * 2. One message put, read by a reader in another process: p50 latency vs raw
 *    XADD -> XREADGROUP.
 * 3. map of 100,000 trivial items over 2 agents vs BullMQ's best concurrency (items/s).
 * 4. map of 2,000 CPU tasks of ~1 ms over 2 agents: speedup over serial.
 * 5. A SIGKILLed reader's message: seconds until another reader has it.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { closePools, map, Q, run, version } from "ezq";
import { createClient } from "redis";
import { calibrate, spinTask } from "./calibrate.js";
import { type Contender, compare, type Row, round, timed } from "./harness.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** BENCH_ONLY=1,4 runs only those sections. */
const only = process.env.BENCH_ONLY?.split(",").map(Number);
const want = (section: number) => !only || only.includes(section);
const N = 200_000;
const peer = (name: string) => fileURLToPath(new URL(`../peers/${name}`, import.meta.url));
const agentBin = fileURLToPath(new URL("../node_modules/ezq/dist/cli/ezq.js", import.meta.url));
const fmt = (value: number) => round(value).toLocaleString("en-US");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// A server of the bench's own.
const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), "ezq-bench-redis-"));
const redis = spawn(
  "redis-server",
  ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
  { stdio: "ignore" },
);
const url = `redis://127.0.0.1:${port}`;
process.env.EZQ_REDIS_URL = url;
process.env.EZQ_SECRET ??= randomBytes(32).toString("hex");
const admin = createClient({ url, RESP: 2 });
for (let i = 0; ; i++) {
  try {
    await admin.connect();
    break;
  } catch {
    if (i > 100) throw new Error("redis-server did not start");
    await sleep(50);
  }
}

function table(
  title: string,
  unit: string,
  rows: { name: string; median: number; runs: number[] }[],
  ratio?: (row: { median: number }) => string,
): void {
  console.log(`\n### ${title}\n`);
  console.log(`| contender | median ${unit} | ${ratio ? "ratio | " : ""}runs |`);
  console.log(`|---|---|${ratio ? "---|" : ""}---|`);
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${fmt(row.median)} |${ratio ? ` ${ratio(row)} |` : ""} ${row.runs.map(fmt).join(", ")} |`,
    );
  }
}

function forkReady(script: string, args: string[]): Promise<ChildProcess> {
  const child = fork(script, args, { execArgv: [], stdio: "inherit" });
  return new Promise((resolve) => child.once("message", () => resolve(child)));
}

console.log(`## npm run bench:redis: ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `\nezq ${version}, Node ${process.version}, redis-server on loopback without persistence; medians of ${RUNS} runs (3 for BullMQ), contenders alternating.`,
);

if (want(1)) {
  // 1. Throughput.
  const rawQueue: Contender = {
    name: "raw: pipelined XADD (1000 a batch) / XREADGROUP COUNT 1000 / XACK, 2 reader processes",
    async run() {
      const stream = unique("raw");
      await admin.sendCommand(["XGROUP", "CREATE", stream, "g", "0", "MKSTREAM"]);
      const readers = await Promise.all(
        [1, 2].map((i) => forkReady(peer("redis-raw-reader.mjs"), [url, stream, "g", `c${i}`])),
      );
      let read = 0;
      let done: () => void = () => {};
      const all = new Promise<void>((resolve) => {
        done = resolve;
      });
      for (const reader of readers)
        reader.on("message", (n) => {
          read += n as number;
          if (read >= N) done();
        });
      const ms = await timed(async () => {
        for (let b = 0; b < N; b += 1000) {
          const batch = admin.multi();
          for (let i = b; i < b + 1000; i++)
            batch.addCommand([
              "XADD",
              stream,
              "*",
              "m",
              JSON.stringify({ data: i, kind: "", order: 0 }),
            ]);
          await batch.execAsPipeline();
        }
        await all;
      });
      await Promise.all(
        readers.map((reader) => {
          reader.send("stop");
          return new Promise((resolve) => reader.once("exit", resolve));
        }),
      );
      await admin.sendCommand(["DEL", stream]);
      return (N / ms) * 1000;
    },
  };
  const ezqQueue: Contender = {
    name: "ezq: Q on Redis, put() in a loop, 2 run() readers with for await",
    async run() {
      const q = new Q<number>("redis", { name: unique("ezq") });
      const ready = new Q<number>("redis", { name: unique("ready") });
      const readers = [1, 2].map(() =>
        run(
          async (q: Q<number>, ready: Q<number>) => {
            await q.size(); // connected, as the raw readers are before timing
            ready.put(1);
            let n = 0;
            for await (const _ of q) n++;
            return n;
          },
          q,
          ready,
        ),
      );
      await ready.get();
      await ready.get();
      const ms = await timed(async () => {
        for (let i = 0; i < N; i++) q.put(i);
        await q.stop(readers);
      });
      return (N / ms) * 1000;
    },
  };
  const throughput = await compare([rawQueue, ezqQueue], RUNS);
  const raw = throughput[0] as Row;
  const ezq = throughput[1] as Row;
  table(
    `1. ${N.toLocaleString("en-US")} small messages, one producer, 2 process readers`,
    "messages/s",
    throughput,
    (row) => (row === raw ? "" : `${round(ezq.median / raw.median)}x raw`),
  );
}

if (want(2)) {
  // 2. Latency of one message.
  const K = 200;
  const rawLatency: Contender = {
    name: "raw: XADD -> reader blocked in XREADGROUP COUNT 1",
    async run() {
      const stream = unique("lat");
      await admin.sendCommand(["XGROUP", "CREATE", stream, "g", "0", "MKSTREAM"]);
      const reader = await forkReady(peer("redis-raw-latency.mjs"), [url, stream, "g", String(K)]);
      const result = new Promise<number>((resolve) =>
        reader.on("message", (m) => {
          if (typeof m === "object") resolve((m as { p50: number }).p50);
        }),
      );
      for (let i = 0; i < K; i++) {
        const next = new Promise((resolve) => reader.once("message", resolve));
        await admin.sendCommand([
          "XADD",
          stream,
          "*",
          "t",
          String(performance.timeOrigin + performance.now()),
        ]);
        await next;
        await sleep(5);
      }
      const p50 = await result;
      await admin.sendCommand(["DEL", stream]);
      return p50 * 1000;
    },
  };
  const ezqLatency: Contender = {
    name: "ezq: put() -> a run() reader in for await",
    async run() {
      const q = new Q<number>("redis", { name: unique("lat") });
      const acks = new Q<number>("redis", { name: unique("ack") });
      const reader = run(
        async (q: Q<number>, acks: Q<number>) => {
          const latencies: number[] = [];
          for await (const msg of q) {
            latencies.push(performance.timeOrigin + performance.now() - msg.data);
            acks.put(0);
          }
          latencies.sort((a, b) => a - b);
          return latencies[latencies.length >> 1] as number;
        },
        q,
        acks,
      );
      for (let i = 0; i < K; i++) {
        q.put(performance.timeOrigin + performance.now());
        await acks.get();
        await sleep(5);
      }
      await q.stop(reader);
      return (await reader.join()) * 1000;
    },
  };
  const latency = await compare([rawLatency, ezqLatency], RUNS);
  const rawLat = latency[0] as Row;
  table(
    `2. one message put, read in another process (${K} messages one at a time), p50`,
    "µs",
    latency,
    (row) => (row === rawLat ? "" : `${round(row.median / rawLat.median)}x raw`),
  );
}

// Agents for 3 and 4: two, one worker each (this machine has 2 cores).
const agents = [1, 2].map(() =>
  spawn(process.execPath, [agentBin, "worker", url, "--concurrency", "1"], {
    stdio: ["ignore", "ignore", "pipe"],
  }),
);
await Promise.all(
  agents.map(
    (agent) =>
      new Promise((resolve) =>
        agent.stderr?.on("data", (d: Buffer) => {
          if (/serving/.test(d.toString())) resolve(undefined);
        }),
      ),
  ),
);

if (want(3)) {
  // 3. Trivial items: ezq over agents vs BullMQ (best of its concurrencies).
  const ITEMS = 100_000;
  const BULL = 20_000;
  const inputs = Array.from({ length: ITEMS }, (_, i) => i);
  await map((x: number) => x * 2, inputs.slice(0, 1000), { cluster: true }); // agents warm
  const ezqMap: Contender = {
    name: "ezq: map(x => x * 2, 100,000 items, { cluster: true }), 2 agents x 1 worker",
    async run() {
      return (
        (ITEMS / (await timed(() => map((x: number) => x * 2, inputs, { cluster: true })))) * 1000
      );
    },
  };
  const bullmq = (concurrency: number): Contender => ({
    name: `BullMQ ${version ? "6.7" : ""}: 2 worker processes, concurrency ${concurrency}, addBulk, removeOnComplete (${BULL.toLocaleString("en-US")} jobs)`,
    async run() {
      const name = unique("bull");
      const workers = await Promise.all(
        [1, 2].map(() =>
          forkReady(peer("bullmq-worker.mjs"), [
            "127.0.0.1",
            String(port),
            name,
            String(concurrency),
          ]),
        ),
      );
      const queue = new Queue(name, { connection: { host: "127.0.0.1", port } });
      let done = 0;
      let finish: () => void = () => {};
      const all = new Promise<void>((resolve) => {
        finish = resolve;
      });
      for (const worker of workers)
        worker.on("message", (n) => {
          done += n as number;
          if (done >= BULL) finish();
        });
      const ms = await timed(async () => {
        for (let b = 0; b < BULL; b += 1000) {
          await queue.addBulk(
            Array.from({ length: 1000 }, (_, i) => ({
              name: "x",
              data: { x: b + i },
              opts: { removeOnComplete: true, removeOnFail: true },
            })),
          );
        }
        await all;
      });
      for (const worker of workers) worker.send("stop");
      await queue.obliterate({ force: true });
      await queue.close();
      return (BULL / ms) * 1000;
    },
  });
  const trivial = await compare([ezqMap, bullmq(1), bullmq(10), bullmq(50)], Math.min(RUNS, 3));
  const bestBull = Math.max(...trivial.slice(1).map((row) => row.median));
  table("3. map of trivial items over 2 agents vs BullMQ", "items/s", trivial, (row) =>
    row === trivial[0] ? `${round(row.median / bestBull)}x BullMQ's best` : "",
  );
}

if (want(4)) {
  // 4. CPU tasks of ~1 ms over the agents: speedup over serial here.
  const spin = calibrate();
  const cpuInputs = Array.from({ length: 2000 }, () => ({ spin }));
  // What "~1 ms" came to: the calibration runs on a machine that may be busy.
  const serials: number[] = [];
  /** serial ms / map ms for the same inputs, the map run with `options`. */
  const speedup = async (
    options: { cluster: true; num?: number } | { num: number },
    record?: number[],
  ) => {
    const serial = await timed(async () => cpuInputs.map(spinTask));
    record?.push(serial);
    const parallel = await timed(() =>
      map(
        (input: { spin: number }) => {
          let sum = 0;
          for (let i = 0; i < input.spin; i++) sum += Math.sqrt(i);
          return sum;
        },
        cpuInputs,
        options,
      ),
    );
    return serial / parallel;
  };
  const cpu = await compare(
    [
      {
        name: "ezq: map of 2,000 tasks of ~1 ms, { cluster: true }, 2 agents x 1 worker; serial ms / map ms",
        run: () => speedup({ cluster: true }, serials),
      },
      {
        name: "ezq: the same, told the agents' worker count: { cluster: true, num: 2 }",
        run: () => speedup({ cluster: true, num: 2 }),
      },
      {
        name: "for reference, what this machine gives now: local map, 2 threads; serial ms / map ms",
        run: () => speedup({ num: 2 }),
      },
    ],
    RUNS,
  );

  table("4. map of CPU tasks over 2 agents", "speedup over serial", cpu);
  console.log(
    `\nSerial time of the 2,000 tasks in the cluster runs: ${serials.map((ms) => Math.round(ms)).join(", ")} ms.`,
  );
}

// Agents finish what they hold and leave; then Redis may go.
await Promise.all(
  agents.map((agent) => {
    const gone = new Promise((resolve) => agent.once("exit", resolve));
    agent.kill("SIGTERM");
    return Promise.race([gone, sleep(10_000).then(() => agent.kill("SIGKILL"))]);
  }),
);

if (want(5)) {
  // 5. A dead reader's message comes back (default timings: beats every 500 ms, dead after 3 s).
  const back = await compare(
    [
      {
        name: "ezq: reader process SIGKILLed holding a message; seconds until a reader in this process has it",
        async run() {
          const q = new Q<number>("redis", { name: unique("dead") });
          const took = new Q<number>("redis", { name: unique("took") });
          q.put(1);
          const holder = run(
            async (q: Q<number>, took: Q<number>) => {
              await q.get();
              took.put(1);
              await took.size();
              await new Promise(() => {});
            },
            q,
            took,
          );
          await took.get();
          const killed = performance.now();
          process.kill(holder.pid as number, "SIGKILL");
          await holder.join().catch(() => {});
          await q.get();
          return (performance.now() - killed) / 1000;
        },
      },
    ],
    RUNS,
  );

  table("5. a dead reader's message back", "s", back);
}

await closePools();
admin.destroy();
redis.kill("SIGKILL");
rmSync(dir, { recursive: true, force: true });
process.exit(0);
