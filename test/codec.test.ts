/** The codec keeps every value it accepts exactly, whichever of its paths it takes. */
import { DataCloneError } from "ezq";
import { describe, expect, it } from "vitest";
import { decode, encode } from "../src/codec/codec.js";

const roundTrip = (value: unknown) => decode(encode(value));

describe("codec", () => {
  it.each([
    ["a string", "hé\u0000llo"],
    ["an empty string", ""],
    ["numbers", [0, 1.5, -2, 1e300, Number.MAX_SAFE_INTEGER]],
    ["booleans and null", [true, false, null]],
    ["nested plain data", { a: [1, { b: "c" }], d: { e: [] } }],
    ["an object without a prototype", Object.assign(Object.create(null), { x: 1 })],
  ])("keeps %s", (_name, value) => {
    expect(roundTrip(value)).toEqual(value);
  });

  it.each([
    ["undefined", undefined],
    ["undefined inside an object", { a: undefined }],
    ["undefined inside an array", [1, undefined]],
    // biome-ignore lint/suspicious/noSparseArray: a hole is the case under test
    ["an array with a hole", [1, , 3]],
    ["NaN and infinities", [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]],
    ["-0", -0],
    ["-0 inside an array", [-0]],
    ["a Date inside plain data", { when: new Date(5) }],
    ["a BigInt", 12345678901234567890n],
    ["a Map and a Set", [new Map([[1, "a"]]), new Set(["b"])]],
    ["a RegExp and a URL", [/a+b/gi, new URL("https://example.org/x?y=1")]],
    ["typed arrays", [new Float64Array([1.5, -0]), new Uint8Array([255])]],
  ])("keeps %s exactly", (_name, value) => {
    const back = roundTrip(value);
    expect(back).toStrictEqual(value);
    if (Array.isArray(value)) expect(Object.keys(back as unknown[])).toEqual(Object.keys(value));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      expect(Object.keys(back as object)).toEqual(Object.keys(value));
    }
  });

  it("keeps -0 as -0", () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Object.is((roundTrip([-0]) as number[])[0], -0)).toBe(true);
  });

  it("keeps cycles and shared references", () => {
    const shared = { n: 1 };
    const value: Record<string, unknown> = { a: shared, b: shared };
    value.self = value;
    const back = roundTrip(value) as typeof value;
    expect(back.self).toBe(back);
    expect(back.a).toBe(back.b);
  });

  it("keeps errors with their class, cause and own properties", () => {
    const error = Object.assign(new TypeError("bad", { cause: new Error("root") }), {
      code: "E_BAD",
    });
    const back = roundTrip({ error }) as { error: TypeError & { code: string } };
    expect(back.error).toBeInstanceOf(TypeError);
    expect(back.error.code).toBe("E_BAD");
    expect((back.error.cause as Error).message).toBe("root");
    expect(back.error.stack).toBe(error.stack);
  });

  it("refuses what would be lost, naming the path", () => {
    expect(() => encode({ a: { toJSON: () => 1 } })).toThrow(/data\.a\.toJSON: it is a function/);
    expect(() => encode({ [Symbol("k")]: 1 })).toThrow(/symbol keys/);
    expect(() => encode([1, 2, new (class Thing {})()])).toThrow(
      /data\[2\]: it is an instance of Thing/,
    );
    expect(() => encode(Promise.resolve(1))).toThrow(/a Promise \(await it first\)/);
    expect(() => encode(() => 1, "args")).toThrow(DataCloneError);
  });
});
