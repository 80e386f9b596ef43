/**
 * The one file every worker runs. It links to the parent, offers the worker API over
 * comlink (run one task, or run chunks of `map` items), turns queue arguments into
 * handles, and reports each task's value or error. It leaves when its parent lets it go
 * (see leave.ts); a child process whose parent is gone exits, even from a busy loop
 * (see watchdog.ts): no orphans.
 */
import { isMainThread, parentPort } from "node:worker_threads";
import { expose } from "comlink";
import "../index.js";
import { decode, encode } from "../codec/codec.js";
import { context } from "../context.js";
import { finishRemoteQueues } from "../queue/core.js";
import { QueueClient } from "../queue/remote.js";
import { redisSettled } from "../redis/backend.js";
import { Link } from "../transport/link.js";
import { parentProcessPort, parentThreadPort } from "../transport/port.js";
import { Channel, type ControlFrame } from "../transport/protocol.js";
import { rpcEndpoint } from "../transport/rpc.js";
import { explainScopeError, loadTask } from "./compile.js";
import { leave } from "./leave.js";
import { type ChunkOutcome, encodeThrown, type Outcome } from "./outcome.js";
import type { WorkerApi } from "./spawn.js";
import type { Task, TaskSpec } from "./task.js";
import { watchParent } from "./watchdog.js";

const inProcess = isMainThread;
const link = new Link(inProcess ? parentProcessPort() : parentThreadPort(parentPort as never));
context.role = inProcess ? "process" : "thread";
context.parent = new QueueClient(link);

link.on(Channel.control, (frame) => {
  if ((frame as ControlFrame)[0] === "exit") leave(link, 0);
});

if (inProcess) {
  // The parent is gone: nothing here may outlive it. A parent that died while this entry
  // was still loading closed the channel before anyone listened.
  link.onClose(() => leave(link, 0));
  if (!process.connected) process.exit(0);
  watchParent();
  // An error thrown outside any task (a timer, an unhandled rejection) ends the process as
  // Node would, with code 1, once the parent has been told why.
  process.on("uncaughtException", (error) => {
    link.send(Channel.control, ["fatal", encodeThrown(error).error] satisfies ControlFrame);
    leave(link, 1);
  });
}

const api: WorkerApi = {
  async run(
    spec: TaskSpec,
    args: string,
    env: Record<string, string | undefined>,
  ): Promise<Outcome> {
    try {
      adoptEnv(env);
      const task = await loadTask(spec);
      const value = await task(...(decode(args) as unknown[]));
      finishRemoteQueues();
      await redisSettled(); // this process may exit next: what went to Redis must be there
      return { ok: true, value: encode(value, "result") };
    } catch (thrown) {
      finishRemoteQueues();
      await redisSettled();
      return { ok: false, ...encodeThrown(explainScopeError(thrown, spec)) };
    }
    // One task per run() worker: the parent sends `exit` once the reply has arrived.
  },

  chunk(spec: TaskSpec, items: string): ChunkOutcome | Promise<ChunkOutcome> {
    let task: Task | Promise<Task>;
    try {
      task = loadTask(spec);
    } catch (thrown) {
      return failed(thrown, spec, 0, []);
    }
    if (task instanceof Promise) {
      return task.then(
        (loaded) => runChunk(loaded, spec, decode(items) as unknown[][]),
        (thrown) => failed(thrown, spec, 0, []),
      );
    }
    return runChunk(task, spec, decode(items) as unknown[][]);
  },
};

/**
 * Calls the task on each tuple from this synchronous function, going async only when the
 * task returns a promise: a hot loop inlined into an async function runs several times
 * slower on Node 20's V8.
 */
function runChunk(
  task: Task,
  spec: TaskSpec,
  items: unknown[][],
): ChunkOutcome | Promise<ChunkOutcome> {
  const started = performance.now();
  const values: unknown[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    let value: unknown;
    try {
      value = task(...(items[i] as unknown[]));
    } catch (thrown) {
      return failed(thrown, spec, i, values.slice(0, i));
    }
    if (isThenable(value)) return finishAsync(task, spec, items, values, i, value, started);
    values[i] = value;
  }
  return succeeded(values, started);
}

async function finishAsync(
  task: Task,
  spec: TaskSpec,
  items: unknown[][],
  values: unknown[],
  from: number,
  first: PromiseLike<unknown>,
  started: number,
): Promise<ChunkOutcome> {
  for (let i = from; i < items.length; i++) {
    try {
      values[i] = await (i === from ? first : task(...(items[i] as unknown[])));
    } catch (thrown) {
      return failed(thrown, spec, i, values.slice(0, i));
    }
  }
  return succeeded(values, started);
}

function succeeded(values: unknown[], started: number): ChunkOutcome {
  finishRemoteQueues();
  try {
    return { ok: true, values: encode(values, "result"), ms: performance.now() - started };
  } catch (thrown) {
    return { ok: false, values: encode([]), index: 0, ...encodeThrown(thrown) };
  }
}

function failed(thrown: unknown, spec: TaskSpec, index: number, values: unknown[]): ChunkOutcome {
  finishRemoteQueues();
  let done: string;
  try {
    done = encode(values, "result");
  } catch {
    done = encode([]);
    index = 0;
  }
  return { ok: false, values: done, index, ...encodeThrown(explainScopeError(thrown, spec)) };
}

/** Makes this worker's `process.env` the caller's, as a worker started now would have it. */
function adoptEnv(env: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && process.env[key] !== value) process.env[key] = value;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

expose(api, rpcEndpoint(link, { oneCallPerTurn: true }));
