/**
 * `npm run bench`: every comparison of issue 4, side by side in one run, contenders
 * alternating, medians of RUNS runs. Prints Markdown tables for BENCHMARKS.md.
 */
import { availableParallelism, cpus } from "node:os";
import { NUM_CPUS, version } from "ezq";
import { calibrate } from "./calibrate.js";
import { compare, type Row, round } from "./harness.js";
import { median } from "./median.js";
import { fairness } from "./suites/fairness.js";
import * as cpu from "./suites/map-cpu.js";
import * as trivial from "./suites/map-trivial.js";
import * as queues from "./suites/queues.js";
import * as startup from "./suites/startup.js";
import * as summer from "./suites/summer.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** `BENCH_SUITES=map-trivial,map-cpu npm run bench` runs only those suites; all by default. */
const SUITES = process.env.BENCH_SUITES?.split(",");
const wanted = (suite: string) => !SUITES || SUITES.includes(suite);
const fmt = (value: number) => round(value).toLocaleString("en-US");

function table(title: string, unit: string, rows: Row[], ratioTo?: (row: Row) => string): void {
  console.log(`\n### ${title}\n`);
  console.log(`| contender | median ${unit} | ${ratioTo ? "ratio | " : ""}runs |`);
  console.log(`|---|---|${ratioTo ? "---|" : ""}---|`);
  for (const row of rows) {
    const ratio = ratioTo ? ` ${ratioTo(row)} |` : "";
    console.log(`| ${row.name} | ${fmt(row.median)} |${ratio} ${row.runs.map(fmt).join(", ")} |`);
  }
}

/** "ezq is N x this row" for rate figures, where higher is better. */
const timesFaster = (ezq: Row) => (row: Row) =>
  row === ezq ? "" : `ezq ${round(ezq.median / row.median)}x`;

console.log(`## npm run bench: ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `\nezq ${version}, Node ${process.version}, ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} CPUs; ` +
    `medians of ${RUNS} runs, contenders alternating.`,
);

if (wanted("map-trivial")) {
  for (const [n, kind, contenders] of [
    [1, "threads", trivial.threads()],
    [2, "processes", trivial.processes()],
  ] as const) {
    const rows = await compare(contenders, RUNS);
    table(
      `${n}. map of 100,000 trivial tasks, ${kind}`,
      "tasks/s",
      rows,
      timesFaster(rows[0] as Row),
    );
  }
}

if (wanted("map-cpu")) {
  const spin = calibrate();
  table(
    `3. map of 2,000 CPU tasks of ~1 ms (${spin.toLocaleString("en-US")} square roots each), speedup over serial`,
    "speedup",
    await compare(cpu.contenders(spin), RUNS),
  );
}

if (wanted("queues")) {
  for (const kind of ["thread", "process"] as const) {
    const rows = await compare(queues.contenders(kind), RUNS);
    const raw = rows[0] as Row;
    table(
      `${kind === "thread" ? 4 : 5}. ${queues.N.toLocaleString("en-US")} small messages from the main thread to ${NUM_CPUS} ${kind} readers`,
      "messages/s",
      rows,
      (row) => (row === raw ? "" : `${round(row.median / raw.median)}x raw`),
    );
  }
}

if (wanted("startup")) {
  const starts = await compare(startup.contenders(), Math.max(RUNS, 9));
  table(
    "6. worker start, until the task runs (ms; the first ezq run of each kind is cold)",
    "ms",
    starts,
    (row) => {
      const i = starts.indexOf(row);
      return i % 2 === 1 ? `${round(row.median / (starts[i - 1] as Row).median)}x bare` : "";
    },
  );
  table(
    "6b. one item through map on a warm pool",
    "ms",
    await compare(startup.warmMap(), Math.max(RUNS, 9)),
  );
}

if (wanted("fairness")) {
  console.log(
    "\n### 7. fairness: 400 messages of 5 ms, 4 thread readers (each should get 100 ± 25)\n",
  );
  const shares: number[][] = [];
  for (let i = 0; i < RUNS; i++) shares.push(await fairness());
  for (const share of shares) console.log(`- ${share.join(", ")}`);
  const worst = Math.max(...shares.flat().map((n) => Math.abs(n - 100)));
  console.log(
    `\nlargest distance from 100: ${worst}; median of each run's spread: ${median(shares.map((s) => Math.max(...s) - Math.min(...s)))}`,
  );
}

if (wanted("summer")) {
  table(
    "8. Python ezq's patterns (Python on this machine, DESIGN.md: summer 35 k/s with processes, 200-250 k/s with threads; map of 100,000 with threads 100-142 s)",
    "",
    await compare(summer.contenders(), RUNS),
  );
}
