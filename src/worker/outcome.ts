/**
 * What a worker reports when a task ends: the encoded value, or the encoded error. A
 * thrown non-Error is carried as what it was and wrapped on arrival.
 */
import { decode, encode } from "../codec/codec.js";
import { ThrownValueError } from "../errors.js";
import { placeStack } from "./stack.js";

/** A task's ending, as it crosses back to the parent. */
export type Outcome = { ok: true; value: string } | { ok: false; error: string; isError: boolean };

/** The outcome of a chunk of `map` items: results so far, and where it failed if it did. */
export type ChunkOutcome =
  | { ok: true; values: string; ms: number }
  | { ok: false; values: string; index: number; error: string; isError: boolean };

/** Encodes a thrown value; what cannot be encoded is described instead. */
export function encodeThrown(thrown: unknown): { error: string; isError: boolean } {
  const isError = thrown instanceof Error;
  try {
    return { error: encode(thrown, "error"), isError };
  } catch {
    return { error: encode(isError ? String(thrown.stack) : String(thrown)), isError: false };
  }
}

/**
 * Rebuilds the error a task threw, on the parent's side, its stack naming the task's own
 * file and lines rather than the worker's machinery.
 */
export function decodeThrown(error: string, isError: boolean): Error {
  const value = decode(error);
  if (!(isError && value instanceof Error)) return new ThrownValueError(value);
  placeStack(value);
  return value;
}
