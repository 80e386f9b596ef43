/** What `Q.stop()` waits for: anything that can be joined, a `Worker` among them. */
import { ArgumentTypeError, preview } from "../errors.js";

/** Anything `Q.stop()` can wait for: a `Worker`, or any object whose `join()` settles once it is done. */
export interface Joinable {
  /** Settles once the work is done; rejects if it failed. */
  join(): Promise<unknown>;
}

/** The joinables in `workers`: one, or an iterable of them. Throws at the call for anything else. */
export function toJoinables(workers: unknown): Joinable[] {
  if (workers === null || typeof workers !== "object") throw notJoinable(workers);
  // Iterable first: an array has a join() of its own.
  if (!(Symbol.iterator in workers)) {
    if (isJoinable(workers)) return [workers];
    throw notJoinable(workers);
  }
  const list = [...(workers as Iterable<unknown>)];
  list.forEach((worker, i) => {
    if (!isJoinable(worker)) {
      throw new ArgumentTypeError(
        `Q.stop(workers): item ${i} is not a Worker but ${preview(worker)}`,
      );
    }
  });
  return list as Joinable[];
}

function isJoinable(value: unknown): value is Joinable {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { join?: unknown }).join === "function"
  );
}

function notJoinable(workers: unknown): ArgumentTypeError {
  return new ArgumentTypeError(
    `Q.stop(workers) takes a Worker or an iterable of Workers, received ${preview(workers)}`,
  );
}
