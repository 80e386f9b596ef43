/**
 * Errors cross intact: name, message, stack, cause and own properties such as `code`.
 * Built-in error classes come back as themselves; other classes come back as `Error`
 * carrying the original `name`, since their constructors do not exist on the other side.
 */
import * as ezqErrors from "../errors.js";
import { canEncode, registerCodecType } from "./codec.js";

const BUILT_IN: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** ezq's own error classes come back as themselves, so `instanceof` works across workers. */
const OWN: Record<string, object> = Object.fromEntries(
  Object.entries(ezqErrors).filter(
    ([, value]) => typeof value === "function" && value.prototype instanceof Error,
  ),
);

type ErrorData = [
  name: string,
  message: string,
  stack: string | undefined,
  props: Record<string, unknown>,
  cause: [unknown] | [],
  errors: unknown[] | undefined,
];

function reduce(value: unknown): ErrorData | undefined {
  if (!(value instanceof Error)) return undefined;
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const prop = (value as unknown as Record<string, unknown>)[key];
    // A property that cannot cross (a socket, a function) must not cost the whole error.
    props[key] = canEncode(prop) ? prop : `[unsendable ${typeof prop}]`;
  }
  const cause: [unknown] | [] = Object.hasOwn(value, "cause") ? [sendable(value.cause)] : [];
  const errors = value instanceof AggregateError ? value.errors.map(sendable) : undefined;
  return [String(value.name), String(value.message), value.stack, props, cause, errors];
}

function sendable(value: unknown): unknown {
  return value instanceof Error || canEncode(value) ? value : `[unsendable ${typeof value}]`;
}

function revive(data: unknown): Error {
  const [name, message, stack, props, cause, errors] = data as ErrorData;
  const options = cause.length ? { cause: cause[0] } : undefined;
  const own = OWN[name] as { prototype: Error } | undefined;
  const error =
    errors !== undefined
      ? new AggregateError(errors, message, options)
      : own
        ? ownError(own.prototype, message, options)
        : new (BUILT_IN[name] ?? Error)(message, options);
  if (error.name !== name) {
    Object.defineProperty(error, "name", { value: name, configurable: true, writable: true });
  }
  Object.assign(error, props);
  Object.defineProperty(error, "stack", { value: stack, configurable: true, writable: true });
  return error;
}

/** An instance of one of ezq's error classes, without running its constructor. */
function ownError(prototype: Error, message: string, options?: { cause: unknown }): Error {
  const error = Object.create(prototype) as Error;
  Object.defineProperty(error, "message", { value: message, configurable: true, writable: true });
  if (options) {
    Object.defineProperty(error, "cause", {
      value: options.cause,
      configurable: true,
      writable: true,
    });
  }
  return error;
}

registerCodecType("Error", { reduce, revive });
