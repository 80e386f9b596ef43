/**
 * What counts as a large message: one whose transfer costs as much as handling it, so that
 * the transport overlaps the two (see the Store's streaming and the Reader's take ahead).
 */
import type { Payload } from "../transport/protocol.js";

/** At least this many text characters plus bytes make a message large. */
export const LARGE = 256 * 1024;

/** True for a payload of at least `LARGE` characters and bytes. */
export function isLarge(payload: Payload): boolean {
  if (typeof payload === "string") return payload.length >= LARGE;
  let size = payload.t.length;
  for (const buffer of payload.b) size += buffer.byteLength;
  return size >= LARGE;
}
