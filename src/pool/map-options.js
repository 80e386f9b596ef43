/** The options of `map`, checked once at the call. */
import { CONTEXT_NAMES, NUM_CPUS, NUM_THREADS } from "../constants.js";
import { ArgumentRangeError, ArgumentTypeError, preview } from "../errors.js";
import { expectBoolean, expectKnownKeys, expectOneOf, expectPositiveInteger } from "../validate.js";
import { checkWorkerOptions } from "../worker/options.js";
/**
 * How long a pool worker stays once idle, by default: long enough that `map` calls in a
 * row (or a few seconds apart) reuse warm workers, short enough that a program that maps
 * now and then holds no idle workers in between. piscina stops idle threads at once
 * (`idleTimeout: 0`) but keeps `minThreads` (half the CPUs) forever; ezq keeps none.
 */
export const DEFAULT_IDLE_TIMEOUT = 5_000;
const OPTION_KEYS = [
    "num",
    "kind",
    "chunkSize",
    "ordered",
    "signal",
    "worker",
    "idleTimeout",
    "onProgress",
];
/** Checks `map`'s options: each bad one throws an error naming it and the value received. */
export function checkOptions(options) {
    expectKnownKeys("map options", options, OPTION_KEYS);
    const { kind = "thread", chunkSize, ordered = true, signal, onProgress } = options;
    expectOneOf("map option kind", kind, CONTEXT_NAMES);
    const num = options.num ?? (kind === "process" ? NUM_CPUS : NUM_THREADS);
    expectPositiveInteger("map option num", num);
    if (chunkSize !== undefined)
        expectPositiveInteger("map option chunkSize", chunkSize);
    expectBoolean("map option ordered", ordered);
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new ArgumentTypeError(`map option signal must be an AbortSignal, received ${preview(signal)}`);
    }
    const worker = checkWorkerOptions("map option worker", kind, options.worker);
    const idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
    expectDuration("map option idleTimeout", idleTimeout);
    if (onProgress !== undefined && typeof onProgress !== "function") {
        throw new ArgumentTypeError(`map option onProgress must be a function, received ${preview(onProgress)}`);
    }
    return { kind, num, chunkSize, ordered, signal, worker, idleTimeout, onProgress };
}
/** Throws unless `value` is a number of milliseconds: >= 0, or `Infinity`. */
function expectDuration(name, value) {
    const expected = "a number of milliseconds >= 0 or Infinity";
    if (typeof value !== "number") {
        throw new ArgumentTypeError(`${name} must be ${expected}, received ${preview(value)}`);
    }
    if (Number.isNaN(value) || value < 0) {
        throw new ArgumentRangeError(`${name} must be ${expected}, received ${preview(value)}`);
    }
}
