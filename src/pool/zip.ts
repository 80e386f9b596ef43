/**
 * The input of `map`: the items of several iterables zipped into argument tuples, read
 * lazily, stopping at the shortest. Sync iterables are read without awaiting per item.
 */
import { ArgumentTypeError, preview } from "../errors.js";

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

/** Reads argument tuples in chunks. */
export class ZipReader {
  readonly #iterators: AnyIterator[];
  readonly #sync: boolean;
  #done = false;

  constructor(iterables: unknown[]) {
    this.#iterators = iterables.map((iterable, i) => iteratorOf(iterable, i));
    this.#sync = iterables.every(
      (iterable) =>
        typeof (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function",
    );
  }

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

  /** Up to `n` tuples; fewer only at the end of the input. */
  read(n: number): unknown[][] | Promise<unknown[][]> {
    if (!this.#sync) return this.#readAsync(n);
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

  /** Stops reading: closes every input that is still open (generators run their `finally`). */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await Promise.all(this.#iterators.map(async (iterator) => iterator.return?.()));
  }

  async #readAsync(n: number): Promise<unknown[][]> {
    const out: unknown[][] = [];
    while (out.length < n && !this.#done) {
      const steps = await Promise.all(this.#iterators.map((iterator) => iterator.next()));
      if (steps.some((step) => step.done)) {
        this.#finish();
        return out;
      }
      out.push(steps.map((step) => step.value));
    }
    return out;
  }

  /** One input ended: close the others, as zip stops at the shortest. */
  #finish(): void {
    this.#done = true;
    for (const iterator of this.#iterators) void iterator.return?.();
  }
}

function iteratorOf(iterable: unknown, index: number): AnyIterator {
  if ((iterable !== null && typeof iterable === "object") || typeof iterable === "string") {
    const source = iterable as Partial<Iterable<unknown> & AsyncIterable<unknown>>;
    const asyncIterator = source[Symbol.asyncIterator];
    if (typeof asyncIterator === "function") return asyncIterator.call(source);
    const syncIterator = source[Symbol.iterator];
    if (typeof syncIterator === "function") return syncIterator.call(source);
  }
  throw new ArgumentTypeError(
    `map: argument ${index + 2} must be an iterable or async iterable, received ${preview(iterable)}`,
  );
}
