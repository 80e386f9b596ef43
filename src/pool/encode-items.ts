/**
 * Encodes a chunk of `map`'s argument tuples for a worker, with the queues they carry.
 * When the chunk cannot be encoded, the item at fault is found, so that the error names
 * its place in the whole input: `input[12].fn` (one iterable) or `input[12][1].fn` (the
 * second of several). `stage`: where large copies may be staged (see codec/staging.ts).
 */
import { type EncodeContext, encode } from "../codec/codec.js";
import type { ContextName } from "../constants.js";
import { DataCloneError } from "../errors.js";
import type { QueueCore } from "../queue/core.js";
import { encodeForWorker } from "../queue/for-worker.js";
import type { Payload } from "../transport/protocol.js";

/**
 * The encoded chunk and the queues its items carry; `remote` for agents on other machines
 * (`map`'s `cluster`), where only queues in Redis can go.
 */
export function encodeItems(
  tuples: unknown[][],
  start: number,
  kind: ContextName,
  remote = false,
  stage?: EncodeContext["stage"],
): { text: Payload; queues: QueueCore[] } {
  try {
    return encodeForWorker(tuples, "input", kind, remote, stage);
  } catch (error) {
    throw itemError(tuples, start, kind, remote, error);
  }
}

/** The error of the first item that cannot be encoded alone, else one naming the chunk. */
function itemError(
  tuples: unknown[][],
  start: number,
  kind: ContextName,
  remote: boolean,
  error: unknown,
): unknown {
  for (const [i, tuple] of tuples.entries()) {
    for (const [j, item] of tuple.entries()) {
      const path = tuple.length === 1 ? `input[${start + i}]` : `input[${start + i}][${j}]`;
      try {
        encode(item, path, { target: kind, remote });
      } catch (itemError) {
        return itemError;
      }
    }
  }
  if (error instanceof DataCloneError) return error;
  const problem = error instanceof Error ? error.message : String(error);
  return new DataCloneError(`input[${start}...${start + tuples.length - 1}]`, problem);
}
