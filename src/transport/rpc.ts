/**
 * comlink runs the control plane (start a task, run a chunk of `map`) over one channel
 * of a link. It is not used for queue messages: its per-call cost (ids, proxies, wire
 * values) is fine for a few calls per task but 4-6x too slow for the message path.
 */
import type { Endpoint } from "comlink";
import type { Link } from "./link.js";
import { Channel } from "./protocol.js";

type Listener = (event: { data: unknown }) => void;

/**
 * A comlink `Endpoint` over the RPC channel of a link. With `oneCallPerTurn` (the worker's
 * side), each incoming call starts in a turn of its own: calls that arrive together
 * (a pool pipelines two chunks per worker) would otherwise run back to back in one turn,
 * and the first one's reply, sent from a microtask, would wait for the second to finish.
 */
export function rpcEndpoint(link: Link, { oneCallPerTurn = false } = {}): Endpoint {
  const listeners = new Set<Listener>();
  const deliver = (data: unknown) => {
    for (const listener of listeners) listener({ data });
  };
  const pending: unknown[] = [];
  const deliverNext = () => {
    deliver(pending.shift());
    if (pending.length > 0) setImmediate(deliverNext);
  };
  link.on(Channel.rpc, (data) => {
    if (!oneCallPerTurn) return deliver(data);
    if (pending.push(data) === 1) setImmediate(deliverNext);
  });
  return {
    postMessage: (message: unknown) => link.send(Channel.rpc, message),
    addEventListener: (_type: string, listener: unknown) => listeners.add(listener as Listener),
    removeEventListener: (_type: string, listener: unknown) =>
      listeners.delete(listener as Listener),
  };
}
