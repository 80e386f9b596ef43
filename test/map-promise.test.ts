/** map() returns a promise of its results that is also an async iterable. */
import assert from "node:assert/strict";
import { closePools, MapConsumedError, MapResult, map, Q } from "ezq";
import { afterAll, describe, expect, it } from "vitest";
import { withDeadline } from "./support/deadline.js";
import { runScript, TSX } from "./support/run-script.js";

afterAll(() => closePools());

const fail = (x: number) => {
  if (x === 2) throw new RangeError(`bad ${x}`);
  return x;
};

describe("map() is a promise", () => {
  it("is an instance of Promise whose then, catch and finally work", async () => {
    const result = map((x: number) => x + 1, [1, 2, 3]);
    expect(result).toBeInstanceOf(Promise);
    expect(result).toBeInstanceOf(MapResult);
    let finished = false;
    expect(await result.finally(() => (finished = true))).toEqual([2, 3, 4]);
    expect(finished).toBe(true);
    const caught = await map(fail, [1, 2, 3]).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(RangeError);
    expect(await map((x: number) => x, [1]).then((values) => values.length)).toBe(1);
  });

  it("works with assert.rejects and Promise.all", async () => {
    await assert.rejects(map(fail, [1, 2, 3]), { name: "RangeError", message: "bad 2" });
    expect(await Promise.all([map((x: number) => x, [1]), map((x: number) => -x, [2])])).toEqual([
      [1],
      [-2],
    ]);
  });

  it("starts its work at the call, even if nobody awaits or iterates it", async () => {
    const done = new Q<number>();
    const result = map(
      (x: number, done: Q<number>) => done.put(x).qsize(),
      [1, 2, 3],
      [done, done, done],
    );
    const seen = await withDeadline(
      Promise.all([done.get(), done.get(), done.get()]),
      "the items of a map nobody awaited",
    );
    expect(seen.map((msg) => msg.data).sort()).toEqual([1, 2, 3]);
    await result; // only so that the pool is not closed under it
  });

  it("makes a failure nobody observes an unhandled rejection", async () => {
    const result = await runScript(TSX, ["test/fixtures/map-unobserved.ts"], {
      deadlineMs: 30_000,
    });
    expect(result.stderr).toMatch(/RangeError: nobody looks/);
    expect(result.code).not.toBe(0);
  });

  it("still streams with for await; awaiting it after that rejects with MapConsumedError", async () => {
    const result = map((x: number) => x * 2, [1, 2, 3]);
    const streamed: number[] = [];
    for await (const value of result) streamed.push(value);
    expect(streamed).toEqual([2, 4, 6]);
    await expect(result).rejects.toBeInstanceOf(MapConsumedError);
    await expect(result).rejects.toMatchObject({ code: "EZQ_MAP_CONSUMED" });
    const iterateTwice = async () => {
      for await (const _ of result) {
        // the results went to the first loop
      }
    };
    await expect(iterateTwice()).rejects.toThrow(/first for await loop/);
  });

  it("refuses to be iterated once awaited, and gives the same array to every await", async () => {
    const result = map((x: number) => x, [1, 2]);
    expect(await result).toEqual([1, 2]);
    expect(await result).toEqual([1, 2]);
    const iterate = async () => {
      for await (const _ of result) {
        // the results went to the promise
      }
    };
    await expect(iterate()).rejects.toBeInstanceOf(MapConsumedError);
  });

  it("yields from for await the results that arrived before the loop began", async () => {
    let allDone = () => {};
    const arrived = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const result = map((x: number) => x, [1, 2, 3, 4], {
      chunkSize: 1,
      onProgress: ({ done }) => done === 4 && allDone(),
    });
    await withDeadline(arrived, "every result of a map nobody iterates yet");
    const streamed: number[] = [];
    for await (const value of result) streamed.push(value);
    expect(streamed).toEqual([1, 2, 3, 4]);
  });
});
