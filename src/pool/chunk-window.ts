/**
 * The chunks of one `map` call that were dispatched and not yet handed out, in input
 * order. Its size is what bounds the call's memory and how far it reads ahead.
 */
import { WorkerExitError } from "../errors.js";
import { type Chunk, isSettled } from "./chunk.js";

/** Dispatched chunks, oldest first. */
export class ChunkWindow {
  readonly #chunks: Chunk[] = [];
  readonly #ordered: boolean;

  /** `ordered`: hand chunks out in input order, else as they complete. */
  constructor(ordered: boolean) {
    this.#ordered = ordered;
  }

  get size(): number {
    return this.#chunks.length;
  }

  push(chunk: Chunk): void {
    this.#chunks.push(chunk);
  }

  /** Removes and returns the next chunk to hand out, if one is ready. */
  takeReady(): Chunk | undefined {
    if (this.#ordered) {
      const head = this.#chunks[0];
      return head && isSettled(head) ? this.#chunks.shift() : undefined;
    }
    const index = this.#chunks.findIndex(isSettled);
    return index < 0 ? undefined : this.#chunks.splice(index, 1)[0];
  }

  /** Chunks whose worker died: they are to run again. */
  orphans(): Chunk[] {
    return this.#chunks.filter((chunk) => chunk.error instanceof WorkerExitError);
  }

  /** Every chunk in the window. */
  all(): readonly Chunk[] {
    return this.#chunks;
  }

  /** Chunks still running or waiting for a worker. */
  unsettled(): Chunk[] {
    return this.#chunks.filter((chunk) => !isSettled(chunk));
  }
}
