/** A run of consecutive `map` items sent to a worker together, and what became of it. */
import { decode } from "../codec/codec.js";
import type { QueueCore } from "../queue/core.js";
import { type ChunkOutcome, decodeThrown } from "../worker/outcome.js";
import type { PoolCall } from "./call.js";

/** One chunk of a `map` call. */
export interface Chunk {
  /** The index of its first item in the whole input. */
  readonly start: number;
  readonly count: number;
  readonly items: string;
  readonly queues: readonly QueueCore[];
  call?: PoolCall;
  outcome?: ChunkOutcome;
  error?: unknown;
}

/** True once the chunk's outcome or error arrived. */
export function isSettled(chunk: Chunk): boolean {
  return chunk.outcome !== undefined || chunk.error !== undefined;
}

/**
 * The chunk's results and, for a failed chunk, the error to throw after them: the
 * task's error, with `itemIndex` set to the failing item's index in the whole input.
 */
export function unpack<R>(chunk: Chunk): { values: R[]; error?: unknown } {
  if (chunk.error !== undefined) return { values: [], error: chunk.error };
  const outcome = chunk.outcome as ChunkOutcome;
  const values = decode(outcome.values) as R[];
  if (outcome.ok) return { values };
  const error = decodeThrown(outcome.error, outcome.isError);
  if (Object.isExtensible(error)) Object.assign(error, { itemIndex: chunk.start + outcome.index });
  return { values, error };
}
