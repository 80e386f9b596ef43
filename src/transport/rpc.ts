/**
 * comlink runs the control plane (start a task, run a chunk of `map`) over one channel
 * of a link. It is not used for queue messages: its per-call cost (ids, proxies, wire
 * values) is fine for a few calls per task but 4-6x too slow for the message path.
 */
import type { Endpoint } from "comlink";
import type { Link } from "./link.js";
import { Channel } from "./protocol.js";

type Listener = (event: { data: unknown }) => void;

/** A comlink `Endpoint` over the RPC channel of a link. */
export function rpcEndpoint(link: Link): Endpoint {
  const listeners = new Set<Listener>();
  link.on(Channel.rpc, (data) => {
    for (const listener of listeners) listener({ data });
  });
  return {
    postMessage: (message: unknown) => link.send(Channel.rpc, message),
    addEventListener: (_type: string, listener: unknown) => listeners.add(listener as Listener),
    removeEventListener: (_type: string, listener: unknown) =>
      listeners.delete(listener as Listener),
  };
}
