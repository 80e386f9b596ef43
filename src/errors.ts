/**
 * Every error ezq raises is a class with a stable `code` from one table, so programs can
 * branch on `error.code` instead of parsing messages. ezq's own failures are `EzqError`s;
 * a bad argument is a `TypeError` or a `RangeError`, as Node's own argument errors are,
 * with its code from the same table.
 */

/** The code of each of ezq's error classes, by class name: one table, so a code is spelled once. */
export const ERROR_CODES = {
  /** An argument has the wrong type. */
  ArgumentTypeError: "EZQ_INVALID_ARG_TYPE",
  /** An argument is of the right type but out of range. */
  ArgumentRangeError: "EZQ_INVALID_ARG_VALUE",
  /** A value cannot cross to another thread or process. */
  DataCloneError: "EZQ_DATA_CLONE",
  /** A task cannot be shipped to a worker. */
  TaskSourceError: "EZQ_TASK_SOURCE",
  /** A task used a name from the caller's scope. */
  TaskScopeError: "EZQ_TASK_SCOPE",
  /** A task threw something that is not an `Error`. */
  ThrownValueError: "EZQ_THROWN_VALUE",
  /** A worker ended before its task finished. */
  WorkerExitError: "EZQ_WORKER_EXITED",
  /** `map` gave up after repeated worker deaths. */
  WorkerDeathsError: "EZQ_WORKER_DEATHS",
  /** A worker was terminated before its task finished. */
  WorkerTerminatedError: "EZQ_WORKER_TERMINATED",
  /** Several workers given to `Q.stop()` failed. */
  WorkersFailedError: "EZQ_WORKERS_FAILED",
  /** A `map()` result was consumed twice. */
  MapConsumedError: "EZQ_MAP_CONSUMED",
  /** A queue handle arrived where it cannot reach its queue. */
  QueueUnreachableError: "EZQ_QUEUE_UNREACHABLE",
  /** A `map` chunk failed at one item: between a worker and its pool only, never seen by users. */
  ChunkError: "EZQ_CHUNK_FAILED",
  /** `put` on a bounded queue that is full. */
  QueueFullError: "EZQ_QUEUE_FULL",
  /** A read waits on a queue that nothing left in the program can put to. */
  QueueStarvedError: "EZQ_QUEUE_STARVED",
  /** `EZQ_SECRET` is missing or too short for a cluster. */
  SecretError: "EZQ_SECRET",
  /** An agent refused a task it was sent (stale or replayed). */
  ClusterRefusedError: "EZQ_CLUSTER_REFUSED",
} as const;

/** The `code` of an error ezq raised: one of the values of `ERROR_CODES`. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Base class of the errors ezq raises for its own failures. */
export class EzqError extends Error {
  /** A stable identifier of the failure, such as `EZQ_DATA_CLONE`. */
  readonly code: ErrorCode;

  /**
   * @param code - the failure's code, from `ERROR_CODES`.
   * @param message - what happened, and what to do about it.
   * @param options - the error that led to this one (`cause`), if any.
   */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An argument of a public function has the wrong type (a `TypeError`, as Node does). */
export class ArgumentTypeError extends TypeError {
  /** Always `EZQ_INVALID_ARG_TYPE`. */
  readonly code = ERROR_CODES.ArgumentTypeError;
}

/** An argument of a public function is of the right type but out of range. */
export class ArgumentRangeError extends RangeError {
  /** Always `EZQ_INVALID_ARG_VALUE`. */
  readonly code = ERROR_CODES.ArgumentRangeError;
}

/**
 * Names the errors of these classes, and of every class derived from them, after their
 * class, which Node prints before the message (`DataCloneError: Cannot send ...`). On the
 * prototype, not on each error: a name that is not an own property does not travel as one.
 */
function nameAfterClass(...roots: Array<abstract new (...args: never[]) => Error>): void {
  for (const root of roots) {
    Object.defineProperty(root.prototype, "name", {
      configurable: true,
      get(this: Error): string {
        return this.constructor.name;
      },
    });
  }
}

nameAfterClass(EzqError, ArgumentTypeError, ArgumentRangeError);

/**
 * A value cannot cross to another thread or process: it holds a function, a symbol,
 * a class instance the codec cannot revive, or a queue placed inside a message.
 */
export class DataCloneError extends EzqError {
  /** Where in the value the problem is, such as `data.items[3].fn`. */
  readonly path: string;

  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(
      ERROR_CODES.DataCloneError,
      `Cannot send ${path}: ${problem}. Values that cross to a worker must be data: ` +
        "primitives, plain objects, arrays, Map, Set, Date, RegExp, URL, typed arrays, Errors, " +
        "and queues passed as task arguments.",
      options,
    );
    this.path = path;
  }
}

