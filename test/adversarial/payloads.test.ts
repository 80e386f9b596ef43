/**
 * Adversarial: huge and hostile payloads. Whatever is put either arrives exactly or is
 * refused at the call with a DataCloneError naming what could not be sent, and a refused
 * put leaves the queue as it was.
 */
import { DataCloneError, Q, run, runThread } from "ezq";
import { describe, expect, it } from "vitest";
import { KINDS } from "../support/kinds.js";

/** The error `fn` throws (fails the test if it throws none). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("hostile values are refused at put, and the queue is unchanged", () => {
  it.each([
    [
      "a getter that throws",
      {
        ok: 1,
        get bad(): number {
          throw new Error("getter boom");
        },
      },
      /getter boom/,
    ],
    [
      "a Proxy whose trap throws",
      new Proxy(
        { a: 1 },
        {
          ownKeys() {
            throw new Error("trap boom");
          },
        },
      ),
      /trap boom/,
    ],
    ["a function deep inside", { a: [{ b: new Map([["c", () => 1]]) }] }, /function/],
    ["a symbol value", { s: Symbol("no") }, /symbol/],
    ["a generator", (function* () {})(), /iterator or a generator/],
    ["a Promise", Promise.resolve(1), /Promise/],
    [
      "a class instance",
      new (class Point {
        x = 1;
      })(),
      /instance of Point/,
    ],
    ["a WeakMap", new WeakMap(), /WeakMap/],
  ])("%s", (_name, value, reason) => {
    const q = new Q().put("before");
    const error = thrownBy(() => q.put(value));
    expect(error).toBeInstanceOf(DataCloneError);
    expect((error as DataCloneError).code).toBe("EZQ_DATA_CLONE");
    expect((error as Error).message).toMatch(reason);
    expect(q.qsize()).toBe(1);
  });
});

describe.each(KINDS)("exact data through a %s worker", (_kind, start) => {
  it("strings with lone surrogates, line separators, NUL and emoji come back byte for byte", async () => {
    const strings = ["\ud800", "a\udc00b", "\u2028\u2029", "nul\u0000nul", "👩‍💻", "\uffff"];
    const back = await start((xs: string[]) => xs, strings).join();
    expect(back).toEqual(strings);
  });

  it("JSON-parsed data with a __proto__ key keeps it as an own key, and pollutes nothing", async () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const q = new Q<Record<string, unknown>>();
    const back = await start(
      async (q: Q<Record<string, unknown>>, data: Record<string, unknown>) => {
        q.put(data);
        return ({} as { polluted?: boolean }).polluted ?? false;
      },
      q,
      data,
    ).join();
    expect(back).toBe(false);
    const msg = (await q.get()).data;
    expect(Object.hasOwn(msg, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(msg)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("an object without a prototype keeps having none", async () => {
    const bare = Object.assign(Object.create(null) as Record<string, number>, { a: 1 });
    const back = await start((x: Record<string, number>) => x, bare).join();
    expect(Object.getPrototypeOf(back)).toBeNull();
    expect(back.a).toBe(1);
  });

  it("a 32 MB string crosses both ways intact", async () => {
    const big = "0123456789abcdef".repeat(2 * 1024 * 1024);
    const back = await start((s: string) => s + s.length, big).join();
    expect(back.length).toBe(big.length + String(big.length).length);
    expect(back.startsWith(big)).toBe(true);
  });
});

describe("many messages at once", () => {
  it("1,000,000 puts in one synchronous loop reach a process reader, each once", async () => {
    const q = new Q<number>();
    const reader = run(async (q: Q<number>) => {
      let count = 0;
      let sum = 0;
      for await (const msg of q) {
        count++;
        sum += msg.data;
      }
      return [count, sum];
    }, q);
    for (let i = 0; i < 1_000_000; i++) q.put(i);
    q.end();
    expect(await reader.join()).toEqual([1_000_000, (1_000_000 * 999_999) / 2]);
  });

  it("a thread reader of 200,000 messages put by a process writer counts each once", async () => {
    const q = new Q<number>();
    const reader = runThread(async (q: Q<number>) => {
      const seen = new Set<number>();
      for await (const msg of q) seen.add(msg.data);
      return seen.size;
    }, q);
    await run((q: Q<number>) => {
      for (let i = 0; i < 200_000; i++) q.put(i);
    }, q).join();
    q.end();
    expect(await reader.join()).toBe(200_000);
  });
});
