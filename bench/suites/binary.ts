/**
 * Issue 11's comparisons, table by table: each lists its contenders and which ratios
 * to report (ezq against the raw floor or piscina, in the same run). Raw rows come first.
 */
import { NUM_CPUS } from "ezq";
import type { Contender } from "../harness.js";
import { ARRAYS, arrayBatch, GRAPHS, graphBatch } from "./binary-data.js";
import * as maps from "./binary-map.js";
import { handOverLabel, move } from "./binary-move.js";
import { queue } from "./binary-queue.js";
import { pipeLimit, rawFork, rawThreadClone, rawThreadTransfer } from "./binary-raw.js";

/** "`of` is N x `to`" (MB/s, higher is better), shown as "N x `label`". */
export interface Versus {
  of: Contender;
  to: Contender;
  label: string;
}

export interface BinaryTable {
  title: string;
  /** File name of the table's chart, in bench/charts. */
  chart: string;
  contenders: Contender[];
  versus: Versus[];
}

const copied = () => arrayBatch(false);
const fresh = () => arrayBatch(true);
const arrays = `${ARRAYS} Float64Arrays of 8 MB`;
const graphs = `${GRAPHS} object graphs of 1.5 MB (20,000 small objects each)`;

function threadCopied(): BinaryTable {
  const raw = rawThreadClone(copied);
  const ezq = queue('ezq Q("thread"), runThread reader', "thread", copied);
  return {
    title: `Q to a thread, ${arrays}, copied`,
    chart: "binary-q-thread-copied",
    contenders: [raw, ezq],
    versus: [{ of: ezq, to: raw, label: "raw clone" }],
  };
}

function threadHandedOver(): BinaryTable {
  const raw = rawThreadTransfer(fresh);
  const ezq = queue(`ezq Q("thread"), runThread reader, ${handOverLabel}`, "thread", fresh, move);
  return {
    title: `Q to a thread, ${arrays}, handed over`,
    chart: "binary-q-thread-moved",
    contenders: [raw, ezq],
    versus: [{ of: ezq, to: raw, label: "raw transfer" }],
  };
}

function processArrays(): BinaryTable {
  const advanced = rawFork("advanced", copied);
  const pipe = pipeLimit(copied);
  const ezq = queue("ezq Q(), run reader", "process", copied);
  return {
    title: `Q to a process, ${arrays}`,
    chart: "binary-q-process",
    contenders: [advanced, pipe, ezq],
    versus: [
      { of: pipe, to: advanced, label: "fork advanced" },
      { of: ezq, to: advanced, label: "fork advanced" },
      { of: ezq, to: pipe, label: "pipe limit" },
    ],
  };
}

function mapArrays(): BinaryTable {
  const [piscinaCopied, ezqCopied, piscinaMoved, ezqMoved] = maps.contenders(copied, fresh) as [
    Contender,
    Contender,
    Contender,
    Contender,
  ];
  return {
    title: `map over ${arrays}, threads (each task returns its array's byteLength)`,
    chart: "binary-map-threads",
    contenders: [piscinaCopied, ezqCopied, piscinaMoved, ezqMoved],
    versus: [
      { of: ezqCopied, to: piscinaCopied, label: "piscina copied" },
      { of: ezqMoved, to: piscinaMoved, label: "piscina with move" },
    ],
  };
}

function threadGraphs(): BinaryTable {
  const raw = rawThreadClone(graphBatch);
  const ezq = queue('ezq Q("thread"), runThread reader', "thread", graphBatch);
  return {
    title: `Q to a thread, ${graphs}`,
    chart: "binary-graphs-thread",
    contenders: [raw, ezq],
    versus: [{ of: ezq, to: raw, label: "raw postMessage" }],
  };
}

function processGraphs(): BinaryTable {
  const json = rawFork("json", graphBatch);
  const advanced = rawFork("advanced", graphBatch);
  const ezq = queue("ezq Q(), run reader", "process", graphBatch);
  return {
    title: `Q to a process, ${graphs}`,
    chart: "binary-graphs-process",
    contenders: [json, advanced, ezq],
    versus: [
      { of: ezq, to: json, label: "fork json" },
      { of: ezq, to: advanced, label: "fork advanced" },
    ],
  };
}

/** Every table, made when its turn comes (so only one table's workers run at a time). */
export const tables: (() => BinaryTable)[] = [
  threadCopied,
  threadHandedOver,
  processArrays,
  mapArrays,
  threadGraphs,
  processGraphs,
];

/** For the run's header: the readers and pools of these tables are one reader or NUM_CPUS. */
export const note = `One reader per queue; map and piscina on ${NUM_CPUS} threads. MB = 2^20 bytes; each figure is MB/s, until the reader (or map) has every message counted.`;
