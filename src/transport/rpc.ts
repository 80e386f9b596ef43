/**
 * A comlink `Endpoint` over the RPC channel of a link, so that comlink runs the control
 * plane (see worker/api.ts) over the same batched, ordered link as queue messages, across
 * threads and processes alike.
 */
import type { Endpoint } from "comlink";
import type { Link } from "./link.js";
import { Channel, type Packed } from "./protocol.js";

/** A transfer-list entry for a payload its sender lets go of once sent (see `Link.send`). */
export interface GivenPacked {
  readonly given: Packed;
}

type Listener = (event: { data: unknown }) => void;

/** comlink's view of the RPC channel of `link`. */
export function rpcEndpoint(link: Link): Endpoint {
  const listeners = new Set<Listener>();
  link.on(Channel.rpc, (data) => {
    for (const listener of listeners) listener({ data });
  });
  return {
    // comlink's transfer list holds the packed payloads a call carries (worker/api.ts withBytes).
    postMessage: (message: unknown, transfer?: unknown[]) => {
      if (!transfer || transfer.length === 0) {
        link.send(Channel.rpc, message);
        return;
      }
      const kept: Packed[] = [];
      const given: Packed[] = [];
      for (const entry of transfer as Array<Packed | GivenPacked>) {
        if ("given" in entry) given.push(entry.given);
        else kept.push(entry);
      }
      link.send(Channel.rpc, message, kept, given);
    },
    // comlink listens for "message" events only; its listeners take an event with `data`.
    addEventListener: (_type: string, listener: unknown) => listeners.add(listener as Listener),
    removeEventListener: (_type: string, listener: unknown) =>
      listeners.delete(listener as Listener),
  };
}
