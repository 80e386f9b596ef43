/**
 * How a task's error crosses back to the parent: encoded with ezq's codec (class, message,
 * stack, cause, own properties). A thrown non-Error is carried as what it was and wrapped on
 * arrival; what cannot be encoded at all is described by its stack or text instead.
 */
import { decode, encode } from "../codec/codec.js";
import { ThrownValueError } from "../errors.js";
import type { Payload } from "../transport/protocol.js";
import { placeStack } from "./stack.js";

/** Encodes a thrown value; what cannot be encoded is described instead. */
export function encodeThrown(thrown: unknown): Payload {
  try {
    return encode(thrown, "error");
  } catch {
    return encode(thrown instanceof Error ? String(thrown.stack) : String(thrown));
  }
}

/**
 * Rebuilds, on the parent's side, the error a task threw, its stack naming the task's own
 * file and lines rather than the worker's machinery.
 */
export function decodeThrown(text: Payload): Error {
  const value = decode(text);
  placeStack(value);
  return asError(value);
}

/** What a task threw, as an `Error`: itself, or a `ThrownValueError` holding a non-Error. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new ThrownValueError(thrown);
}
