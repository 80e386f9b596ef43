/**
 * Raw floors for issue 11: what Node itself does with the same data, without ezq. A sink
 * (a bare thread, or a forked process over IPC) adds up what it receives and reports the
 * total on "end"; the pipe limit writes length-prefixed frames into an extra stdio pipe.
 */
import { type ChildProcess, fork, type SerializationType } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { Worker as ThreadWorker } from "node:worker_threads";
import type { Contender } from "../harness.js";
import { timed } from "../harness.js";
import { type Batch, mbPerSecond } from "./binary-data.js";

const peer = (name: string) => new URL(`../../peers/${name}`, import.meta.url);

/** A bare thread or process that sums what it is sent and answers "end" with the sum. */
interface Sink {
  post(message: unknown, handOver: boolean): void;
  /** The next number the sink answers. */
  reply(): Promise<number>;
  close(): Promise<void>;
}

async function threadSink(): Promise<Sink> {
  const worker = new ThreadWorker(peer("sink-thread.mjs"));
  await new Promise((resolve) => worker.once("message", resolve));
  return {
    post: (message, handOver) =>
      handOver
        ? worker.postMessage(message, [(message as Float64Array).buffer as ArrayBuffer])
        : worker.postMessage(message),
    reply: () => new Promise((resolve) => worker.once("message", resolve)),
    close: async () => void (await worker.terminate()),
  };
}

async function processSink(serialization: SerializationType): Promise<Sink> {
  const child = fork(fileURLToPath(peer("sink-process.mjs")), [], { serialization, execArgv: [] });
  await new Promise((resolve) => child.once("message", resolve));
  return {
    post: (message) => child.send(message as object),
    reply: () => new Promise((resolve) => child.once("message", (m) => resolve(m as number))),
    close: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill();
  return exited;
}

/** Sends a batch to a sink and waits for its total: MB/s. */
function sinkContender(
  name: string,
  open: () => Promise<Sink>,
  batch: () => Batch,
  handOver = false,
): Contender {
  let sink: Sink;
  return {
    name,
    async setup() {
      sink = await open();
    },
    async run() {
      const { messages, bytes, expected } = batch();
      let total = 0;
      const ms = await timed(async () => {
        const replied = sink.reply();
        for (const message of messages) sink.post(message, handOver);
        sink.post("end", false);
        total = await replied;
      });
      if (total !== expected)
        throw new Error(`${name}: the sink counted ${total}, not ${expected}`);
      return mbPerSecond(bytes, ms);
    },
    teardown: () => sink.close(),
  };
}

export const rawThreadClone = (batch: () => Batch) =>
  sinkContender("raw postMessage (structured clone)", threadSink, batch);

export const rawThreadTransfer = (batch: () => Batch) =>
  sinkContender("raw postMessage with transfer", threadSink, batch, true);

export const rawFork = (serialization: SerializationType, batch: () => Batch) =>
  sinkContender(
    `raw fork, serialization "${serialization}"`,
    () => processSink(serialization),
    batch,
  );

/**
 * The raw pipe limit: a forked child with an extra stdio pipe (fd 4) reads 8 MB frames,
 * each a 4-byte length and the array's own bytes (no copy on this side), and acks each
 * with one byte. Nothing a transport adds (encoding, framing objects) is paid here.
 */
export function pipeLimit(batch: () => Batch): Contender {
  let child: ChildProcess;
  let pipe: Socket;
  let acks = 0;
  let wake = () => {};
  return {
    name: "raw pipe limit (extra stdio pipe, 8 MB frames)",
    async setup() {
      child = fork(fileURLToPath(peer("pipe-sink.mjs")), [], {
        stdio: ["ignore", "inherit", "inherit", "ipc", "pipe"],
        execArgv: [],
      });
      pipe = child.stdio[4] as Socket;
      pipe.on("data", (chunk: Buffer) => {
        acks += chunk.length;
        wake();
      });
      await new Promise((resolve) => child.once("message", resolve));
    },
    async run() {
      const { messages, bytes } = batch();
      acks = 0;
      const ms = await timed(async () => {
        const done = new Promise<void>((resolve) => {
          wake = () => acks >= messages.length && resolve();
        });
        for (const message of messages as Float64Array[]) {
          const header = Buffer.alloc(4);
          header.writeUInt32LE(message.byteLength);
          pipe.cork();
          pipe.write(header);
          pipe.write(Buffer.from(message.buffer, message.byteOffset, message.byteLength));
          pipe.uncork();
        }
        await done;
      });
      return mbPerSecond(bytes, ms);
    },
    teardown: () => stop(child),
  };
}
