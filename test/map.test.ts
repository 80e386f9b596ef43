import {
  closePools,
  DataCloneError,
  type MapProgress,
  MapResult,
  map,
  poolStats,
  Q,
  runThread,
  ThrownValueError,
} from "ezq";
import { afterAll, describe, expect, it } from "vitest";

afterAll(() => closePools());

const kinds = ["thread", "process"] as const;

describe.each(kinds)("map on %s workers", (kind) => {
  it("doubles a list (the quick start)", async () => {
    expect(await map((x: number) => x * 2, [0, 1, 2, 3, 4, 5], { kind })).toEqual([
      0, 2, 4, 6, 8, 10,
    ]);
  });

  it("zips two iterables and stops at the shortest (Python's map with two iterables)", async () => {
    const result = await map((a: number, b: string) => `${a}${b}`, [1, 2, 3, 4], ["a", "b", "c"], {
      kind,
      num: 2,
    });
    expect(result).toEqual(["1a", "2b", "3c"]);
  });

  it("keeps input order for many items of uneven cost", async () => {
    const n = 5000;
    const result = await map(
      (x: number) => {
        let acc = 0;
        for (let i = 0; i < (x % 7) * 200; i++) acc += i;
        return x + acc * 0;
      },
      Array.from({ length: n }, (_, i) => i),
      { kind },
    );
    expect(result).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it("runs async tasks", async () => {
    const result = await map(
      async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return x * 3;
      },
      [1, 2, 3],
      { kind },
    );
    expect(result).toEqual([3, 6, 9]);
  });

  it("keeps its other workers going while an ordered run waits on its first item", async () => {
    // Results held behind a slow first item must not hold back the items after it: the
    // first item waits until three others have run.
    const gate = new Q<null>();
    const ran = new Q<number>();
    const n = 40;
    const results = map(
      async (i: number, gate: Q<null>, ran: Q<number>) => {
        if (i === 0) await gate.get();
        else ran.put(i);
        return i;
      },
      Array.from({ length: n }, (_, i) => i),
      { kind, num: 2, args: [gate, ran] },
    );
    for (let seen = 0; seen < 3; seen++) await ran.get();
    gate.put(null);
    expect(await results).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it("rejects with the task's error, its itemIndex, after yielding the results before it", async () => {
    const seen: number[] = [];
    const failure = await (async () => {
      for await (const value of map(
        (x: number) => {
          if (x === 7) {
            const error = new RangeError(`bad item ${x}`);
            Object.assign(error, { code: "E_ITEM" });
            throw error;
          }
          return x;
        },
        Array.from({ length: 20 }, (_, i) => i),
        { kind, chunkSize: 3 },
      )) {
        seen.push(value);
      }
    })().catch((e: unknown) => e as RangeError & { itemIndex: number; code: string });
    expect(failure).toBeInstanceOf(RangeError);
    expect(failure?.message).toBe("bad item 7");
    expect(failure?.code).toBe("E_ITEM");
    expect(failure?.itemIndex).toBe(7);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe("map", () => {
  it("is awaitable and async-iterable, and can be consumed once", async () => {
    const result = map((x: number) => x + 1, [1, 2, 3]);
    expect(result).toBeInstanceOf(MapResult);
    const streamed: number[] = [];
    for await (const value of result) streamed.push(value);
    expect(streamed).toEqual([2, 3, 4]);
    await expect(result).rejects.toThrow(/already consumed/);
    const twice = map((x: number) => x, [1]);
    expect(await twice).toEqual([1]);
    expect(await twice).toEqual([1]); // awaiting again gives the same array
  });

  it("takes async iterables and Sets", async () => {
    async function* numbers() {
      for (let i = 0; i < 5; i++) yield i;
    }
    expect(await map((a: number, b: number) => a * b, numbers(), new Set([10, 20, 30]))).toEqual([
      0, 20, 60,
    ]);
  });

  it("reads an infinite generator lazily; breaking out closes it", async () => {
    let produced = 0;
    let closed = false;
    function* naturals() {
      try {
        for (let i = 0; ; i++) {
          produced++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const firsts: number[] = [];
    for await (const value of map((x: number) => x * x, naturals())) {
      firsts.push(value);
      if (firsts.length === 1000) break;
    }
    expect(firsts.slice(0, 4)).toEqual([0, 1, 4, 9]);
    expect(firsts).toHaveLength(1000);
    expect(closed).toBe(true);
    expect(produced).toBeLessThan(1_000_000);
  });

  it("yields as results complete with ordered: false", async () => {
    // Item 0 finishes last: it waits for a message this loop sends once it has the others.
    const go = new Q<number>("thread");
    const result: number[] = [];
    for await (const x of map(
      async (x: number, go: Q<number>) => {
        if (x === 0) await go.get();
        return x;
      },
      [0, 1, 2, 3],
      [go, go, go, go],
      { ordered: false, chunkSize: 1, num: 4 },
    )) {
      result.push(x);
      if (result.length === 3) go.put(1);
    }
    expect([...result].sort()).toEqual([0, 1, 2, 3]);
    expect(result.at(-1)).toBe(0);
  });

  it("stops when its signal aborts, rejecting with the reason", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = (async () => {
      for await (const value of map(
        (x: number) => x,
        (function* () {
          for (let i = 0; ; i++) yield i;
        })(),
        { signal: controller.signal },
      )) {
        seen.push(value);
        if (seen.length === 100) controller.abort(new Error("enough"));
      }
    })();
    await expect(run).rejects.toThrow("enough");
    const aborted = new AbortController();
    aborted.abort(new Error("before"));
    await expect(map((x: number) => x, [1], { signal: aborted.signal })).rejects.toThrow("before");
  });

  it("wraps a thrown non-Error", async () => {
    const error = await map(
      (_x: number) => {
        throw "nope";
      },
      [1],
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ThrownValueError);
    expect((error as ThrownValueError & { itemIndex: number }).itemIndex).toBe(0);
  });

  it("validates its arguments before starting anything", () => {
    const double = (x: number) => x * 2;
    expect(() => map("f" as never, [1])).toThrow(/map\(task\) must be a function, received "f"/);
    expect(() => (map as (...args: unknown[]) => unknown)(double)).toThrow(/at least one iterable/);
    expect(() => map(double, 5 as never)).toThrow(
      /argument 2 must be an iterable or async iterable, received 5/,
    );
    expect(() => map(double, [1], { num: 0 })).toThrow(RangeError);
    expect(() => map(double, [1], { num: 1.5 })).toThrow(
      /num must be a positive integer, received 1.5/,
    );
    expect(() => map(double, [1], { num: "2" as never })).toThrow(TypeError);
    expect(() => map(double, [1], { kind: "fiber" as never })).toThrow(
      /kind must be "process" or "thread", received "fiber"/,
    );
    expect(() => map(double, [1], { chunkSize: -1 })).toThrow(RangeError);
    expect(() => map(double, [1], { ordered: 1 as never })).toThrow(/ordered must be a boolean/);
    expect(() => map(double, [1], { signal: {} as never })).toThrow(
      /signal must be an AbortSignal/,
    );
    expect(() => map(double, [1], { nmu: 2 } as never)).toThrow(/unknown option "nmu"/);
  });

  it("refuses tasks that cannot be shipped", () => {
    const shorthand = {
      f(x: number) {
        return x;
      },
    }.f;
    expect(() => map(shorthand, [1])).toThrow(/method written in shorthand/);
    expect(() => map(Math.abs, [1])).toThrow(/bound or native function/);
    expect(() => map(((x: number) => x).bind(null), [1])).toThrow(/bound or native function/);
  });

  it("starts its workers with the worker options, one warm pool per set of options", async () => {
    const first = await map(
      (_: number) => [process.pid, process.env.EZQ_A, process.env.EZQ_B],
      [1],
      { kind: "process", num: 1, worker: { env: { EZQ_A: "a", EZQ_B: "b" } } },
    );
    // The same options in another order reach the same warm worker.
    const again = await map((_: number) => process.pid, [1], {
      worker: { env: { EZQ_B: "b", EZQ_A: "a" } },
      num: 1,
      kind: "process",
    });
    expect(first).toEqual([[again[0], "a", "b"]]);
    expect(() =>
      map((x: number) => x, [1], { worker: { resourceLimits: {} }, kind: "process" }),
    ).toThrow(/resourceLimits applies to thread workers only/);
  });

  it("reports progress: items done, and the total when the length is known", async () => {
    const seen: MapProgress[] = [];
    await map((x: number) => x, [...Array(1000).keys()], {
      chunkSize: 100,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.map((p) => p.done)).toEqual([...Array(10).keys()].map((i) => (i + 1) * 100));
    expect(seen.every((p) => p.total === 1000)).toBe(true);
    const unknown: MapProgress[] = [];
    function* three() {
      yield* [1, 2, 3];
    }
    await map((x: number) => x, three(), { onProgress: (p) => unknown.push(p) });
    expect(unknown.at(-1)).toEqual({ done: 3, total: undefined });
    expect(() => map((x: number) => x, [1], { onProgress: 5 as never })).toThrow(
      /onProgress must be a function/,
    );
  });

  it("counts each pool's workers, busy workers, items done and time in tasks", async () => {
    await closePools();
    await map(
      (x: number) => {
        const until = performance.now() + 2;
        while (performance.now() < until) {
          // some work, so that there is time to count
        }
        return x;
      },
      [...Array(40).keys()],
      { num: 2, chunkSize: 4 },
    );
    const [stats] = poolStats();
    expect(stats).toMatchObject({ kind: "thread", size: 2, workers: 2, busy: 0, tasksDone: 40 });
    expect(stats?.taskMs).toBeGreaterThan(0); // time is counted (its size is the machine's business)
  });

  it("runs inside a worker, on that worker's own pool", async () => {
    const sum = await runThread(async (n: number) => {
      const { map } = await import("ezq");
      const squares = await map((x: number) => x * x, [...Array(n).keys()], {
        kind: "process",
        num: 2,
      });
      return squares.reduce((a, b) => a + b, 0);
    }, 100).join();
    expect(sum).toBe(328350);
  });

  it("refuses inputs that cannot cross with a DataCloneError naming the item's path", async () => {
    const items = [...Array(20).keys()].map((i) => ({ i, fn: i === 12 ? () => i : undefined }));
    const error = await map((item: { i: number }) => item.i, items, { chunkSize: 5 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataCloneError);
    expect(error).toMatchObject({ code: "EZQ_DATA_CLONE", path: "input[12].fn" });
    expect((error as Error).message).toMatch(/input\[12\]\.fn: it is a function/);
    const zipped = await map((a: number, b: unknown) => [a, b], [1, 2], [3, Symbol("s")]).catch(
      (e: unknown) => e,
    );
    expect(zipped).toMatchObject({ path: "input[1][1]" });
  });
});
