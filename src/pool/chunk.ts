/** A run of consecutive `map` items sent to a worker together, and what became of it. */

import { decode } from "../codec/codec.js";
import { ChunkError } from "../errors.js";
import type { QueueCore } from "../queue/core.js";
import type { Payload } from "../transport/protocol.js";
import type { ChunkDone } from "../worker/api.js";
import { asError } from "../worker/outcome.js";
import type { PoolCall } from "./call.js";

/** One chunk of a `map` call. */
export interface Chunk {
  /** The index of its first item in the whole input. */
  readonly start: number;
  readonly count: number;
  readonly items: Payload;
  readonly queues: readonly QueueCore[];
  /** The shared slots its items' copies are staged in, if any: released once it is done. */
  readonly staging?: { release(): void };
  call?: PoolCall;
  done?: ChunkDone;
  error?: unknown;
}

/** True once the chunk's results or error arrived. */
export function isSettled(chunk: Chunk): boolean {
  return chunk.done !== undefined || chunk.error !== undefined;
}

/**
 * The chunk's results and, for a failed chunk, the error to throw after them: the
 * task's error, with `itemIndex` set to the failing item's index in the whole input.
 */
export function unpack<R>(chunk: Chunk): { values: R[]; error?: unknown } {
  const { error } = chunk;
  if (error instanceof ChunkError) {
    const thrown = asError(error.cause);
    if (Object.isExtensible(thrown))
      Object.assign(thrown, { itemIndex: chunk.start + error.index });
    return { values: error.values as R[], error: thrown };
  }
  if (error !== undefined) return { values: [], error };
  return { values: decode((chunk.done as ChunkDone).values) as R[] };
}
