/**
 * Targets 4 and 5: small messages from the main thread to NUM_CPUS readers, through a
 * `Q`, against the raw one-way floor (`postMessage` to threads, `process.send` with JSON
 * to processes). Figure: messages per second, until every reader has counted its share.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker as ThreadWorker } from "node:worker_threads";
import { NUM_CPUS, Q, run, runThread } from "ezq";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";

export const N = 200_000;
const rate = (ms: number) => (N / ms) * 1000;
const peer = (name: string) => new URL(`../../peers/${name}`, import.meta.url);

/** A small message, as in DESIGN.md: `{ data, kind, order }`. */
const message = (i: number) => ({ data: i, kind: "", order: i });

interface RawReader {
  post(message: unknown): void;
  result: Promise<number>;
}

async function rawFloor(kind: "thread" | "process"): Promise<number> {
  const readers: RawReader[] = await Promise.all(
    Array.from({ length: NUM_CPUS }, async () => {
      if (kind === "thread") {
        const worker = new ThreadWorker(peer("echo-thread.mjs"));
        await new Promise((resolve) => worker.once("message", resolve));
        const result = new Promise<number>((resolve) => worker.once("message", resolve));
        return { post: (m: unknown) => worker.postMessage(m), result };
      }
      const child = fork(fileURLToPath(peer("echo-process.mjs")), [], {
        serialization: "json",
        execArgv: [],
      });
      await new Promise((resolve) => child.once("message", resolve));
      const result = new Promise<number>((resolve) =>
        child.once("message", (m) => resolve(m as number)),
      );
      return { post: (m: unknown) => child.send(m as object), result };
    }),
  );
  return rate(
    await timed(async () => {
      for (let i = 0; i < N; i++) (readers[i % NUM_CPUS] as RawReader).post(message(i));
      for (const reader of readers) reader.post("end");
      const counts = await Promise.all(readers.map((reader) => reader.result));
      if (counts.reduce((a, b) => a + b, 0) !== N) throw new Error("raw floor lost messages");
    }),
  );
}

async function ezqQueue(kind: "thread" | "process"): Promise<number> {
  const q = new Q<number>(kind);
  const start = kind === "thread" ? runThread : run;
  const counted = new Q<number>();
  const readers = Array.from({ length: NUM_CPUS }, () =>
    start(
      async (q: Q<number>, counted: Q<number>) => {
        counted.put(0); // started and listening
        let n = 0;
        for await (const _ of q) n++;
        return n;
      },
      q,
      counted,
    ),
  );
  for (let i = 0; i < NUM_CPUS; i++) await counted.get();
  return rate(
    await timed(async () => {
      for (let i = 0; i < N; i++) q.put(i, { order: i });
      const counts = await q.stop(readers).then(() => Promise.all(readers.map((r) => r.join())));
      if (counts.reduce((a, b) => a + b, 0) !== N) throw new Error("ezq lost messages");
    }),
  );
}

export function contenders(kind: "thread" | "process"): Contender[] {
  const floor = kind === "thread" ? "raw postMessage" : "raw process.send (json)";
  return [
    { name: `${floor}, ${NUM_CPUS} readers`, run: () => rawFloor(kind) },
    { name: `ezq Q("${kind}"), ${NUM_CPUS} ${kind} readers`, run: () => ezqQueue(kind) },
  ];
}
