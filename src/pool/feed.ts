/**
 * Cuts `map`'s input into chunks. A sync input fills a chunk at once. An async input may
 * wait for its next item, and that item may wait for results (a request/reply loop, a
 * crawler feeding found links back): a chunk that has items when the input stalls leaves
 * with them, so the work never waits for items that wait for the work.
 */
import type { ZipReader } from "./zip.js";

const STALLED = Symbol("stalled");

/** Reads chunks of argument tuples. */
export class ChunkFeed {
  readonly #reader: ZipReader;
  /** A tuple read that was still pending when the last chunk left without it. */
  #carried: Promise<unknown[] | undefined> | undefined;
  /** Settles at the end of this turn of the event loop (see `#stall`). */
  #turnEnd: Promise<typeof STALLED> | undefined;

  constructor(reader: ZipReader) {
    this.#reader = reader;
  }

  /** True once the input ended (or was closed). */
  get done(): boolean {
    return this.#reader.done;
  }

  /** Up to `n` tuples: fewer at the end of the input, or when an async input stalls. */
  take(n: number): unknown[][] | Promise<unknown[][]> {
    return this.#reader.sync ? this.#reader.readSync(n) : this.#takeAsync(n);
  }

  /** Stops reading (see `ZipReader.close`). */
  close(): Promise<void> {
    return this.#reader.close();
  }

  async #takeAsync(n: number): Promise<unknown[][]> {
    const out: unknown[][] = [];
    while (out.length < n) {
      const read = this.#carried ?? this.#reader.next();
      this.#carried = undefined;
      const tuple = out.length === 0 ? await read : await Promise.race([read, this.#stall()]);
      if (tuple === STALLED) {
        this.#carried = read;
        break;
      }
      if (tuple === undefined) break;
      out.push(tuple);
    }
    return out;
  }

  /**
   * Settles once this turn of the event loop is over. An item an async input has not
   * produced by then waits for something else (I/O, a timer, a result): shared by all
   * reads of the turn, so a fast input costs one `setImmediate` per turn, not per item.
   */
  #stall(): Promise<typeof STALLED> {
    this.#turnEnd ??= new Promise((resolve) =>
      setImmediate(() => {
        this.#turnEnd = undefined;
        resolve(STALLED);
      }),
    );
    return this.#turnEnd;
  }
}
