/**
 * Starting a child context (a worker thread or a child process) that runs ezq's worker
 * entry, and keeping track of the children of this context that are alive.
 */
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { MessageChannel, Worker as ThreadWorker } from "node:worker_threads";
import { decode } from "../codec/codec.js";
import type { ContextName } from "../constants.js";
import { ArgumentRangeError } from "../errors.js";
import { FROM_SOURCE, WORKER_ENTRY } from "../paths.js";
import { closeLanes, openLanes } from "../transport/file-lane.js";
import { LINK_PORT, processPort, threadPort } from "../transport/port.js";
import { Channel, type ControlFrame, type Payload } from "../transport/protocol.js";
import { Child, type ExitInfo } from "./child.js";
import { childExecArgv, tsxBootstrap } from "./node-flags.js";
import type { WorkerOptions } from "./options.js";

const require = createRequire(import.meta.url);
/** The children of this context that are still alive. */
const live = new Set<Child>();

/** Starts a worker thread or child process running the worker entry. */
export function spawnChild(kind: ContextName, options: Readonly<WorkerOptions> = {}): Child {
  const child = kind === "thread" ? spawnThread(options) : spawnProcess(options);
  live.add(child);
  void child.exited.then(() => live.delete(child));
  return child;
}

/**
 * Stops every child this context started, and waits until each is gone: a worker that
 * leaves takes its own workers with it, and a thread that ends must reap the processes it
 * forked (nothing else will).
 */
export async function closeChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.kill()));
}

function spawnThread({ env, execArgv, resourceLimits, name }: Readonly<WorkerOptions>): Child {
  const channel = new MessageChannel();
  const settings = {
    ...(env && { env }),
    ...(execArgv && { execArgv: [...process.execArgv, ...execArgv] }),
    ...(resourceLimits && { resourceLimits }),
    ...(name && { name }),
    // The link's own channel (see threadPort): the entry finds its end in workerData.
    workerData: { [LINK_PORT]: channel.port2 },
    transferList: [channel.port2],
  };
  let worker: ThreadWorker;
  try {
    worker = FROM_SOURCE
      ? new ThreadWorker(tsxBootstrap(), { ...settings, eval: true })
      : new ThreadWorker(WORKER_ENTRY, settings);
  } catch (error) {
    throw explainThreadError(error);
  }
  let error: unknown;
  worker.on("error", (e) => {
    error ??= e;
  });
  const exited = new Promise<ExitInfo>((resolve) => {
    worker.once("exit", (code) => afterMessages(() => resolve({ code, signal: null, error })));
  });
  const stop = async () => {
    await worker.terminate();
    await exited;
  };
  const { threadId } = worker;
  return new Child("thread", label("thread", name, threadId), threadPort(worker, channel.port1), {
    pid: undefined,
    threadId,
    exited,
    stop,
  });
}

function spawnProcess({ env, execArgv = [], name }: Readonly<WorkerOptions>): Child {
  // Loaded on first use: a worker that never forks should not pay for child_process.
  const { fork } = require("node:child_process") as typeof import("node:child_process");
  const lanes = openLanes();
  let forked: ChildProcess;
  try {
    forked = fork(fileURLToPath(WORKER_ENTRY), [], {
      execArgv: [...childExecArgv(), ...execArgv],
      ...(env && { env }),
      serialization: "json",
      // fd 4: the byte pipe (transport/byte-pipe.ts), beside the IPC channel; 5 and 6: the
      // bulk lanes down and up (transport/file-lane.ts), where there is shared memory.
      stdio: [
        "inherit",
        "inherit",
        "inherit",
        "ipc",
        "pipe",
        ...(lanes ? [lanes.down, lanes.up] : []),
      ],
    });
  } catch (error) {
    if (lanes) closeLanes(lanes);
    throw error;
  }
  const fault: { error?: unknown } = {};
  forked.on("error", (e) => {
    fault.error ??= e;
  });
  const exited = processExit(forked, fault);
  const stop = async () => {
    if (forked.exitCode === null && forked.signalCode === null) forked.kill("SIGKILL");
    await exited;
  };
  const { pid } = forked;
  const child = new Child("process", label("process", name, pid), processPort(forked, lanes), {
    pid,
    threadId: undefined,
    exited,
    stop,
  });
  // An error the child raised outside any task, reported before it exits.
  child.link.on(Channel.control, (frame) => {
    const [type, text] = frame as ControlFrame;
    if (type === "fatal") fault.error ??= decode(text as Payload);
  });
  return child;
}

/** How a child process ended. "exit" can come before its last IPC messages are read: wait for the channel to close too. */
function processExit(child: ChildProcess, fault: { error?: unknown }): Promise<ExitInfo> {
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      const done = () => afterMessages(() => resolve({ code, signal, error: fault.error }));
      if (child.connected) child.once("disconnect", done);
      else done();
    });
  });
}

/** Node's refusal of a thread's flags, said in ezq's terms: what was wrong and what to do. */
function explainThreadError(error: unknown): unknown {
  if ((error as { code?: string }).code !== "ERR_WORKER_INVALID_EXEC_ARGV") return error;
  const flags = (error as Error).message.replace(/^[^:]*:\s*/, "");
  return new ArgumentRangeError(
    `worker option execArgv has flags a thread cannot take (${flags}): threads share their ` +
      "process's V8 flags; use resourceLimits for a thread's heap, or a process worker " +
      '(run, or map with kind: "process") for other flags',
    { cause: error },
  );
}

/** How errors name a worker: `thread worker 3`, `process worker "resizer" (pid 123)`. */
function label(kind: ContextName, name: string | undefined, id: number | undefined): string {
  const idText = kind === "thread" ? `${id}` : `pid ${id}`;
  return name ? `${kind} worker ${JSON.stringify(name)} (${idText})` : `${kind} worker ${id}`;
}

/**
 * A child's last messages and its exit can arrive in the same turn of the event loop;
 * report the exit only after those messages (and the promise chains they settle) ran,
 * so a reply is never mistaken for missing.
 */
function afterMessages(report: () => void): void {
  setImmediate(report);
}
