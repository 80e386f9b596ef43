/**
 * The one codec for everything that crosses a boundary: message data, task arguments,
 * results and errors. Values are encoded to a string once (at `put`, at `run`), so bad
 * data fails at the call, and a string travels cheaply over both `postMessage` and
 * JSON IPC. Primitives take a tagged fast path; everything else goes through devalue,
 * which keeps Map, Set, Date, BigInt, undefined, NaN, -0, cycles, typed arrays, RegExp
 * and URL, refuses functions and class instances with the path to them, and lets ezq
 * add its own types (errors, queue handles) through reducers and revivers.
 */
import { DevalueError, parse, stringify } from "devalue";
import type { ContextName } from "../constants.js";
import { DataCloneError } from "../errors.js";
import type { Packed, Payload } from "../transport/protocol.js";
import { ByteSink, isShared, reviveBytes } from "./bytes.js";

/**
 * Where a value being encoded is going, for the types whose handling depends on it: a
 * queue handle may travel as a task argument (down to a worker, where it can find its way
 * home), never inside message data, a result or an error.
 */
export interface EncodeContext {
  /** The kind of worker that receives the value as task arguments or map items; `null` for message data, results and errors. */
  readonly target: ContextName | null;
  /** Told of each value a registered type carries by reference (a queue handle), so that the sender can keep it reachable. */
  readonly carry?: (value: unknown) => void;
  /**
   * True when every receiver is a thread of this process, so a `SharedArrayBuffer` may go
   * shared; by default, only task arguments and items for a thread.
   */
  readonly share?: boolean;
  /**
   * True when the value goes to an agent on another machine (`map`/`run` with `cluster`):
   * only queues in Redis can reach it there.
   */
  readonly remote?: boolean;
  /**
   * Where a copy of bytes may be staged instead of a private `ArrayBuffer`: a shared slot
   * of at least that many bytes, or `undefined` to copy privately (see codec/staging.ts).
   */
  readonly stage?: (byteLength: number) => SharedArrayBuffer | undefined;
}

/** Message data, results and errors: nothing travels by reference. */
export const AS_DATA: EncodeContext = Object.freeze({ target: null });

/** Data for threads of this process only (a thread queue's messages, a thread's results): shared memory stays shared. */
export const SHARED_DATA: EncodeContext = Object.freeze({ target: null, share: true });

/** How a registered type turns into data and back. */
export interface CodecType<T> {
  /** Returns the data for `value` when it is of this type and may go where `context` says, otherwise `undefined`. */
  reduce(value: unknown, context: EncodeContext): unknown;
  /** Rebuilds the value from the data `reduce` returned. */
  revive(data: unknown): T;
  /** Why a value of this type was refused (its `reduce` returned `undefined`), if it was. */
  explain?(value: unknown, context: EncodeContext): string | undefined;
  /**
   * True for a value of this type that is always sendable as a whole (an error drops what
   * it cannot carry): `canEncode` takes it without looking inside.
   */
  isOpaque?(value: unknown): boolean;
}

type Reducers = Record<string, (value: unknown) => unknown>;

// No prototype: a type name is looked up as data, never as a key of Object.prototype.
const types: Record<string, CodecType<unknown>> = Object.create(null);
const revivers: Record<string, (data: unknown) => unknown> = Object.create(null);

/** Registers a type the codec can carry (see codec-types.ts, where ezq's own are registered). */
export function registerCodecType<T>(name: string, type: CodecType<T>): void {
  types[name] = type;
  revivers[name] = (data) => type.revive(data);
}

/** The reducer name of bytes values; first, so no registered type sees bytes. */
const BYTES = "B";

/** devalue's reducers for one encoding: bytes into `sink`, then each registered type's, told where the value goes. */
function reducersFor(context: EncodeContext, sink?: ByteSink): Reducers {
  const reducers: Reducers = Object.create(null);
  if (sink) reducers[BYTES] = (value) => sink.reduce(value);
  for (const [name, type] of Object.entries(types)) {
    reducers[name] = (value) => type.reduce(value, context);
  }
  return reducers;
}

// Tags of the primitive fast path. devalue's output always starts with "[" or "-",
// so a leading letter can never be mistaken for it.
const STRING = "s";
const NUMBER = "n";
const TRUE = "t";
const FALSE = "f";
const NULL = "z";
const UNDEFINED = "u";
const JSON_TEXT = "j";
/** Deeper values go to devalue, which also handles cycles. */
const MAX_JSON_DEPTH = 32;

/**
 * True when `JSON.stringify` would carry `value` exactly: plain objects and arrays (no
 * holes) of strings, booleans, null and finite numbers other than -0. Much of what
 * crosses (numbers, arrays of tuples, records) is such data, and native JSON is several
 * times faster than devalue on it.
 */
