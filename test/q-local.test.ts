/** Queue semantics in one context, including a port of Python ezq's test_iter.py. */
import { DataCloneError, END_MSG, Msg, Q } from "ezq";
import { describe, expect, it } from "vitest";
import { collect } from "./support/collect.js";

function shuffled(values: number[]): number[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}

describe("Python test_iter.py", () => {
  it("iterates 1000 messages through items()", async () => {
    const q = new Q<number>();
    for (let i = 0; i < 1000; i++) q.put(1);
    expect(q.qsize()).toBe(1000);
    const total = (await collect(q.items())).reduce((sum, msg) => sum + msg.data, 0);
    expect(total).toBe(1000);
  });

  it("sorted() keeps an already sorted order", async () => {
    const q = new Q();
    for (let i = 0; i < 1000; i++) q.put(undefined, { order: i });
    const have = (await collect(q.end().sorted())).map((msg) => msg.order);
    expect(have).toEqual([...Array(1000).keys()]);
  });

  it("items({ sort: true }) sorts a shuffled order", async () => {
    const q = new Q();
    for (const order of shuffled([...Array(1000).keys()])) q.put(undefined, { order });
    const have = (await collect(q.items({ sort: true }))).map((msg) => msg.order);
    expect(have).toEqual([...Array(1000).keys()]);
  });

  it("sorted() sorts shuffled messages", async () => {
    const q = new Q();
    for (const order of shuffled([...Array(1000).keys()])) q.put(undefined, { order });
    const have = (await collect(q.end().sorted())).map((msg) => msg.order);
    expect(have).toEqual([...Array(1000).keys()]);
  });

  it("sorted() yields every message in order even with a gap", async () => {
    const want = [...[...Array(990).keys()], 995, 996, 997, 998, 999];
    const q = new Q();
    for (const order of shuffled(want)) q.put(undefined, { order });
    const have = (await collect(q.end().sorted())).map((msg) => msg.order);
    expect(have).toEqual(want);
  });
});

describe("Python test_ezq.py: the q wrapper", () => {
  it("counts with qsize and gives the same messages to items({ cache: true }) twice", async () => {
    const q = new Q<number>();
    for (let i = 0; i < 10; i++) q.put(i);
    expect(q.qsize()).toBe(10);
    const first = (await collect(q.items({ cache: true }))).map((msg) => msg.data);
    const second = (await collect(q.items({ cache: true }))).map((msg) => msg.data);
    expect(first).toEqual([...Array(10).keys()]);
    expect(second).toEqual(first);
    expect(q.qsize()).toBe(0);
  });
});

