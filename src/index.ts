/**
 * ezq: simple queues that connect workers (child processes and worker threads), and a
 * `map` over a warm pool, for using every CPU from Node. A TypeScript port of the
 * Python library ezq.
 *
 * @packageDocumentation
 */
import "./queue/codec-types.js";

export { type Movable, move } from "./codec/bytes.js";
export {
  CONTEXT_NAMES,
  type ContextName,
  IS_MACOS,
  NUM_CPUS,
  NUM_THREADS,
  version,
} from "./constants.js";
export {
  ArgumentRangeError,
  ArgumentTypeError,
  ClusterRefusedError,
  DataCloneError,
  ERROR_CODES,
  type ErrorCode,
  EzqError,
  MapConsumedError,
  QueueFullError,
  QueueStarvedError,
  QueueUnreachableError,
  SecretError,
  TaskScopeError,
  TaskSourceError,
  ThrownValueError,
  WorkerDeathsError,
  WorkerExitError,
  WorkersFailedError,
  WorkerTerminatedError,
} from "./errors.js";
export { END_MSG, Msg, type MsgOptions } from "./msg.js";
export { type IterablesFor, map } from "./pool/map.js";
export { DEFAULT_IDLE_TIMEOUT, type MapOptions, type MapProgress } from "./pool/map-options.js";
export { MapResult } from "./pool/map-result.js";
export type { PoolStats } from "./pool/pool.js";
export { closePools, poolStats } from "./pool/pools.js";
export type { Joinable } from "./queue/joinable.js";
export { type ItemsOptions, Q, type QueueKind, type QueueOptions } from "./queue/q.js";
export type { RedisQueueOptions } from "./queue/redis-core.js";
export type { CancelOptions } from "./worker/cancel.js";
export type { WorkerOptions } from "./worker/options.js";
export { fromModule, type Task } from "./worker/task.js";
export {
  run,
  runThread,
  type StartOptions,
  Worker,
  type WorkerStarter,
} from "./worker/worker.js";
