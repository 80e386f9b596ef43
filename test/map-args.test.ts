/** map's `args`: the same extra arguments for every call, encoded once per map call. */
import { ArgumentTypeError, closePools, map, Q } from "ezq";
import { afterAll, describe, expect, it } from "vitest";

afterAll(() => closePools());

describe.each(["thread", "process"] as const)("map args with %s workers", (kind) => {
  it("gives every item the same extra arguments, after the item", async () => {
    const table = { a: 1, b: 2, c: 3 };
    const scaled = await map(
      (key: string, lookup: Record<string, number>, factor: number) => (lookup[key] ?? 0) * factor,
      ["a", "b", "c", "d"],
      { kind, args: [table, 10] },
    );
    expect(scaled).toEqual([10, 20, 30, 0]);
  });

  it("can carry a queue that every item writes to", async () => {
    const out = new Q<number>();
    await map((x: number, out: Q<number>) => void out.put(x * 2), [1, 2, 3], { kind, args: [out] });
    const got: number[] = [];
    while (out.qsize() > 0) got.push((await out.get()).data);
    expect(got.sort()).toEqual([2, 4, 6]);
  });
});

describe("map args are checked", () => {
  it("must be an array", () => {
    expect(() => map((x: number) => x, [1], { args: 3 as never })).toThrow(ArgumentTypeError);
    expect(() => map((x: number) => x, [1], { args: 3 as never })).toThrow(/args must be an array/);
  });

  it("that cannot cross are refused at the call, naming the path", () => {
    expect(() => map((x: number) => x, [1], { args: [() => 1] })).toThrow(/args\[0\]/);
  });
});
