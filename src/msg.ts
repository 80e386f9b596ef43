import { expectInteger, expectOptions, expectString } from "./validate.js";

/** The kind of the message that ends a queue; reserved for that purpose. */
export const END_KIND = "END";

/** Options of a message: its kind and its order. */
export interface MsgOptions {
  /** A label for the kind of work; `"END"` is reserved for ending a queue. Default `""`. */
  kind?: string;
  /** The position of this message for `Q.sorted()`; an integer. Default `0`. */
  order?: number;
}

/**
 * A message in a queue: the `data`, a `kind` label and an `order` number.
 *
 * @example
 * ```ts
 * q.put(new Msg({ id: 1 }, { kind: "job", order: 3 }));
 * ```
 */
export class Msg<T = unknown> {
  /** The payload. */
  data: T;
  /** A label for the kind of message; `"END"` marks the end of a queue. */
  kind: string;
  /** The position of the message, used by `Q.sorted()`. */
  order: number;

  constructor(data?: T, options?: MsgOptions) {
    const { kind = "", order = 0 } = expectOptions("Msg options", options) as MsgOptions;
    expectString("Msg kind", kind);
    expectInteger("Msg order", order);
    this.data = data as T;
    this.kind = kind;
    this.order = order;
  }
}

/** The message that ends a queue: a reader that reads it stops. */
export const END_MSG: Msg<undefined> = Object.freeze(new Msg(undefined, { kind: END_KIND }));

/**
 * A message read from a queue: its kind and order were checked when it was put, so it is
 * rebuilt without the constructor's checks (a reader may receive hundreds of thousands a
 * second). Fields are set in the constructor's order, so every `Msg` has one shape.
 */
export function receivedMsg<T>(data: T, kind: string, order: number): Msg<T> {
  const msg = Object.create(Msg.prototype) as Msg<T>;
  msg.data = data;
  msg.kind = kind;
  msg.order = order;
  return msg;
}
