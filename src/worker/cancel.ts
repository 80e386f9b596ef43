/**
 * Cancelling and bounding one `run` / `runThread` task, as `map` does with its `signal`:
 * `run.with({ signal, timeout })`. These are options of the call, not of the worker, so
 * they are kept apart from `WorkerOptions` (which also key `map`'s warm pools).
 */
import { ArgumentTypeError, preview } from "../errors.js";
import { expectPositiveInteger } from "../validate.js";

/** Options that stop one task: an `AbortSignal`, a time limit, or both. */
export interface CancelOptions {
  /** Aborting it stops the worker; `join()` rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Milliseconds the task may run; then the worker is stopped and `join()` rejects with a
   * `TimeoutError` `DOMException`, as `AbortSignal.timeout` gives.
   */
  timeout?: number;
}

/** The option names that belong to cancelling, not to the worker. */
export const CANCEL_KEYS = ["signal", "timeout"] as const;

/** Checks the cancel options in `options`; returns them, or `undefined` when none is set. */
export function checkCancelOptions(what: string, options: CancelOptions): CancelOptions {
  const { signal, timeout } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ArgumentTypeError(
      `${what} signal must be an AbortSignal, received ${preview(signal)}`,
    );
  }
  if (timeout !== undefined) expectPositiveInteger(`${what} timeout`, timeout);
  return { signal, timeout };
}

/**
 * One signal for both options, or `undefined` when neither is set. Its timer never keeps
 * the process alive (`AbortSignal.timeout` is unref'd).
 */
export function cancelSignal({ signal, timeout }: CancelOptions): AbortSignal | undefined {
  const signals = [signal, timeout === undefined ? undefined : AbortSignal.timeout(timeout)];
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  const both = new AbortController();
  for (const s of present) {
    if (s.aborted) {
      both.abort(s.reason);
      break;
    }
    s.addEventListener("abort", () => both.abort(s.reason), { once: true });
  }
  return both.signal;
}
