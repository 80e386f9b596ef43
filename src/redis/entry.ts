/**
 * A message as one stream field: `<kind length>:<kind><order>:<data>`. The common
 * message (no kind, order 0) costs four bytes more than its data, and an END starts with
 * `3:END`, which the take script checks without parsing the rest. Redis stores bytes, and
 * a string with a lone surrogate does not survive UTF-8: such a kind or data is stored as
 * JSON (marked by a leading NUL, which no codec output has), whose escapes keep it exact.
 */
import type { WireMsg } from "../transport/protocol.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPED = "\u0000";

function keepExact(text: string): string {
  return LONE_SURROGATE.test(text) ? ESCAPED + JSON.stringify(text) : text;
}

function restore(text: string): string {
  return text.charCodeAt(0) === 0 ? (JSON.parse(text.slice(1)) as string) : text;
}

/** The stream field of a message. */
export function toEntry([payload, kind, order]: WireMsg): string {
  const k = kind === "" ? "" : keepExact(kind);
  return `${k.length}:${k}${order}:${keepExact(payload)}`;
}

/** The message of a stream field: data, kind, order. */
export function fromEntry(m: string): [payload: string, kind: string, order: number] {
  const colon = m.indexOf(":");
  const length = Number(m.slice(0, colon));
  const kindEnd = colon + 1 + length;
  const orderEnd = m.indexOf(":", kindEnd);
  const kind = length === 0 ? "" : restore(m.slice(colon + 1, kindEnd));
  return [restore(m.slice(orderEnd + 1)), kind, Number(m.slice(kindEnd, orderEnd))];
}
