/**
 * The wire between a parent and a child context. Every frame is `[channel, payload]`;
 * frames travel in batches (one `postMessage`/`send` carries many), in order.
 */

/** Channel numbers of a link. */
export const Channel = {
  /** comlink RPC: the control plane (run a task, run a chunk of `map`). */
  rpc: 0,
  /** The queue protocol: requests flow child to parent, replies parent to child. */
  queue: 1,
  /**
   * Life signals: `fatal` (child to parent), an error a child process raised outside any
   * task; `exit` (parent to child), the parent has everything the child sent: it may go.
   */
  control: 2,
} as const;

/** A frame on a link. */
export type Frame = [channel: number, payload: unknown];

/**
 * Encoded data that holds bytes: the text refers to the buffers by index, so that the bytes
 * cross as bytes (cloned, transferred or shared by `postMessage`; written raw on a child
 * process's byte pipe), never as text.
 */
export interface Packed {
  /** The codec's text. */
  readonly t: string;
  /** The buffers the text refers to: copies owned by this payload, moved buffers, or shared ones. */
  readonly b: Array<ArrayBuffer | SharedArrayBuffer>;
  /** The buffers of `b` that were handed over with `move`: transferred to a thread, never kept for a second delivery. */
  readonly m?: ArrayBuffer[];
  /**
   * Entries of `b` that are staged copies (pooled shared slots, see codec/staging.ts), as
   * [index, byteLength]: the receiver copies each out before it decodes, so that the bytes
   * it gets are its own.
   */
  readonly s?: Array<[index: number, byteLength: number]>;
  /**
   * Set only while a thread is posted a payload with staged copies: for each entry of `s`,
   * a buffer of its length, allocated by the sender and transferred, that the receiver
   * copies the slot into (see `postWithBytes`).
   */
  d?: ArrayBuffer[];
}

/** Encoded data: text, or text with the buffers it refers to. */
export type Payload = string | Packed;

/**
 * The packed payloads inside a batch, by what the sender does with them afterwards. A
 * thread gets the bytes of both by transfer, which is cheaper than `postMessage`'s clone
 * (a copy into a serialization buffer, then another out of it): a given payload is sent
 * once and hands its own buffers over; a kept one (a message held for redelivery, a map
 * chunk held for a rerun) stays whole, and a private copy of its bytes is what moves.
 */
export interface Attached {
  readonly kept: Packed[];
  readonly given: Packed[];
}

/**
 * Texts of at least this many characters are attached too (as packed payloads without
 * buffers): a child process's port writes them as bytes, not escaped inside JSON.
 */
export const LONG_TEXT = 64 * 1024;

const NO_BUFFERS: Packed["b"] = Object.freeze([]) as unknown as Packed["b"];

/** The payload as an attachment, if it is one: packed, or a long text. */
function attachment(payload: Payload): Packed | undefined {
  if (typeof payload !== "string") return payload;
  return payload.length >= LONG_TEXT ? { t: payload, b: NO_BUFFERS } : undefined;
}

/** The packed payloads (and long texts) among `payloads`, which a send attaches so that the port moves their bulk. */
export function packedIn(payloads: readonly Payload[]): Packed[] | undefined {
  let out: Packed[] | undefined;
  for (const payload of payloads) {
    const attached = attachment(payload);
    if (!attached) continue;
    out ??= [];
    out.push(attached);
  }
  return out;
}

/** The packed payloads (and long texts) of messages or items, whose payload is at `at`. */
export function packedAt(
  rows: ReadonlyArray<readonly unknown[]>,
  at: number,
): Packed[] | undefined {
  let out: Packed[] | undefined;
  for (const row of rows) {
    const attached = attachment(row[at] as Payload);
    if (!attached) continue;
    out ??= [];
    out.push(attached);
  }
  return out;
}

/** True when a payload holds moved buffers: it can be delivered once only. */
export function isMoved(payload: Payload): boolean {
  return typeof payload !== "string" && payload.m !== undefined;
}

/** A message as it travels and waits: encoded data, kind, order. */
export type WireMsg = [payload: Payload, kind: string, order: number];

/** A message with the id its home queue gave it, so that readers can ack or release it. */
export type Item = [id: number, payload: Payload, kind: string, order: number];

/** Queue requests (child to parent) and replies (parent to child). */
export type QueueFrame =
  | ["put", qid: string, msgs: WireMsg[]]
  | ["take", qid: string, req: number, n: number, urgent?: 1]
  | ["cancel", qid: string, req: number]
  | ["ack", qid: string, ids: number[]]
  | ["rel", qid: string, ids: number[]]
  | ["count", qid: string, req: number]
  | ["putw", qid: string, req: number, msgs: WireMsg[]]
  | ["took", req: number, items: Item[], remaining: number, more?: 1]
  | ["counted", req: number, size: number]
  | ["room", req: number, size: number];

/** Control frames. */
export type ControlFrame = ["fatal", error: Payload] | ["exit"];
