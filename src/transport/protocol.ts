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

/** A message as it travels and waits: encoded data, kind, order. */
export type WireMsg = [payload: string, kind: string, order: number];

/** A message with the id its home queue gave it, so that readers can ack or release it. */
export type Item = [id: number, payload: string, kind: string, order: number];

/** Queue requests (child to parent) and replies (parent to child). */
export type QueueFrame =
  | ["put", qid: string, msgs: WireMsg[]]
  | ["take", qid: string, req: number, n: number]
  | ["cancel", qid: string, req: number]
  | ["ack", qid: string, ids: number[]]
  | ["rel", qid: string, ids: number[]]
  | ["count", qid: string, req: number]
  | ["putw", qid: string, req: number, msgs: WireMsg[]]
  | ["took", req: number, items: Item[], remaining: number]
  | ["counted", req: number, size: number]
  | ["room", req: number, size: number];

/** Control frames. */
export type ControlFrame = ["fatal", error: string] | ["exit"];
