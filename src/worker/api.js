/**
 * The worker's control plane: what a worker entry offers its parent (run one task, or run
 * chunks of `map` items), over comlink on the link's RPC channel. comlink carries the calls
 * and their replies, and its own `throw` path carries errors: its transfer handler for
 * thrown values is ezq's error codec, so a task's error rejects the parent's call as itself
 * (class, message, stack, cause, own properties), with nothing caught into records beside
 * the calls. Queue messages do not use it: its per-call cost (ids, wire values) suits a few
 * calls per task or per chunk, not the message path (DESIGN.md: 4-6x slower there).
 */
import { expose, transferHandlers, wrap } from "comlink";
import { rpcEndpoint } from "../transport/rpc.js";
import { decodeThrown, encodeThrown } from "./outcome.js";
const comlinkThrow = transferHandlers.get("throw");
/** comlink's `throw` path, through ezq's error codec. */
const throwThroughCodec = {
    canHandle: (value) => comlinkThrow.canHandle(value),
    serialize: ({ value }) => [encodeThrown(value), []],
    deserialize: (text) => {
        throw decodeThrown(text);
    },
};
/** Both ends must agree on how errors travel; setting it twice is harmless. */
function useErrorCodec() {
    transferHandlers.set("throw", throwThroughCodec);
}
/** Offers `api` to the parent at the other end of `link` (the worker's side). */
export function exposeApi(api, link) {
    useErrorCodec();
    expose(api, rpcEndpoint(link));
}
/** The API of the worker at the other end of `link` (the parent's side). */
export function remoteApi(link) {
    useErrorCodec();
    return wrap(rpcEndpoint(link));
}
