/**
 * Errors cross intact: name, message, stack, cause and own properties such as `code`.
 * Built-in error classes come back as themselves; other classes come back as `Error`
 * carrying the original `name`, since their constructors do not exist on the other side.
 * An error may refer to itself (`e.cause = e`, `e.ctx = { err: e }`) or to an error
 * that refers back to it: such cycles cross intact too.
 */
import * as ezqErrors from "../errors.js";
import { type CodecType, canEncode } from "./codec.js";
import { defineData, reviveOnce } from "./revive-once.js";

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

/** Primitives first: a reviver called on a half-built array still finds them. */
type ErrorData = [
  name: string,
  message: string,
  aggregate: boolean,
  stack: string | undefined,
  props: Array<[key: string, value: unknown]>,
  cause: [unknown] | [],
  errors: unknown[] | undefined,
];

function reduce(value: unknown): ErrorData | undefined {
  if (!(value instanceof Error)) return undefined;
  // Pairs, not an object: any key crosses, "__proto__" included. A property that cannot
  // cross (a socket, a function) must not cost the whole error.
  const props: Array<[string, unknown]> = [];
  for (const key of Object.keys(value)) props.push([key, sendable(read(value, key))]);
  const cause: [unknown] | [] = Object.hasOwn(value, "cause") ? [sendable(value.cause)] : [];
  const errors = value instanceof AggregateError ? value.errors.map(sendable) : undefined;
  const aggregate = errors !== undefined;
  return [String(value.name), String(value.message), aggregate, value.stack, props, cause, errors];
}

/** A property's value; one whose getter throws is described instead. */
function read(error: Error, key: string): unknown {
  try {
    return (error as unknown as Record<string, unknown>)[key];
  } catch (thrown) {
    return `[unreadable: ${thrown instanceof Error ? thrown.message : String(thrown)}]`;
  }
}

function sendable(value: unknown): unknown {
  return canEncode(value) ? value : `[unsendable ${typeof value}]`;
}

const revive = reviveOnce<ErrorData, Error>(
  (parts) => create(String(parts[0]), String(parts[1]), parts[2] === true),
  complete,
);

/** An error of the class `name` names, when this side has it, with no cause or props yet. */
function create(name: string, message: string, aggregate: boolean): Error {
  // Own-property lookups: a name such as "constructor" or "__proto__" is data, not a key
  // of Object.prototype.
  const own = Object.hasOwn(OWN, name) ? (OWN[name] as { prototype: Error }) : undefined;
  const error = aggregate
    ? new AggregateError([], message)
    : own
      ? (Object.create(own.prototype) as Error)
      : new (Object.hasOwn(BUILT_IN, name) ? (BUILT_IN[name] as ErrorConstructor) : Error)(message);
  if (own) defineData(error, "message", message);
  if (error.name !== name) defineData(error, "name", name);
  return error;
}

/** Sets what has arrived of the error's stack, properties, cause and inner errors. */
function complete(error: Error, [, , , stack, props, cause, errors]: Partial<ErrorData>): void {
  defineData(error, "stack", stack);
  if (props) for (const pair of props) if (pair) defineData(error, pair[0], pair[1], true);
  if (cause?.length) defineData(error, "cause", cause[0]);
  if (errors) defineData(error, "errors", errors);
}

/** How errors cross: registered with the other types in codec-types.ts. */
export const errorType: CodecType<Error> = {
  reduce,
  revive,
  isOpaque: (value) => value instanceof Error,
};
