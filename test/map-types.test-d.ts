/** Compile-time checks: map() is a Promise of the results and an async iterable of them. */
import { type MapResult, map } from "ezq";
import { describe, expectTypeOf, it } from "vitest";

describe("map types", () => {
  it("is a Promise of the results array and an AsyncIterable of results", () => {
    const result = map((x: number) => String(x), [1, 2]);
    expectTypeOf(result).toMatchTypeOf<Promise<string[]>>();
    expectTypeOf(result).toMatchTypeOf<AsyncIterable<string>>();
    expectTypeOf(result.catch(() => 0)).toEqualTypeOf<Promise<string[] | number>>();
    expectTypeOf(result.finally(() => {})).toEqualTypeOf<Promise<string[]>>();
    expectTypeOf(result).toEqualTypeOf<MapResult<string>>();
    // @ts-expect-error: idleTimeout is a number of milliseconds
    map((x: number) => x, [1], { idleTimeout: "5s" });
  });
});
