/**
 * Adversarial: map over inputs that throw, misbehave or never end, and tasks that fail in
 * every way. map always settles, with the error that explains it, and leaves no worker
 * running items of the call.
 */
import { closePools, map, poolStats, WorkerDeathsError } from "ezq";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, withDeadline } from "../support/deadline.js";

afterAll(() => closePools());

const busyWorkers = () => poolStats().reduce((sum, pool) => sum + pool.busy, 0);

describe("inputs that throw", () => {
  it("a sync input that throws at item 5 rejects map with that error", async () => {
    function* input() {
      for (let i = 0; i < 5; i++) yield i;
      throw new RangeError("input broke at 5");
    }
    await expect(
      withDeadline(
        map((x: number) => x, input()),
        "map",
      ),
    ).rejects.toThrow("input broke at 5");
  });

  it("an async input that throws after a pause rejects map with that error", async () => {
    async function* input() {
      yield 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new TypeError("async input broke");
    }
    await expect(
      withDeadline(
        map((x: number) => x, input()),
        "map",
      ),
    ).rejects.toThrow("async input broke");
  });

  it("an input whose return() throws does not hang a loop that breaks", async () => {
    const input = {
      i: 0,
      [Symbol.iterator]() {
        return this;
      },
      next() {
        return { done: false, value: this.i++ };
      },
      return(): IteratorResult<number> {
        throw new Error("return() broke");
      },
    };
    const loop = (async () => {
      for await (const value of map((x: number) => x, input)) if (value >= 3) break;
    })();
    await withDeadline(
      loop.catch(() => undefined),
      "a loop that breaks out of a map whose input's return() throws",
    );
  });

  it("an iterable whose iterator is not an object is refused with an error naming it", () => {
    const broken = { [Symbol.iterator]: () => 42 };
    expect(() => map((x: number) => x, broken as unknown as number[])).toThrow(
      /argument 2 is an iterable whose iterator is not an object, but 42/,
    );
  });
});

describe("tasks that fail", () => {
  it("a task that throws on the first item of an infinite input rejects, and closes the input", async () => {
    let closed = false;
    function* naturals() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const failing = map(
      (x: number) => {
        if (x === 0) throw new Error("first item fails");
        return x;
      },
      naturals(),
      { num: 2 },
    );
    await expect(withDeadline(failing, "map")).rejects.toThrow("first item fails");
    expect(closed).toBe(true);
    await eventually(() => busyWorkers() === 0, "no worker busy with the failed map");
  });

  it("a process task that exits its worker every time gives up with WorkerDeathsError", async () => {
    const result = map(
      (x: number) => {
        if (x === 2) process.exit(9);
        return x;
      },
      [0, 1, 2, 3],
      { kind: "process", num: 1, chunkSize: 1 },
    );
    const error = await withDeadline(result, "map", 30_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerDeathsError);
  });

  it("an input that is already aborted rejects at once with the reason, starting nothing", async () => {
    const done = poolStats().reduce((sum, pool) => sum + pool.tasksDone, 0);
    const signal = AbortSignal.abort(new Error("too late"));
    await expect(map((x: number) => x, [1, 2, 3], { signal })).rejects.toThrow("too late");
    expect(poolStats().reduce((sum, pool) => sum + pool.tasksDone, 0)).toBe(done);
  });

  it("an empty input gives an empty array", async () => {
    expect(await map((x: number) => x, [])).toEqual([]);
    expect(await map((x: number) => x, (async function* () {})())).toEqual([]);
  });

  it("results of 8 MB each stream through, in order", async () => {
    const sizes: number[] = [];
    for await (const text of map((i: number) => String(i).repeat(8 * 1024 * 1024), [1, 2, 3, 4], {
      num: 2,
    })) {
      sizes.push(text.length);
    }
    expect(sizes).toEqual([8, 8, 8, 8].map((mb) => mb * 1024 * 1024));
  });
});
