/**
 * A comlink `Endpoint` over the RPC channel of a link, so that comlink runs the control
 * plane (see worker/api.ts) over the same batched, ordered link as queue messages, across
 * threads and processes alike.
 */
import type { Endpoint } from "comlink";
import type { Link } from "./link.js";
import { Channel, type Packed } from "./protocol.js";

type Listener = (event: { data: unknown }) => void;

/** comlink's view of the RPC channel of `link`. */
export function rpcEndpoint(link: Link): Endpoint {
  const listeners = new Set<Listener>();
  link.on(Channel.rpc, (data) => {
    for (const listener of listeners) listener({ data });
  });
  return {
    // comlink's transfer list holds the packed payloads a call carries (worker/api.ts withBytes).
    postMessage: (message: unknown, transfer?: unknown[]) =>
      link.send(Channel.rpc, message, transfer as Packed[] | undefined),
    // comlink listens for "message" events only; its listeners take an event with `data`.
    addEventListener: (_type: string, listener: unknown) => listeners.add(listener as Listener),
    removeEventListener: (_type: string, listener: unknown) =>
      listeners.delete(listener as Listener),
  };
}
