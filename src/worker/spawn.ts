/**
 * Starting a child context (a worker thread or a child process) that runs ezq's worker
 * entry, and connecting it: a link, a comlink proxy to its API, and a queue server for
 * the requests it makes. When ezq itself runs from TypeScript source (under vitest or
 * tsx), the entry is a `.ts` file: threads load it through a tiny bootstrap that
 * registers tsx first, and processes get `--import tsx`.
 */
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker as ThreadWorker } from "node:worker_threads";
import { type Remote, wrap } from "comlink";
import { decode } from "../codec/codec.js";
import type { ContextName } from "../constants.js";
import { ArgumentRangeError } from "../errors.js";
import { FROM_SOURCE, WORKER_ENTRY } from "../paths.js";
import { knownQueue } from "../queue/core.js";
import { serveQueues } from "../queue/server.js";
import { Link } from "../transport/link.js";
import { processPort, threadPort } from "../transport/port.js";
import { Channel, type ControlFrame } from "../transport/protocol.js";
import { rpcEndpoint } from "../transport/rpc.js";
import type { WorkerOptions } from "./options.js";
import type { ChunkOutcome, Outcome } from "./outcome.js";
import type { TaskSpec } from "./task.js";

/** What a worker entry offers its parent, over comlink. */
export interface WorkerApi {
  /**
   * Runs one task to its end (a `run`/`runThread` worker), then the worker exits. `env`
   * is the caller's `process.env` now: a thread started ahead of time takes it on.
   */
  run(spec: TaskSpec, args: string, env: Record<string, string | undefined>): Promise<Outcome>;
  /** Applies a task to a chunk of argument tuples (a `map` pool worker). */
  chunk(spec: TaskSpec, items: string): ChunkOutcome | Promise<ChunkOutcome>;
}

/** How a child ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** An error the child reported or raised outside any task, if any. */
  error?: unknown;
}

/** A started child context. */
export interface Child {
  readonly kind: ContextName;
  readonly label: string;
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  readonly link: Link;
  readonly api: Remote<WorkerApi>;
  /** Settles when the child is gone. */
  readonly exited: Promise<ExitInfo>;
  isAlive(): boolean;
  /** True once this side stopped the child (`kill`), so its end is no failure of its own. */
  readonly stopped: boolean;
  /** Stops the child now. */
  kill(): Promise<void>;
  /**
   * Lets the child go: it exits once what it sent has left and its output is flushed.
   * One that is still alive after `graceMs` is stopped.
   */
  close(graceMs: number): Promise<void>;
}

const ENTRY = WORKER_ENTRY;
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
  const settings = {
    ...(env && { env }),
    ...(execArgv && { execArgv: [...process.execArgv, ...execArgv] }),
    ...(resourceLimits && { resourceLimits }),
    ...(name && { name }),
  };
  let worker: ThreadWorker;
  try {
    worker = FROM_SOURCE
      ? new ThreadWorker(tsxBootstrap(), { ...settings, eval: true })
      : new ThreadWorker(ENTRY, settings);
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
  return connect("thread", label("thread", name, worker.threadId), threadPort(worker), exited, {
    pid: undefined,
    threadId: worker.threadId,
    kill: async () => {
      await worker.terminate();
      await exited;
    },
  });
}

function spawnProcess({ env, execArgv = [], name }: Readonly<WorkerOptions>): Child {
  // Loaded on first use: a worker that never forks should not pay for child_process.
  const { fork } = require("node:child_process") as typeof import("node:child_process");
  const child: ChildProcess = fork(fileURLToPath(ENTRY), [], {
    execArgv: [...childExecArgv(), ...execArgv],
    ...(env && { env }),
    serialization: "json",
    stdio: "inherit",
  });
  let error: unknown;
  child.on("error", (e) => {
    error ??= e;
  });
  // "exit" can come before the last IPC messages are read; wait for the channel to close too.
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      const done = () => afterMessages(() => resolve({ code, signal, error }));
      if (child.connected) child.once("disconnect", done);
      else done();
    });
  });
  const result = connect("process", label("process", name, child.pid), processPort(child), exited, {
    pid: child.pid,
    threadId: undefined,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  });
  result.link.on(Channel.control, (frame) => {
    const [type, text] = frame as ControlFrame;
    if (type === "fatal") error ??= decode(text as string);
  });
  return result;
}

function connect(
  kind: ContextName,
  label: string,
  port: ReturnType<typeof threadPort>,
  exited: Promise<ExitInfo>,
  parts: Pick<Child, "pid" | "threadId" | "kill">,
): Child {
  const link = new Link(port);
  serveQueues(link, { label, tracked: true }, (qid) => knownQueue(qid)?.backend);
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  let stopped = false;
  const kill = () => {
    stopped = true;
    return parts.kill();
  };
  const close = async (graceMs: number) => {
    link.send(Channel.control, ["exit"] satisfies ControlFrame);
    link.flush();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([exited, grace]);
    clearTimeout(timer);
    if (alive) await kill();
  };
  return {
    kind,
    label,
    link,
    api: wrap<WorkerApi>(rpcEndpoint(link)),
    exited,
    isAlive: () => alive,
    get stopped() {
      return stopped;
    },
    close,
    ...parts,
    kill,
  };
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

/** Flags a child process inherits, minus those that would make it run something else. */
function childExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (
      ["-e", "-p", "--eval", "--print", "-r", "--require", "--import", "--loader"].includes(arg)
    ) {
      const next = argv[++i] as string;
      // Loaders (tsx among them) are kept; code to evaluate is not.
      if (["-r", "--require", "--import", "--loader"].includes(arg)) out.push(arg, next);
      continue;
    }
    if (/^--(input-type|eval|print|inspect|debug|test|watch)/.test(arg)) continue;
    out.push(arg);
  }
  if (FROM_SOURCE && !out.some((arg) => arg.includes("tsx"))) {
    out.push("--import", require.resolve("tsx"));
  }
  return out;
}

/** Threads cannot load a `.ts` entry on Node 20: register tsx in the thread, then import it. */
function tsxBootstrap(): string {
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(ENTRY.href);
  return `import(${api}).then((m) => { (m.register ?? m.default.register)(); return import(${entry}); });`;
}
