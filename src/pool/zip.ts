/**
 * The input of `map`: the items of several iterables zipped into argument tuples, read
 * lazily, stopping at the shortest. Sync iterables are read without awaiting per item.
 */
import { ArgumentTypeError, preview } from "../errors.js";

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

/** Reads argument tuples. */
export class ZipReader {
  readonly #iterators: AnyIterator[];
  /** True when no iterable is async: tuples can be read in a synchronous loop. */
  readonly sync: boolean;
  /** Iterators with a `next()` still pending: closing them must not wait for it. */
  readonly #reading = new Set<AnyIterator>();
  #done = false;

  constructor(iterables: unknown[]) {
    this.#iterators = iterables.map((iterable, i) => iteratorOf(iterable, i));
    this.sync = iterables.every(
      (iterable) =>
        typeof (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function",
    );
  }

  /** True once an input ended or the reader was closed. */
  get done(): boolean {
    return this.#done;
  }

  /** The number of tuples, when every input is an array (or has a known size). */
  static knownLength(iterables: unknown[]): number | undefined {
    let length = Number.POSITIVE_INFINITY;
    for (const iterable of iterables) {
      const size = Array.isArray(iterable)
        ? iterable.length
        : iterable instanceof Map || iterable instanceof Set
          ? iterable.size
          : undefined;
      if (size === undefined) return undefined;
      length = Math.min(length, size);
    }
    return Number.isFinite(length) ? length : undefined;
  }

  /** Up to `n` tuples of sync inputs; fewer only at the end of the input. */
  readSync(n: number): unknown[][] {
    const out: unknown[][] = [];
    while (out.length < n && !this.#done) {
      const tuple: unknown[] = [];
      for (const iterator of this.#iterators) {
        const step = (iterator as Iterator<unknown>).next();
        if (step.done) {
          this.#finish();
          return out;
        }
        tuple.push(step.value);
      }
      out.push(tuple);
    }
    return out;
  }

  /** The next tuple, or `undefined` at the end of the input. */
  async next(): Promise<unknown[] | undefined> {
    if (this.#done) return undefined;
    const steps = await Promise.all(this.#iterators.map((iterator) => this.#step(iterator)));
    if (this.#done) return undefined;
    if (steps.some((step) => step.done)) {
      this.#finish();
      return undefined;
    }
    return steps.map((step) => step.value);
  }

  /**
   * Stops reading: closes every input still open (generators run their `finally`), and
   * rejects if closing one threw. An input suspended in a `next()` cannot close before
   * that `next()` settles: it is asked to, without waiting, and its later failure ignored.
   */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    const waits: Promise<unknown>[] = [];
    for (const iterator of this.#iterators) {
      if (this.#reading.has(iterator)) void closeQuietly(iterator);
      else waits.push(closeNow(iterator));
    }
    await Promise.all(waits);
  }

  async #step(iterator: AnyIterator): Promise<IteratorResult<unknown>> {
    this.#reading.add(iterator);
    try {
      return await iterator.next();
    } finally {
      this.#reading.delete(iterator);
    }
  }

  /** One input ended: close the others, as zip stops at the shortest. */
  #finish(): void {
    this.#done = true;
    for (const iterator of this.#iterators) void closeQuietly(iterator);
  }
}

/** Calls `return()` now, so that a sync generator's `finally` runs before this returns. */
function closeNow(iterator: AnyIterator): Promise<unknown> {
  try {
    return Promise.resolve(iterator.return?.());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Closes an input nobody waits for: a failure of its `finally` has nowhere to go. */
function closeQuietly(iterator: AnyIterator): Promise<unknown> {
  return closeNow(iterator).catch(() => {});
}

function iteratorOf(iterable: unknown, index: number): AnyIterator {
  if ((iterable !== null && typeof iterable === "object") || typeof iterable === "string") {
    const source = iterable as Partial<Iterable<unknown> & AsyncIterable<unknown>>;
    const asyncIterator = source[Symbol.asyncIterator];
    if (typeof asyncIterator === "function") return checked(asyncIterator.call(source), index);
    const syncIterator = source[Symbol.iterator];
    if (typeof syncIterator === "function") return checked(syncIterator.call(source), index);
  }
  throw new ArgumentTypeError(
    `map: argument ${index + 2} must be an iterable or async iterable, received ${preview(iterable)}`,
  );
}

/** An iterable's iterator, refused now (not at the first read) if it cannot be iterated. */
function checked(iterator: unknown, index: number): AnyIterator {
  if ((iterator === null || typeof iterator !== "object") && typeof iterator !== "function") {
    throw new ArgumentTypeError(
      `map: argument ${index + 2} is an iterable whose iterator is not an object, but ${preview(iterator)}`,
    );
  }
  if (typeof (iterator as { next?: unknown }).next !== "function") {
    throw new ArgumentTypeError(
      `map: argument ${index + 2} is an iterable whose iterator has no next() method`,
    );
  }
  return iterator as AnyIterator;
}
