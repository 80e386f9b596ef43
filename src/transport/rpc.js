import { Channel } from "./protocol.js";
/** comlink's view of the RPC channel of `link`. */
export function rpcEndpoint(link) {
    const listeners = new Set();
    link.on(Channel.rpc, (data) => {
        for (const listener of listeners)
            listener({ data });
    });
    return {
        postMessage: (message) => link.send(Channel.rpc, message),
        // comlink listens for "message" events only; its listeners take an event with `data`.
        addEventListener: (_type, listener) => listeners.add(listener),
        removeEventListener: (_type, listener) => listeners.delete(listener),
    };
}
