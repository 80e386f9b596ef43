/** One error model: every class has its code from one table, and is named after itself. */
import * as ezq from "ezq";
import { describe, expect, it } from "vitest";
import { decode, encode } from "../src/codec/codec.js";
import { ChunkError } from "../src/errors.js";

const classes = Object.entries(ezq).filter(
  ([, value]) => typeof value === "function" && value.prototype instanceof Error,
) as Array<[string, new (...args: never[]) => Error & { code: string }]>;

describe("errors", () => {
  it("every error class the package exports has its code in ERROR_CODES, and every code a class", () => {
    const exported = classes.map(([name]) => name).filter((name) => name !== "EzqError");
    const internal = ["ChunkError"];
    expect([...exported, ...internal].sort()).toEqual(Object.keys(ezq.ERROR_CODES).sort());
  });

  it("each error carries its class's code and is named after its class", () => {
    const made: Array<Error & { code: string }> = [
      new ezq.ArgumentTypeError("x"),
      new ezq.ArgumentRangeError("x"),
      new ezq.DataCloneError("data", "it is a function"),
      new ezq.WorkersFailedError([new Error("a")], 2),
      new ezq.QueueUnreachableError("1-2-3"),
      new ChunkError(new Error("a"), 1, [0]),
    ];
    for (const error of made) {
      const name = error.constructor.name as keyof typeof ezq.ERROR_CODES;
      expect(error.code).toBe(ezq.ERROR_CODES[name]);
      expect(error.name).toBe(name);
      expect(String(error)).toMatch(new RegExp(`^${name}: `));
    }
  });

  it("keeps Node's bases for argument errors, and EzqError for all the others", () => {
    expect(new ezq.ArgumentTypeError("x")).toBeInstanceOf(TypeError);
    expect(new ezq.ArgumentRangeError("x")).toBeInstanceOf(RangeError);
    expect(new ezq.WorkersFailedError([], 0)).toBeInstanceOf(ezq.EzqError);
    expect(new ezq.QueueUnreachableError("1")).toBeInstanceOf(ezq.EzqError);
  });

  it("a ChunkError crosses with the task's error, the failing index and the results before it", () => {
    const back = decode(encode(new ChunkError(new RangeError("bad"), 2, [10, 20]), "error"));
    expect(back).toBeInstanceOf(ChunkError);
    expect((back as ChunkError).index).toBe(2);
    expect((back as ChunkError).values).toEqual([10, 20]);
    expect((back as ChunkError).cause).toBeInstanceOf(RangeError);
  });
});
