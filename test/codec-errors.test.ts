/**
 * Errors of every shape cross intact, through the codec and through real workers:
 * errors that refer to themselves, names that are Object.prototype members, own
 * properties with hostile keys; and data too deep to encode is refused with a clear error.
 */
import { DataCloneError, Q, runThread, TaskScopeError, ThrownValueError } from "ezq";
import { describe, expect, it } from "vitest";
import { decode, encode } from "../src/codec/codec.js";
import { KINDS } from "./support/kinds.js";

const roundTrip = <T>(value: T): T => decode(encode(value)) as T;

describe("errors that refer to themselves", () => {
  it("e.cause = e comes back as one error whose cause is itself", () => {
    const e = new Error("loop");
    e.cause = e;
    const back = roundTrip(e);
    expect(back).toBeInstanceOf(Error);
    expect(back.message).toBe("loop");
    expect(back.cause).toBe(back);
  });

  it("e.ctx = { err: e } comes back with the context pointing at the error", () => {
    const e = Object.assign(new TypeError("ctx"), { ctx: { err: undefined as unknown } });
    e.ctx.err = e;
    const back = roundTrip(e);
    expect(back).toBeInstanceOf(TypeError);
    expect(back.ctx.err).toBe(back);
  });

  it("two errors that are each other's cause come back as such a pair", () => {
    const a = new Error("a");
    const b = new RangeError("b", { cause: a });
    a.cause = b;
    const back = roundTrip({ a, b });
    expect(back.a.cause).toBe(back.b);
    expect(back.b.cause).toBe(back.a);
    expect(back.b).toBeInstanceOf(RangeError);
  });

  it("an AggregateError that holds itself comes back holding itself", () => {
    const e = new AggregateError([], "all");
    e.errors.push(e);
    const back = roundTrip(e);
    expect(back).toBeInstanceOf(AggregateError);
    expect(back.errors[0]).toBe(back);
  });

  it.each(KINDS)(
    "a %s task that throws such an error rejects join() with it intact",
    async (_kind, start) => {
      const error = await start(() => {
        const e = Object.assign(new Error("self"), { ctx: { err: undefined as unknown } });
        e.ctx.err = e;
        e.cause = e;
        throw e;
      })
        .join()
        .catch((e: unknown) => e as Error & { ctx: { err: unknown } });
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe("self");
      expect((error as Error).cause).toBe(error);
      expect((error as Error & { ctx: { err: unknown } }).ctx.err).toBe(error);
    },
  );

  it("a message holding such an error is read back by get()", async () => {
    const e = new Error("queued");
    e.cause = e;
    const q = new Q<Error>();
    q.put(e);
    const back = (await q.get()).data;
    expect(back.cause).toBe(back);
  });
});

describe("error names and keys are data, never prototype lookups", () => {
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"])(
    "an error named %j comes back as an Error of that name",
    (name) => {
      const e = new Error("named");
      Object.defineProperty(e, "name", { value: name, configurable: true, writable: true });
      const back = roundTrip(e);
      expect(back).toBeInstanceOf(Error);
      expect(back).not.toBeInstanceOf(ThrownValueError);
      expect(back.name).toBe(name);
      expect(back.message).toBe("named");
    },
  );

  it("an own property called __proto__ stays a property and does not change the prototype", () => {
    const e = new Error("proto");
    Object.defineProperty(e, "__proto__", { value: { polluted: true }, enumerable: true });
    const back = roundTrip(e);
    expect(Object.getPrototypeOf(back)).toBe(Error.prototype);
    expect(Object.hasOwn(back, "__proto__")).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("a thread task whose error is named after an ezq class that is not its own stays an Error", async () => {
    const error = await runThread(() => {
      const e = new Error("impostor");
      e.name = "constructor";
      throw e;
    })
      .join()
      .catch((e: unknown) => e as Error);
    expect((error as Error).name).toBe("constructor");
    expect(error).not.toBeInstanceOf(TaskScopeError);
  });
});

describe("deeply nested data", () => {
  const nest = (levels: number) => {
    let value: unknown[] = [];
    for (let i = 0; i < levels; i++) value = [value];
    return value;
  };

  it("a thousand levels cross", () => {
    const value = nest(1000);
    expect(roundTrip(value)).toEqual(value);
  });

  it("10,000 levels are refused at put with a DataCloneError that says why", () => {
    const q = new Q();
    let thrown: unknown;
    try {
      q.put(nest(10_000));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DataCloneError);
    expect((thrown as DataCloneError).code).toBe("EZQ_DATA_CLONE");
    expect((thrown as DataCloneError).message).toMatch(/nested too deeply/);
    expect(q.qsize()).toBe(0);
  });
});
