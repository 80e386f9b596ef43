/**
 * ezq: simple queues that connect workers (child processes and worker threads), and a
 * `map` over a warm pool, for using every CPU from Node. A TypeScript port of the
 * Python library ezq.
 *
 * @packageDocumentation
 */
import "./queue/codec-types.js";
export { CONTEXT_NAMES, IS_MACOS, NUM_CPUS, NUM_THREADS, version, } from "./constants.js";
export { ArgumentRangeError, ArgumentTypeError, DataCloneError, ERROR_CODES, EzqError, MapConsumedError, QueueUnreachableError, TaskScopeError, TaskSourceError, ThrownValueError, WorkerDeathsError, WorkerExitError, WorkersFailedError, WorkerTerminatedError, } from "./errors.js";
export { END_MSG, Msg } from "./msg.js";
export { map } from "./pool/map.js";
export { DEFAULT_IDLE_TIMEOUT } from "./pool/map-options.js";
export { MapResult } from "./pool/map-result.js";
export { closePools, poolStats } from "./pool/pools.js";
export { Q } from "./queue/q.js";
export { fromModule } from "./worker/task.js";
export { run, runThread, Worker } from "./worker/worker.js";
