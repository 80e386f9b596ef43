/**
 * The worker's control plane: what a worker entry offers its parent (run one task, or run
 * chunks of `map` items), over comlink on the link's RPC channel. comlink carries the calls
 * and their replies, and its own `throw` path carries errors: its transfer handler for
 * thrown values is ezq's error codec, so a task's error rejects the parent's call as itself
 * (class, message, stack, cause, own properties), with nothing caught into records beside
 * the calls. Queue messages do not use it: its per-call cost (ids, wire values) suits a few
 * calls per task or per chunk, not the message path (DESIGN.md: 4-6x slower there).
 */
import {
  expose,
  type Remote,
  type TransferHandler,
  transfer,
  transferHandlers,
  wrap,
} from "comlink";
import type { Link } from "../transport/link.js";
import type { Packed, Payload } from "../transport/protocol.js";
import { type GivenPacked, rpcEndpoint } from "../transport/rpc.js";
import { decodeThrown, encodeThrown } from "./outcome.js";
import type { TaskSpec } from "./task.js";

/** A worker's environment variables, as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

/** A chunk of `map` items that ran to its end: the encoded results, and the time spent in the task. */
export interface ChunkDone {
  values: Payload;
  ms: number;
}

/** What a worker entry offers its parent. */
export interface WorkerApi {
  /**
   * Runs one task to its end (a `run`/`runThread` worker) and resolves with its encoded
   * value, or rejects with its error. `env`, when given, becomes the worker's `process.env`
   * first: a thread started ahead of need may have an older one.
   */
  run(spec: TaskSpec, args: Payload, env: Env | undefined): Promise<Payload>;
  /**
   * Applies a task to a chunk of encoded argument tuples (a `map` pool worker). A task that
   * throws rejects it with a `ChunkError` carrying the results before the failing item.
   */
  chunk(spec: TaskSpec, items: Payload): Promise<ChunkDone>;
}

/** A thrown value as comlink wraps it; only comlink's own handler can tell one. */
type Thrown = { value: unknown };
const comlinkThrow = transferHandlers.get("throw") as TransferHandler<Thrown, unknown>;

/** comlink's `throw` path, through ezq's error codec. */
const throwThroughCodec: TransferHandler<Thrown, Payload> = {
  canHandle: (value): value is Thrown => comlinkThrow.canHandle(value),
  serialize: ({ value }) => {
    const payload = encodeThrown(value);
    return [payload, transferListOf(payload, true)];
  },
  deserialize: (text) => {
    throw decodeThrown(text);
  },
};

/**
 * `value` (which holds `payload`), told to comlink to travel with the payload's bytes
 * attached: comlink's transfer list carries the packed payload itself, which the RPC
 * endpoint hands to the link (so the port moves its bytes). `given`: the sender lets go of
 * the payload once sent (a result, a run's arguments), so its buffers may be handed over;
 * otherwise (a map chunk, kept for a rerun) the payload stays whole.
 */
export function withBytes<T extends object | string>(value: T, payload: Payload, given = false): T {
  if (typeof payload === "string" || typeof value !== "object") return value;
  return transfer(value, transferListOf(payload, given));
}

/** comlink's transfer list for `payload` (see `withBytes`). */
function transferListOf(payload: Payload, given: boolean): Parameters<typeof transfer>[1] {
  if (typeof payload === "string") return [];
  const entry: Packed | GivenPacked = given ? { given: payload } : payload;
  return [entry as unknown as Parameters<typeof transfer>[1][number]];
}

/** Both ends must agree on how errors travel; setting it twice is harmless. */
function useErrorCodec(): void {
  transferHandlers.set("throw", throwThroughCodec);
}

/** Offers `api` to the parent at the other end of `link` (the worker's side). */
export function exposeApi(api: WorkerApi, link: Link): void {
  useErrorCodec();
  expose(api, rpcEndpoint(link));
}

/** The API of the worker at the other end of `link` (the parent's side). */
export function remoteApi(link: Link): Remote<WorkerApi> {
  useErrorCodec();
  return wrap<WorkerApi>(rpcEndpoint(link));
}
