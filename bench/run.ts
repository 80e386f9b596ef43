/**
 * `npm run bench`: every comparison of issues 4 and 11, side by side in one run,
 * contenders alternating, medians of RUNS runs. Prints Markdown tables for BENCHMARKS.md
 * and writes a chart of each ratio table into bench/charts.
 *
 * Arguments name the groups to run (`npm run bench -- binary`); none runs them all.
 * `BENCH_TABLES=binary-q-thread,binary-map` runs only the binary tables whose chart name
 * starts with one of those (for work on one path; BENCHMARKS.md quotes whole runs).
 */
import { availableParallelism, cpus } from "node:os";
import { NUM_CPUS, version } from "ezq";
import { calibrate } from "./calibrate.js";
import { compare, type Row, round } from "./harness.js";
import { median } from "./median.js";
import { type Ratio, table } from "./report.js";
import * as binary from "./suites/binary.js";
import { fairness } from "./suites/fairness.js";
import * as cpu from "./suites/map-cpu.js";
import * as trivial from "./suites/map-trivial.js";
import * as queues from "./suites/queues.js";
import * as startup from "./suites/startup.js";
import * as summer from "./suites/summer.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GROUPS = ["trivial", "cpu", "queues", "startup", "fairness", "summer", "binary"];
const only = process.argv.slice(2);
const unknown = only.filter((group) => !GROUPS.includes(group));
if (unknown.length) throw new Error(`unknown groups ${unknown}; choose from ${GROUPS}`);
const wanted = (group: string) => only.length === 0 || only.includes(group);

/** "ezq is N x this row" for rate figures, where higher is better. */
const timesFaster =
  (ezq: Row) =>
  (row: Row): Ratio[] => {
    if (row === ezq) return [];
    const value = ezq.median / row.median;
    return [{ value, text: `ezq ${round(value)}x`, bar: `ezq ÷ ${row.name}` }];
  };

/** "this row is N x `to`" for rate figures. */
const times = (row: Row, to: Row, label: string): Ratio => {
  const value = row.median / to.median;
  return { value, text: `${round(value)}x ${label}`, bar: `${row.name} ÷ ${to.name}` };
};

console.log(`## npm run bench: ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `\nezq ${version}, Node ${process.version}, ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} CPUs; ` +
    `medians of ${RUNS} runs, contenders alternating.`,
);

if (wanted("trivial"))
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
      {
        file: `map-trivial-${kind}`,
        caption: "ezq map's tasks/s ÷ each peer's (right of 1x: ezq faster)",
      },
    );
  }

if (wanted("cpu")) {
  const spin = calibrate();
  table(
    `3. map of 2,000 CPU tasks of ~1 ms (${spin.toLocaleString("en-US")} square roots each), speedup over serial`,
    "speedup",
    await compare(cpu.contenders(spin), RUNS),
    // The figure is already a ratio: the chart shows it, the table needs no extra column.
    (row) => [{ value: row.median, text: "" }],
    { file: "map-cpu", caption: "serial time ÷ parallel time, 2 cores (the ceiling is 2x)" },
  );
}

if (wanted("queues"))
  for (const kind of ["thread", "process"] as const) {
    const rows = await compare(queues.contenders(kind), RUNS);
    const raw = rows[0] as Row;
    table(
      `${kind === "thread" ? 4 : 5}. ${queues.N.toLocaleString("en-US")} small messages from the main thread to ${NUM_CPUS} ${kind} readers`,
      "messages/s",
      rows,
      (row) => (row === raw ? [] : [times(row, raw, "raw")]),
      {
        file: `q-small-${kind}`,
        caption: "ezq Q's messages/s ÷ raw one-way messages/s (right of 1x: ezq faster)",
      },
    );
  }

if (wanted("startup")) {
  const starts = await compare(startup.contenders(), Math.max(RUNS, 9));
  table(
    "6. worker start, until the task runs (ms; the first ezq run of each kind is cold)",
    "ms",
    starts,
    (row) => {
      const i = starts.indexOf(row);
      if (i % 2 === 0) return [];
      const bare = starts[i - 1] as Row;
      const value = row.median / bare.median;
      return [{ value, text: `${round(value)}x bare`, bar: `${row.name} ÷ ${bare.name}` }];
    },
    {
      file: "worker-start",
      caption: "ezq's start time ÷ a bare worker's (left of 1x: ezq starts sooner)",
      better: "lower",
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

if (wanted("summer"))
  table(
    "8. Python ezq's patterns (Python on this machine, DESIGN.md: summer 35 k/s with processes, 200-250 k/s with threads; map of 100,000 with threads 100-142 s)",
    "",
    await compare(summer.contenders(), RUNS),
  );

if (wanted("binary")) {
  console.log(`\n${binary.note}`);
  const only = process.env.BENCH_TABLES?.split(",");
  for (const [i, make] of binary.tables.entries()) {
    const { title, chart, contenders, versus } = make();
    if (only && !only.some((prefix) => chart.startsWith(prefix))) continue;
    const rows = await compare(contenders, RUNS);
    const rowOf = (contender: (typeof contenders)[number]) =>
      rows[contenders.indexOf(contender)] as Row;
    table(
      `${9 + i}. ${title}`,
      "MB/s",
      rows,
      (row) =>
        versus.filter((v) => rowOf(v.of) === row).map((v) => times(row, rowOf(v.to), v.label)),
      { file: chart, caption: "MB/s ÷ MB/s, same run (right of 1x: the first is faster)" },
    );
  }
}
