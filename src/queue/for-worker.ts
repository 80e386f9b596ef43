/**
 * Encoding what a worker receives (task arguments, `map` items): the one place where queue
 * handles may travel, so the sender learns which queues went along, to keep them reachable
 * while that worker lives (`routes.holdUntil`).
 */
import { type EncodeContext, encode } from "../codec/codec.js";
import type { ContextName } from "../constants.js";
import type { Payload } from "../transport/protocol.js";
import { QueueCore } from "./core.js";

/**
 * `value` encoded for a worker of `kind` (`root` names it in errors), and the queues it
 * carries; `remote` when the worker is an agent on another machine (see `EncodeContext`).
 */
export function encodeForWorker(
  value: unknown,
  root: string,
  kind: ContextName,
  remote = false,
  stage?: EncodeContext["stage"],
): { text: Payload; queues: QueueCore[] } {
  const queues: QueueCore[] = [];
  const carry = (carried: unknown) => {
    if (carried instanceof QueueCore) queues.push(carried);
  };
  return { text: encode(value, root, { target: kind, carry, remote, stage }), queues };
}