/** The function given as a task cannot be shipped to a worker. */
export class TaskSourceError extends EzqError {
  /** @param message - what cannot be shipped, and what to pass instead. */
  constructor(message: string) {
    super(ERROR_CODES.TaskSourceError, message);
  }
}

/**
 * A task used a name that exists only in the caller's scope, not in the worker: a variable,
 * a function, or an import of the caller's module.
 */
export class TaskScopeError extends EzqError {
  /** The name the task used, as the caller's code spells it. */
  readonly variable: string;
  /** When the name is an import of the caller's module: where from, and how to import it in the task. */
  readonly imported:
    | {
        /** The module the caller imports it from, as the caller wrote it: `"node:crypto"`. */
        from: string;
        /** A statement that imports it inside the task: `const { createHash } = await import("node:crypto")`. */
        statement: string;
      }
    | undefined;

  /**
   * @param variable - the name, as the caller's code spells it.
   * @param options - the `ReferenceError` the worker raised (`cause`), and the import the
   *   name comes from, if it is one (`imported`).
   */
  constructor(
    variable: string,
    options?: { cause?: unknown; imported?: { from: string; statement: string } },
  ) {
    const imported = options?.imported;
    const fix = imported
      ? `\`${variable}\` is imported by the caller's module from ${JSON.stringify(imported.from)}: ` +
        `import it inside the task instead (\`${imported.statement}\`)`
      : `Pass \`${variable}\` as an argument, or import it inside the task ` +
        '(`const { x } = await import("module")`)';
    super(
      ERROR_CODES.TaskScopeError,
      `The task uses \`${variable}\`, which is not defined in the worker: a task runs in another ` +
        "thread or process and cannot see variables, imports or functions from the caller's " +
        `scope. ${fix}, or give the task by reference with \`fromModule(url, exportName)\`.`,
      options && "cause" in options ? { cause: options.cause } : undefined,
    );
    this.variable = variable;
    this.imported = imported;
  }
}

/** A task threw something that is not an `Error`; `value` is what it threw. */
export class ThrownValueError extends EzqError {
  /** The value the task threw, as it arrived. */
  readonly value: unknown;

  constructor(value: unknown) {
    super(ERROR_CODES.ThrownValueError, `The task threw a non-Error value: ${preview(value)}`);
    this.value = value;
  }
}

/** A worker ended without reporting a result: it crashed, was killed, or exited early. */
export class WorkerExitError extends EzqError {
  /** The exit code, when the worker exited with one. */
  readonly exitCode: number | null;
  /** The signal that ended the worker process, when one did. */
  readonly signal: NodeJS.Signals | null;

