/**
 * How many items go to a worker in one message. One item per message caps a pool near
 * 50 k tasks/s (a round trip each); big chunks carry millions. The sizer measures the
 * task's time per item and aims for chunks of about TARGET_MS, so trivial tasks travel
 * in thousands and heavy ones one or a few at a time, while keeping enough chunks to
 * share the work evenly when the input's length is known.
 */

/** The time one chunk should take to run. */
const TARGET_MS = 10;
const MAX_CHUNK = 8192;
/** Chunks per worker wanted when the length is known, for even sharing at the end. */
const CHUNKS_PER_WORKER = 4;

/** Chooses chunk sizes for one `map` call. */
export class ChunkSizer {
  readonly #fixed: number | undefined;
  readonly #cap: number;
  /** Milliseconds per item, once measured. */
  #perItem: number | undefined;

  constructor(fixed: number | undefined, knownLength: number | undefined, workers: number) {
    this.#fixed = fixed;
    this.#cap =
      knownLength === undefined
        ? MAX_CHUNK
        : Math.max(1, Math.min(MAX_CHUNK, Math.ceil(knownLength / (workers * CHUNKS_PER_WORKER))));
  }

  /** The size of the next chunk. */
  next(): number {
    if (this.#fixed !== undefined) return this.#fixed;
    if (this.#perItem === undefined) return 1;
    return Math.max(1, Math.min(this.#cap, Math.floor(TARGET_MS / Math.max(this.#perItem, 1e-6))));
  }

  /** A chunk of `count` items ran in `ms` milliseconds. */
  record(count: number, ms: number): void {
    if (count === 0) return;
    const perItem = ms / count;
    this.#perItem = this.#perItem === undefined ? perItem : (this.#perItem + perItem) / 2;
  }
}
