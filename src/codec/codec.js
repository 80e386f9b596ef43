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
import { DataCloneError } from "../errors.js";
/** Message data, results and errors: nothing travels by reference. */
export const AS_DATA = Object.freeze({ target: null });
// No prototype: a type name is looked up as data, never as a key of Object.prototype.
const types = Object.create(null);
const revivers = Object.create(null);
/** Registers a type the codec can carry (see codec-types.ts, where ezq's own are registered). */
export function registerCodecType(name, type) {
    types[name] = type;
    revivers[name] = (data) => type.revive(data);
}
/** devalue's reducers for one encoding: each registered type's, told where the value goes. */
function reducersFor(context) {
    const reducers = Object.create(null);
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
function isJsonExact(value, depth) {
    switch (typeof value) {
        case "string":
        case "boolean":
            return true;
        case "number":
            return Number.isFinite(value) && !Object.is(value, -0);
        case "object": {
            if (value === null)
                return true;
            if (depth > MAX_JSON_DEPTH)
                return false;
            if (Array.isArray(value)) {
                for (let i = 0; i < value.length; i++) {
                    if (!(i in value) || !isJsonExact(value[i], depth + 1))
                        return false;
                }
                return true;
            }
            // JSON.parse makes Object.prototype objects: one without a prototype goes to devalue,
            // which keeps that. An own "__proto__" key is fine: JSON.parse makes it an own key too.
            if (Object.getPrototypeOf(value) !== Object.prototype)
                return false;
            for (const key in value) {
                if (!isJsonExact(value[key], depth + 1))
                    return false;
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
export function encode(value, root = "data", context = AS_DATA) {
    switch (typeof value) {
        case "string":
            return STRING + value;
        case "number":
            if (Number.isFinite(value) && !Object.is(value, -0))
                return NUMBER + value;
            break;
        case "boolean":
            return value ? TRUE : FALSE;
        case "undefined":
            return UNDEFINED;
        case "object":
            if (value === null)
                return NULL;
    }
    try {
        if (isJsonExact(value, 0))
            return JSON_TEXT + JSON.stringify(value);
        return stringify(value, reducersFor(context));
    }
    catch (error) {
        throw explainEncodeFailure(error, root, context);
    }
}
/** Why encoding failed, as a `DataCloneError`: what could not be sent, where, and why. */
function explainEncodeFailure(error, root, context) {
    if (error instanceof DataCloneError)
        return error;
    if (error instanceof DevalueError) {
        return new DataCloneError(root + error.path, describeProblem(error, context));
    }
    if (isStackOverflow(error)) {
        return new DataCloneError(root, "it is nested too deeply to encode (more than about a thousand levels of objects " +
            "or arrays); flatten it, or send its parts as separate messages");
    }
    // A getter or a Proxy trap threw while the value was read.
    const reason = error instanceof Error ? error.message : String(error);
    return new DataCloneError(root, `reading it threw (${reason})`, { cause: error });
}
function isStackOverflow(error) {
    return error instanceof RangeError && /call stack/i.test(error.message);
}
/** Decodes what `encode` produced. */
export function decode(text) {
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
/**
 * True when `value` can be encoded; used to drop unsendable error properties. Values of
 * opaque types (errors) met inside count as sendable here: each is checked when its own
 * turn comes, and looking inside them from here would go round forever on an error that
 * refers to itself.
 */
export function canEncode(value) {
    const reducers = reducersFor(AS_DATA);
    for (const [name, type] of Object.entries(types)) {
        const { isOpaque } = type;
        if (isOpaque)
            reducers[name] = (v) => (isOpaque(v) ? true : undefined);
    }
    try {
        stringify(value, reducers);
        return true;
    }
    catch {
        return false;
    }
}
function isIterator(value) {
    if (value === null || typeof value !== "object")
        return false;
    const next = value.next;
    return typeof next === "function" && (Symbol.iterator in value || Symbol.asyncIterator in value);
}
function describeProblem(error, context) {
    const value = error.value;
    for (const type of Object.values(types)) {
        const reason = type.explain?.(value, context);
        if (reason)
            return reason;
    }
    if (typeof value === "function")
        return `it is a function${value.name ? ` (${value.name})` : ""}`;
    if (typeof value === "symbol")
        return "it is a symbol";
    if (error.message.includes("non-POJO")) {
        if (isIterator(value)) {
            return "it is an iterator or a generator; collect its values into an array first";
        }
        const ctor = value && Object.getPrototypeOf(value)?.constructor?.name;
        return `it is an instance of ${ctor || "a class"}, which the codec cannot revive in the worker (send its data as a plain object)`;
    }
    if (error.message.includes("symbolic keys"))
        return "it has symbol keys";
    if (error.message.includes("Promise"))
        return "it is a Promise (await it first)";
    return error.message;
}
