/** Argument checks shared by every public function: each names the argument and the value. */
import { ArgumentRangeError, ArgumentTypeError, preview } from "./errors.js";
/** Throws unless `value` is an integer >= 1. */
export function expectPositiveInteger(name, value) {
    if (typeof value !== "number") {
        throw new ArgumentTypeError(`${name} must be a positive integer, received ${preview(value)}`);
    }
    if (!Number.isInteger(value) || value < 1) {
        throw new ArgumentRangeError(`${name} must be a positive integer, received ${preview(value)}`);
    }
}
/** Throws unless `value` is a safe integer (negative allowed). */
export function expectInteger(name, value) {
    if (typeof value !== "number") {
        throw new ArgumentTypeError(`${name} must be an integer, received ${preview(value)}`);
    }
    if (!Number.isSafeInteger(value)) {
        throw new ArgumentRangeError(`${name} must be a safe integer, received ${preview(value)}`);
    }
}
/** Throws unless `value` is a string. */
export function expectString(name, value) {
    if (typeof value !== "string") {
        throw new ArgumentTypeError(`${name} must be a string, received ${preview(value)}`);
    }
}
/** Throws unless `value` is a boolean. */
export function expectBoolean(name, value) {
    if (typeof value !== "boolean") {
        throw new ArgumentTypeError(`${name} must be a boolean, received ${preview(value)}`);
    }
}
/** Throws unless `value` is one of `allowed`. */
export function expectOneOf(name, value, allowed) {
    if (!allowed.includes(value)) {
        const list = allowed.map((a) => JSON.stringify(a)).join(" or ");
        const Err = typeof value === "string" ? ArgumentRangeError : ArgumentTypeError;
        throw new Err(`${name} must be ${list}, received ${preview(value)}`);
    }
}
/** True for `{}`-style objects (not arrays, class instances or iterables). */
export function isPlainObject(value) {
    if (value === null || typeof value !== "object")
        return false;
    const proto = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === null) && !(Symbol.iterator in value);
}
/** Throws unless `value` is undefined or a plain object; returns it as an object. */
export function expectOptions(name, value) {
    if (value === undefined)
        return {};
    if (!isPlainObject(value)) {
        throw new ArgumentTypeError(`${name} must be a plain object, received ${preview(value)}`);
    }
    return value;
}
/** Throws if `options` has keys outside `known`: a typo should not pass silently. */
export function expectKnownKeys(name, options, known) {
    for (const key of Object.keys(options)) {
        if (!known.includes(key)) {
            throw new ArgumentTypeError(`${name} has an unknown option ${JSON.stringify(key)}; known options: ${known.join(", ")}`);
        }
    }
}
