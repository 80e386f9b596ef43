/**
 * How many items go to a worker in one message. One item per message caps a pool near
 * 50 k tasks/s (a round trip each); big chunks carry millions. The sizer measures the
 * task's time per item and aims for chunks of about TARGET_MS, so trivial tasks travel
 * in thousands and heavy ones a few at a time; every chunk costs the main thread a
 * wake-up, which on a machine with as many workers as cores is taken from a worker.
 * When the input's length is known, chunks are also at most a share of what remains
 * (guided self-scheduling): large while there is much left, small at the end, so the
 * workers finish together.
 *
 * On agents (a cluster), a chunk costs round trips through Redis and CPU in several
 * processes (the caller, Redis, the agent), measured at a few milliseconds of CPU per
 * chunk on a 2-core machine where a local chunk costs a tenth of that: chunks aim longer,
 * and the shares at the end stop shrinking at a floor, instead of ending in dozens of
 * one-item chunks that each cost more than their work.
 */

/** How long chunks should take: the aim, and the least the shares at the end go down to. */
export interface ChunkPace {
  readonly targetMs: number;
  readonly minMs: number;
  /** How many chunks must have told their time before chunks grow past one item. */
  readonly floorAfter: number;
}

/**
 * Chunks of a local pool: ~50 ms, and shares at the end of at least ~1 ms of work, once two
 * chunks have told their time (one item may be free where the rest are not). A chunk
 * costs ~0.1-0.3 ms of messages and wake-ups (16 trivial items on 2 threads: 3 ms in 12
 * chunks, under 1 ms in 6), so splitting less than a millisecond of work between workers
 * costs more than the imbalance it saves.
 */
export const LOCAL_PACE: ChunkPace = Object.freeze({ targetMs: 50, minMs: 1, floorAfter: 2 });
/** Chunks sent to agents: ~200 ms, and shares at the end of at least ~50 ms. */
export const CLUSTER_PACE: ChunkPace = Object.freeze({ targetMs: 200, minMs: 50, floorAfter: 1 });

const MAX_CHUNK = 8192;

/** Chooses chunk sizes for one `map` call. */
export class ChunkSizer {
  readonly #fixed: number | undefined;
  readonly #length: number | undefined;
  #workers: number;
  readonly #pace: ChunkPace;
  /** Milliseconds per item, once measured. */
  #perItem: number | undefined;
  /** The most milliseconds per item a chunk has taken, and how many chunks told. */
  #slowest = 0;
  #records = 0;

  constructor(
    fixed: number | undefined,
    knownLength: number | undefined,
    workers: number,
    pace: ChunkPace = LOCAL_PACE,
  ) {
    this.#fixed = fixed;
    this.#length = knownLength;
    this.#workers = workers;
    this.#pace = pace;
  }

  /** The size of the next chunk, given how many items were handed out so far. */
  next(dispatched: number): number {
    if (this.#fixed !== undefined) return this.#fixed;
    if (!this.trusted) return 1; // measure first
    const perItem = Math.max(this.#perItem ?? 0, 1e-6);
    let size = Math.min(MAX_CHUNK, Math.floor(this.#pace.targetMs / perItem));
    if (this.#length !== undefined) {
      // Two chunks per worker are in flight: a share of 1/(2 x workers) keeps them even.
      const remaining = this.#length - dispatched;
      // The floor goes by the slowest chunk seen: a share of cheap-looking items lumped
      // together would leave the other workers idle.
      const floor = Math.floor(this.#pace.minMs / this.#slowest);
      size = Math.min(size, Math.max(floor, Math.ceil(remaining / (2 * this.#workers))));
    }
    return Math.max(1, size);
  }

  /** The chunks run on `workers` workers from now on (a cluster's agents told their count). */
  setWorkers(workers: number): void {
    this.#workers = workers;
  }

  /**
   * True once enough chunks told how long the task takes (`floorAfter` of the pace): until
   * then, chunks hold one item each.
   */
  get trusted(): boolean {
    return this.#records >= this.#pace.floorAfter;
  }

  /** A chunk of `count` items ran in `ms` milliseconds. */
  record(count: number, ms: number): void {
    if (count === 0) return;
    const perItem = ms / count;
    this.#records++;
    this.#slowest = Math.max(this.#slowest, perItem, 1e-6);
    this.#perItem = this.#perItem === undefined ? perItem : (this.#perItem + perItem) / 2;
  }
}
