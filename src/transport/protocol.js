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
};