function isJsonExact(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth > MAX_JSON_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isJsonExact(value[i], depth + 1)) return false;
        }
        return true;
      }
      // JSON.parse makes Object.prototype objects: one without a prototype goes to devalue,
      // which keeps that. An own "__proto__" key is fine: JSON.parse makes it an own key too.
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const key in value) {
        if (!isJsonExact((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return Object.getOwnPropertySymbols(value).length === 0;
    }
    default:
      return false;
  }
}

/**
 * Encodes `value`; `root` names it in error messages (`data`, `args`); `context` says where
 * it goes (see `EncodeContext`). Throws a `DataCloneError` naming the path of the first
 * part that cannot cross.
 */
export function encode(value: unknown, root = "data", context: EncodeContext = AS_DATA): Payload {
  switch (typeof value) {
    case "string":
      return STRING + value;
    case "number":
      if (Number.isFinite(value) && !Object.is(value, -0)) return NUMBER + value;
      break;
    case "boolean":
      return value ? TRUE : FALSE;
    case "undefined":
      return UNDEFINED;
    case "object":
      if (value === null) return NULL;
  }
  try {
    if (isJsonExact(value, 0)) return JSON_TEXT + JSON.stringify(value);
    const sink = new ByteSink(context.share ?? context.target === "thread", context.stage);
    const text = stringify(value, reducersFor(context, sink));
    if (sink.buffers.length === 0) return text;
    const moved = sink.seal();
    const staged = sink.staged.length > 0 ? sink.staged : undefined;
    return { t: text, b: sink.buffers, ...(moved && { m: moved }), ...(staged && { s: staged }) };
  } catch (error) {
    throw explainEncodeFailure(error, root, context);
  }
}

/** Why encoding failed, as a `DataCloneError`: what could not be sent, where, and why. */
function explainEncodeFailure(error: unknown, root: string, context: EncodeContext): Error {
  if (error instanceof DataCloneError) return error;
  if (error instanceof DevalueError) {
    return new DataCloneError(root + error.path, describeProblem(error, context));
  }
  if (isStackOverflow(error)) {
    return new DataCloneError(
      root,
      "it is nested too deeply to encode (more than about a thousand levels of objects " +
        "or arrays); flatten it, or send its parts as separate messages",
    );
  }
  // A getter or a Proxy trap threw while the value was read.
  const reason = error instanceof Error ? error.message : String(error);
  return new DataCloneError(root, `reading it threw (${reason})`, { cause: error });
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/** Decodes what `encode` produced. */
export function decode(payload: Payload): unknown {
  if (typeof payload !== "string") return decodePacked(payload);
  const text = payload;
  switch (text.charCodeAt(0)) {
    case 115: // s
      return text.slice(1);
    case 110: // n
      return Number(text.slice(1));
    case 116: // t
      return true;
    case 102: // f
      return false;
    case 122: // z
      return null;
    case 117: // u
      return undefined;
    case 106: // j
      return JSON.parse(text.slice(1));
    default:
      return parse(text, revivers);
  }
}

/** Decodes text with buffers beside it: the bytes values are views of those buffers, not copies. */
function decodePacked({ t, b, s, d }: Packed): unknown {
  const buffers = s ? unstaged(b, s, d) : b;
  const withBytes: Record<string, (data: unknown) => unknown> = Object.create(null);
  Object.assign(withBytes, revivers);
  withBytes[BYTES] = (ref) => reviveBytes(ref as Parameters<typeof reviveBytes>[0], buffers);
  return parse(t, withBytes);
}

/** The text of a payload, for callers that only need its length or a look at it. */
export function payloadText(payload: Payload): string {
  return typeof payload === "string" ? payload : payload.t;
}

/**
 * True when `value` can be encoded; used to drop unsendable error properties. Values of
 * opaque types (errors) met inside count as sendable here: each is checked when its own
 * turn comes, and looking inside them from here would go round forever on an error that
 * refers to itself.
 */
export function canEncode(value: unknown): boolean {
  const reducers = reducersFor(AS_DATA, new ByteSink(true));
  for (const [name, type] of Object.entries(types)) {
    const { isOpaque } = type;
    if (isOpaque) reducers[name] = (v) => (isOpaque(v) ? true : undefined);
  }
  try {
    stringify(value, reducers);
    return true;
  } catch {
    return false;
  }
}

function isIterator(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const next = (value as { next?: unknown }).next;
  return typeof next === "function" && (Symbol.iterator in value || Symbol.asyncIterator in value);
}

function describeProblem(error: DevalueError, context: EncodeContext): string {
  const value: unknown = (error as DevalueError & { value?: unknown }).value;
  for (const type of Object.values(types)) {
    const reason = type.explain?.(value, context);
    if (reason) return reason;
  }
  if (typeof value === "function") return `it is a function${value.name ? ` (${value.name})` : ""}`;
  if (typeof value === "symbol") return "it is a symbol";
  if (isShared(value)) {
    return 'it is a SharedArrayBuffer (or a view of one), which cannot be shared with a child process; use a thread (runThread, a Q of kind "thread", map with kind "thread") or send a copy (a plain ArrayBuffer)';
  }
  if (error.message.includes("non-POJO")) {
    if (isIterator(value)) {
      return "it is an iterator or a generator; collect its values into an array first";
    }
    const ctor = value && Object.getPrototypeOf(value)?.constructor?.name;
    return `it is an instance of ${ctor || "a class"}, which the codec cannot revive in the worker (send its data as a plain object)`;
  }
  if (error.message.includes("symbolic keys")) return "it has symbol keys";
  if (error.message.includes("Promise")) return "it is a Promise (await it first)";
  return error.message;
}

/** The buffers with each staged copy copied out of its shared slot, which its sender reuses. */
function unstaged(
  buffers: Packed["b"],
  staged: NonNullable<Packed["s"]>,
  destinations: Packed["d"],
): Array<ArrayBuffer | SharedArrayBuffer> {
  const own = buffers.slice();
  for (let i = 0; i < staged.length; i++) {
    const [index, byteLength] = staged[i] as [number, number];
    const slot = new Uint8Array(buffers[index] as SharedArrayBuffer, 0, byteLength);
    // Into the buffer its sender allocated for it, if it came with one of the right size.
    const destination = destinations?.[i];
    if (destination?.byteLength === byteLength) {
      new Uint8Array(destination).set(slot);
      own[index] = destination;
    } else {
      own[index] = slot.slice().buffer;
    }
  }
  return own;
}
