/**
 * A message as one stream field: `<kind length>:<kind><order>:<data>`. The common
 * message (no kind, order 0) costs four bytes more than its data, and an END starts with
 * `3:END`, which the take script checks without parsing the rest. Redis stores bytes, and
 * a string with a lone surrogate does not survive UTF-8: such a kind or data is stored as
 * JSON (marked by a leading NUL, which no codec output has), whose escapes keep it exact.
 * Data that holds bytes (a packed payload: text and buffers) is stored as JSON of its text
 * and its buffers in base64, marked by a leading SOH: Redis keeps text, and a message in
 * Redis is read by processes on other machines, so its bytes are copied, never shared.
 */
import type { Packed, Payload, WireMsg } from "../transport/protocol.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPED = "\u0000";
const PACKED = "\u0001";

/** A payload as text that Redis keeps exactly. */
export function payloadToText(payload: Payload): string {
  if (typeof payload === "string") return keepExact(payload);
  const buffers = payload.b.map((buffer) => Buffer.from(buffer).toString("base64"));
  return PACKED + JSON.stringify([payload.t, buffers]);
}

/** The payload that `payloadToText` stored. */
export function payloadFromText(text: string): Payload {
  if (text.charCodeAt(0) !== 1) return restore(text);
  const [t, buffers] = JSON.parse(text.slice(1)) as [string, string[]];
  const b = buffers.map((base64) => {
    const bytes = Buffer.from(base64, "base64");
    const copy = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(copy).set(bytes);
    return copy;
  });
  return { t, b } satisfies Packed;
}

function keepExact(text: string): string {
  return LONE_SURROGATE.test(text) ? ESCAPED + JSON.stringify(text) : text;
}

function restore(text: string): string {
  return text.charCodeAt(0) === 0 ? (JSON.parse(text.slice(1)) as string) : text;
}

/** The stream field of a message. */
export function toEntry([payload, kind, order]: WireMsg): string {
  const k = kind === "" ? "" : keepExact(kind);
  return `${k.length}:${k}${order}:${payloadToText(payload)}`;
}

/** The message of a stream field: data, kind, order. */
export function fromEntry(m: string): [payload: Payload, kind: string, order: number] {
  const colon = m.indexOf(":");
  const length = Number(m.slice(0, colon));
  const kindEnd = colon + 1 + length;
  const orderEnd = m.indexOf(":", kindEnd);
  const kind = length === 0 ? "" : restore(m.slice(colon + 1, kindEnd));
  return [payloadFromText(m.slice(orderEnd + 1)), kind, Number(m.slice(kindEnd, orderEnd))];
}
