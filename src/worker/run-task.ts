/** A `run`/`runThread` worker's one task: from its spec and encoded arguments to its encoded value. */
import { isMainThread } from "node:worker_threads";
import { AS_DATA, decode, encode, SHARED_DATA } from "../codec/codec.js";
import { routes } from "../queue/routes.js";
import { redisSettled } from "../redis/backend.js";
import type { Payload } from "../transport/protocol.js";
import { type Env, withBytes } from "./api.js";
import { explainScopeError, loadTask } from "./compile.js";
import type { TaskSpec } from "./task.js";

/**
 * Runs the task and resolves with its encoded value; rejects with its error. Either way,
 * what the task read from queues is settled first, so the acks travel ahead of the reply.
 */
export async function runTask(
  spec: TaskSpec,
  args: Payload,
  env: Env | undefined,
): Promise<Payload> {
  try {
    if (env) adoptEnv(env);
    const task = await loadTask(spec);
    const value = encode(await task(...(decode(args) as unknown[])), "result", RESULT_CONTEXT);
    return withBytes(value, value, true);
  } catch (thrown) {
    throw explainScopeError(thrown, spec);
  } finally {
    routes.finishRemoteReads();
    // This process may exit once its reply is in: what went to Redis must be there first.
    await redisSettled();
  }
}

/** A thread's results stay in this process: shared memory may go shared. A process's cannot. */
export const RESULT_CONTEXT = isMainThread ? AS_DATA : SHARED_DATA;

/** Makes this worker's `process.env` the caller's, as a worker started now would have it. */
function adoptEnv(env: Env): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && process.env[key] !== value) process.env[key] = value;
  }
}