  constructor(
    what: string,
    exitCode: number | null,
    signal: NodeJS.Signals | null,
    options?: { cause?: unknown },
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    super(ERROR_CODES.WorkerExitError, `${what} ${how} before its task finished`, options);
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/** Workers of a `map` pool kept dying while running its items: `map` gave up. */
export class WorkerDeathsError extends EzqError {
  /** How many worker deaths `map` survived before giving up. */
  readonly deaths: number;

  constructor(deaths: number, itemIndex: number, options?: { cause?: unknown }) {
    super(
      ERROR_CODES.WorkerDeathsError,
      `map gave up: ${deaths + 1} workers died while running its items (the last one near ` +
        `item ${itemIndex}); a task that crashes its worker (process.exit, a fatal error, ` +
        "running out of memory) cannot be retried forever",
      options,
    );
    this.deaths = deaths;
  }
}

/** A worker was stopped by `terminate()` before its task finished. */
export class WorkerTerminatedError extends EzqError {
  constructor(what: string) {
    super(ERROR_CODES.WorkerTerminatedError, `${what} was terminated before its task finished`);
  }
}

/** Several workers given to `Q.stop()` failed; `errors` holds each one's error. */
export class WorkersFailedError extends EzqError {
  /** The error of each worker that failed, in the order the workers were given. */
  // biome-ignore lint/suspicious/noExplicitAny: typed as AggregateError's errors are, for the same uses
  readonly errors: any[];

  /**
   * @param errors - each failed worker's error.
   * @param total - how many workers were waited for.
   */
  constructor(errors: unknown[], total: number) {
    const first =
      errors[0] instanceof Error ? `: first ${errors[0].name}: ${errors[0].message}` : "";
    super(ERROR_CODES.WorkersFailedError, `${errors.length} of ${total} workers failed${first}`);
    this.errors = errors;
  }
}

/** A short, safe description of any value for error messages. */
export function preview(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case "function":
      return `a function${value.name ? ` (${value.name})` : ""}`;
    case "symbol":
      return value.toString();
    case "bigint":
      return `${value}n`;
    case "object": {
      if (Array.isArray(value)) return `an array of length ${value.length}`;
      const ctor = Object.getPrototypeOf(value)?.constructor?.name;
      return ctor && ctor !== "Object" ? `an instance of ${ctor}` : "an object";
    }
    default:
      return String(value);
  }
}

/**
 * A `map()` result was consumed already: its results go either to one `for await` loop or
 * to the promise (`await`, `then`), once.
 */
export class MapConsumedError extends EzqError {
  constructor(message: string) {
    super(ERROR_CODES.MapConsumedError, message);
  }
}

/** A queue handle arrived in a context that has no parent to forward its operations to. */
export class QueueUnreachableError extends EzqError {
  /** @param id - the queue's id. */
  constructor(id: string) {
    super(ERROR_CODES.QueueUnreachableError, `queue ${id} arrived in a context with no parent`);
  }
}

/**
 * A chunk of `map` items failed at one item. It carries, from the worker to the pool, the
 * task's error (`cause`), the failing item's place in the chunk, and the results of the
 * items before it; the pool yields those results, then throws the task's error with the
 * item's index in the whole input. Users never see it.
 *
 * @internal
 */
export class ChunkError extends EzqError {
  /** The failing item's index within its chunk. */
  readonly index: number;
  /** The results of the chunk's items before the failing one. */
  readonly values: unknown[];

  /**
   * @param cause - what the task threw.
   * @param index - the failing item's index within its chunk.
   * @param values - the results of the items before it.
   */
  constructor(cause: unknown, index: number, values: unknown[]) {
    super(ERROR_CODES.ChunkError, `a map task failed at item ${index} of its chunk`, { cause });
    this.index = index;
    this.values = values;
  }
}

/**
 * `put` on a bounded queue (`new Q(kind, { maxsize })`) that is full: nothing was put.
 * `await q.putAsync(...)` waits for room instead.
 */
export class QueueFullError extends EzqError {
  /** The queue's bound. */
  readonly maxsize: number;

  /** @param maxsize - the bound the queue is at. */
  constructor(maxsize: number) {
    super(
      ERROR_CODES.QueueFullError,
      `the queue is full (maxsize ${maxsize}): nothing was put. Use \`await q.putAsync(data)\` ` +
        "to wait for room, or read messages off the queue first",
    );
    this.maxsize = maxsize;
  }
}

/**
 * A read (`get()`, `for await`) waits for a message that can never come: the queue is
 * empty and nothing left in the program can put to it. Without this error the script
 * would wait forever, or end with code 13 and nothing said.
 */
export class QueueStarvedError extends EzqError {
  constructor() {
    super(
      ERROR_CODES.QueueStarvedError,
      "a read of a queue waits for a message that can never come: the queue is empty, and " +
        "nothing left in this program can put to it (no worker is running, no timer or I/O " +
        "is pending). Put the messages, or end() the queue, before the reads that need them",
    );
  }
}

/**
 * `EZQ_SECRET` is missing or too short: agents and the callers that send them work need the
 * same secret of at least 32 bytes to sign and check every task.
 */
export class SecretError extends EzqError {
  constructor(what: string, problem: string) {
    super(
      ERROR_CODES.SecretError,
      `${what} needs EZQ_SECRET, the secret shared by agents and the callers that send them ` +
        `tasks (at least 32 bytes), but it ${problem}. Make one with ` +
        "`openssl rand -hex 32` and set it in the environment of both.",
    );
  }
}

/** An agent refused a task it was sent (stale or replayed); `reason` says why. */
export class ClusterRefusedError extends EzqError {
  /** Why the agent refused the task. */
  readonly reason: string;

  constructor(reason: string) {
    super(ERROR_CODES.ClusterRefusedError, `an agent refused the task: ${reason}`);
    this.reason = reason;
  }
}
