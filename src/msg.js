import { expectInteger, expectOptions, expectString } from "./validate.js";
/** The kind of the message that ends a queue; reserved for that purpose. */
export const END_KIND = "END";
/**
 * A message in a queue: the `data`, a `kind` label and an `order` number.
 *
 * @example
 * ```ts
 * q.put(new Msg({ id: 1 }, { kind: "job", order: 3 }));
 * ```
 */
export class Msg {
    /** The payload. */
    data;
    /** A label for the kind of message; `"END"` marks the end of a queue. */
    kind;
    /** The position of the message, used by `Q.sorted()`. */
    order;
    constructor(data, options) {
        const { kind = "", order = 0 } = expectOptions("Msg options", options);
        expectString("Msg kind", kind);
        expectInteger("Msg order", order);
        this.data = data;
        this.kind = kind;
        this.order = order;
    }
}
/** The message that ends a queue: a reader that reads it stops. */
export const END_MSG = Object.freeze(new Msg(undefined, { kind: END_KIND }));
/**
 * A message read from a queue: its kind and order were checked when it was put, so it is
 * rebuilt without the constructor's checks (a reader may receive hundreds of thousands a
 * second). Fields are set in the constructor's order, so every `Msg` has one shape.
 */
export function receivedMsg(data, kind, order) {
    const msg = Object.create(Msg.prototype);
    msg.data = data;
    msg.kind = kind;
    msg.order = order;
    return msg;
}
