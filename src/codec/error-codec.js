/**
 * Errors cross intact: name, message, stack, cause and own properties such as `code`.
 * Built-in error classes come back as themselves; other classes come back as `Error`
 * carrying the original `name`, since their constructors do not exist on the other side.
 * An error may refer to itself (`e.cause = e`, `e.ctx = { err: e }`) or to an error
 * that refers back to it: such cycles cross intact too.
 */
import * as ezqErrors from "../errors.js";
import { canEncode } from "./codec.js";
const BUILT_IN = {
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
    EvalError,
    URIError,
};
/** ezq's own error classes come back as themselves, so `instanceof` works across workers. */
const OWN = Object.fromEntries(Object.entries(ezqErrors).filter(([, value]) => typeof value === "function" && value.prototype instanceof Error));
function reduce(value) {
    if (!(value instanceof Error))
        return undefined;
    // Pairs, not an object: any key crosses, "__proto__" included. A property that cannot
    // cross (a socket, a function) must not cost the whole error.
    const props = [];
    for (const key of Object.keys(value))
        props.push([key, sendable(read(value, key))]);
    const cause = Object.hasOwn(value, "cause") ? [sendable(value.cause)] : [];
    const errors = value instanceof AggregateError ? value.errors.map(sendable) : undefined;
    const aggregate = errors !== undefined;
    return [String(value.name), String(value.message), aggregate, value.stack, props, cause, errors];
}
/** A property's value; one whose getter throws is described instead. */
function read(error, key) {
    try {
        return error[key];
    }
    catch (thrown) {
        return `[unreadable: ${thrown instanceof Error ? thrown.message : String(thrown)}]`;
    }
}
function sendable(value) {
    return canEncode(value) ? value : `[unsendable ${typeof value}]`;
}
/**
 * Errors revived from each data array. When an error's data leads back to the error
 * itself, devalue calls the reviver twice with the same array: first while the array is
 * still being filled (for the inner reference), then with it whole. Both calls must give
 * the same object, and the second completes it.
 */
const revived = new WeakMap();
function revive(data) {
    const parts = data;
    let error = revived.get(parts);
    if (!error) {
        error = create(String(parts[0]), String(parts[1]), parts[2] === true);
        revived.set(parts, error);
    }
    complete(error, parts);
    return error;
}
/** An error of the class `name` names, when this side has it, with no cause or props yet. */
function create(name, message, aggregate) {
    // Own-property lookups: a name such as "constructor" or "__proto__" is data, not a key
    // of Object.prototype.
    const own = Object.hasOwn(OWN, name) ? OWN[name] : undefined;
    const error = aggregate
        ? new AggregateError([], message)
        : own
            ? Object.create(own.prototype)
            : new (Object.hasOwn(BUILT_IN, name) ? BUILT_IN[name] : Error)(message);
    if (own)
        define(error, "message", message);
    if (error.name !== name)
        define(error, "name", name);
    return error;
}
/** Sets what has arrived of the error's stack, properties, cause and inner errors. */
function complete(error, [, , , stack, props, cause, errors]) {
    define(error, "stack", stack);
    // Defined, not assigned: a key such as "__proto__" becomes a property, not a prototype.
    if (props)
        for (const pair of props)
            if (pair)
                define(error, pair[0], pair[1], true);
    if (cause?.length)
        define(error, "cause", cause[0]);
    if (errors)
        define(error, "errors", errors);
}
function define(target, key, value, enumerable = false) {
    Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable });
}
/** How errors cross: registered with the other types in codec-types.ts. */
export const errorType = {
    reduce,
    revive,
    isOpaque: (value) => value instanceof Error,
};