describe("Q", () => {
  it("put is chainable and get returns Msg instances in FIFO order", async () => {
    const q = new Q<string>();
    expect(q.put("a").put("b", { kind: "k", order: 2 })).toBe(q);
    const a = await q.get();
    const b = await q.get();
    expect(a).toBeInstanceOf(Msg);
    expect([a.data, b.data, b.kind, b.order]).toEqual(["a", "b", "k", 2]);
  });

  it("puts a Msg as it is", async () => {
    const q = new Q();
    q.put(new Msg({ x: 1 }, { kind: "job", order: 4 }));
    expect(await q.get()).toMatchObject({ data: { x: 1 }, kind: "job", order: 4 });
  });

  it("get waits for a message put later", async () => {
    const q = new Q<number>();
    const pending = q.get();
    setTimeout(() => q.put(42), 10);
    expect((await pending).data).toBe(42);
  });

  it("get returns an END message like any other", async () => {
    const q = new Q();
    q.end();
    expect((await q.get()).kind).toBe(END_MSG.kind);
  });

  it("each reader stops at its own END", async () => {
    const q = new Q<number>();
    q.put(1).end().put(2).end();
    expect((await collect(q)).map((m) => m.data)).toEqual([1]);
    expect((await collect(q)).map((m) => m.data)).toEqual([2]);
  });

  it("carries rich data: Map, Set, Date, BigInt, undefined, NaN, -0, nested and cyclic objects", async () => {
    const cyclic: { self?: unknown; n: number } = { n: 1 };
    cyclic.self = cyclic;
    const data = {
      map: new Map([["a", 1]]),
      set: new Set([1, 2]),
      date: new Date(0),
      big: 10n ** 20n,
      nothing: undefined,
      nan: Number.NaN,
      negZero: -0,
      bytes: new Uint8Array([1, 2, 3]),
      cyclic,
    };
    const q = new Q<typeof data>();
    q.put(data);
    const got = (await q.get()).data;
    expect(got.map.get("a")).toBe(1);
    expect([...got.set]).toEqual([1, 2]);
    expect(got.date.getTime()).toBe(0);
    expect(got.big).toBe(10n ** 20n);
    expect("nothing" in got && got.nothing === undefined).toBe(true);
    expect(got.nan).toBeNaN();
    expect(Object.is(got.negZero, -0)).toBe(true);
    expect([...got.bytes]).toEqual([1, 2, 3]);
    expect(got.cyclic.self).toBe(got.cyclic);
  });

  it("a message is a copy: changing the original after put does not change it", async () => {
    const q = new Q<{ n: number }>();
    const data = { n: 1 };
    q.put(data);
    data.n = 2;
    expect((await q.get()).data.n).toBe(1);
  });

  it("data that cannot cross throws at put, names its path, and leaves the queue unchanged", () => {
    const q = new Q();
    q.put(1);
    expect(() => q.put({ items: [0, 1, 2, { fn: () => 1 }] })).toThrow(DataCloneError);
    expect(() => q.put({ items: [0, 1, 2, { fn: () => 1 }] })).toThrow(
      /data\.items\[3\]\.fn: it is a function/,
    );
    expect(() => q.put(Symbol("s"))).toThrow(/it is a symbol/);
    class Point {
      x = 1;
    }
    expect(() => q.put({ p: new Point() })).toThrow(/data\.p: it is an instance of Point/);
    expect(() => q.put({ q: new Q() })).toThrow(/Q inside message data/);
    expect(q.qsize()).toBe(1);
  });

  it("refuses an unknown kind, and bad put options", () => {
    expect(() => new Q("threads" as never)).toThrow(RangeError);
    expect(() => new Q("threads" as never)).toThrow(
      /Q kind must be "process" or "thread" or "redis", received "threads"/,
    );
    expect(() => new Q(1 as never)).toThrow(TypeError);
    const q = new Q();
    expect(() => q.put(1, { kind: 2 as never })).toThrow(/Q.put kind must be a string/);
    expect(() => q.put(1, { order: 0.5 })).toThrow(RangeError);
    expect(() => q.put(1, { ordr: 1 } as never)).toThrow(/unknown option "ordr"/);
    expect(() => q.put(1, "x" as never)).toThrow(/Q.put options must be a plain object/);
    expect(() => q.put(new Msg(1), { kind: "x" })).toThrow(TypeError);
    expect(q.qsize()).toBe(0);
  });

  it("refuses bad arguments to sorted, items and stop", async () => {
    const q = new Q();
    expect(() => q.sorted(0.5)).toThrow(RangeError);
    expect(() => q.items({ cache: "yes" as never })).toThrow(/Q.items cache must be a boolean/);
    await expect(q.stop([{}] as never)).rejects.toThrow(/item 0 is not a Worker/);
    await expect(q.stop(5 as never)).rejects.toThrow(/takes a Worker or an iterable of Workers/);
    expect(q.qsize()).toBe(0);
  });

  it("says to use for await when read with a plain for...of", () => {
    const q = new Q<number>().put(1);
    expect(() => {
      for (const _ of q as unknown as number[]) {
        // never reached
      }
    }).toThrow(/for await \(const msg of q\)/);
    expect(q.qsize()).toBe(1);
  });

  it("stop() waits for anything that can be joined, not only Workers", async () => {
    const q = new Q<number>();
    const joined: number[] = [];
    const reader = (n: number) => ({
      join: async () => {
        for await (const _ of q) {
          // read until this reader's END
        }
        joined.push(n);
      },
    });
    await q.stop([reader(1), reader(2)]);
    expect(joined.sort()).toEqual([1, 2]);
    const failing = { join: () => Promise.reject(new RangeError("no")) };
    await expect(q.stop(failing)).rejects.toThrow(RangeError);
  });
});
