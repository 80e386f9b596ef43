/**
 * Every error ezq raises is a class with a stable `code`, so programs can branch on
 * `error.code` instead of parsing messages.
 */

/** Base class of the errors ezq raises for its own failures. */
export class EzqError extends Error {
  /** A stable identifier of the failure, such as `EZQ_DATA_CLONE`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The class name, which Node prints before the message. */
  override get name(): string {
    return this.constructor.name;
  }
}

/** An argument of a public function has the wrong type (a `TypeError`, as Node does). */
export class ArgumentTypeError extends TypeError {
  /** Always `EZQ_INVALID_ARG_TYPE`. */
  readonly code = "EZQ_INVALID_ARG_TYPE";
  /** The class name, which Node prints before the message. */
  override get name(): string {
    return "ArgumentTypeError";
  }
}

/** An argument of a public function is of the right type but out of range. */
export class ArgumentRangeError extends RangeError {
  /** Always `EZQ_INVALID_ARG_VALUE`. */
  readonly code = "EZQ_INVALID_ARG_VALUE";
  /** The class name, which Node prints before the message. */
  override get name(): string {
    return "ArgumentRangeError";
  }
}

/**
 * A value cannot cross to another thread or process: it holds a function, a symbol,
 * a class instance the codec cannot revive, or a queue placed inside a message.
 */
export class DataCloneError extends EzqError {
  /** Where in the value the problem is, such as `data.items[3].fn`. */
  readonly path: string;

  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(
      "EZQ_DATA_CLONE",
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
  constructor(message: string) {
    super("EZQ_TASK_SOURCE", message);
  }
}

/** A task used a name that exists only in the caller's scope, not in the worker. */
export class TaskScopeError extends EzqError {
  /** The name the task used. */
  readonly variable: string;

  constructor(variable: string, options?: { cause?: unknown }) {
    super(
      "EZQ_TASK_SCOPE",
      `The task uses \`${variable}\`, which is not defined in the worker: a task runs in another ` +
        "thread or process and cannot see variables, imports or functions from the caller's " +
        `scope. Pass \`${variable}\` as an argument, import it inside the task ` +
        '(`const { x } = await import("module")`), or give the task by reference with ' +
        "`fromModule(url, exportName)`.",
      options,
    );
    this.variable = variable;
  }
}

/** A task threw something that is not an `Error`; `value` is what it threw. */
export class ThrownValueError extends EzqError {
  /** The value the task threw, as it arrived. */
  readonly value: unknown;

  constructor(value: unknown) {
    super("EZQ_THROWN_VALUE", `The task threw a non-Error value: ${preview(value)}`);
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
    super("EZQ_WORKER_EXITED", `${what} ${how} before its task finished`, options);
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
      "EZQ_WORKER_DEATHS",
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
    super("EZQ_WORKER_TERMINATED", `${what} was terminated before its task finished`);
  }
}

/** Several workers given to `Q.stop()` failed; `errors` holds each one's error. */
export class WorkersFailedError extends AggregateError {
  /** Always `EZQ_WORKERS_FAILED`. */
  readonly code = "EZQ_WORKERS_FAILED";

  constructor(errors: unknown[], total: number) {
    const first =
      errors[0] instanceof Error ? `: first ${errors[0].name}: ${errors[0].message}` : "";
    super(errors, `${errors.length} of ${total} workers failed${first}`);
  }

  /** The class name, which Node prints before the message. */
  override get name(): string {
    return "WorkersFailedError";
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
    super("EZQ_MAP_CONSUMED", message);
  }
}

/**
 * `EZQ_SECRET` is missing or too short: agents and the callers that send them work need the
 * same secret of at least 32 bytes to sign and check every task.
 */
export class SecretError extends EzqError {
  constructor(what: string, problem: string) {
    super(
      "EZQ_SECRET",
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
    super("EZQ_CLUSTER_REFUSED", `an agent refused the task: ${reason}`);
    this.reason = reason;
  }
}
