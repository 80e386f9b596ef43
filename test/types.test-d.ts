/**
 * Compile-time checks of the public types, made by `tsc -p tsconfig.json` in npm test (the
 * file is compiled, never executed): each expectation that does not hold, and each
 * `@ts-expect-error` that is not an error, fails the type check.
 */
import { type MapResult, Msg, map, Q, run, runThread, type Worker } from "ezq";
import { describe, expectTypeOf, it } from "vitest";

describe("types", () => {
  it("a Q<T> yields Msg<T>", () => {
    const q = new Q<number>();
    expectTypeOf(q.get()).resolves.toEqualTypeOf<Msg<number>>();
    expectTypeOf(q[Symbol.asyncIterator]().next()).resolves.toMatchTypeOf<
      IteratorResult<Msg<number>>
    >();
    expectTypeOf(q.sorted()).toMatchTypeOf<AsyncIterable<Msg<number>>>();
    expectTypeOf(q.items()).toEqualTypeOf<AsyncIterable<Msg<number>>>();
    expectTypeOf(q.put(1)).toEqualTypeOf<Q<number>>();
    expectTypeOf(q.put(new Msg(1))).toEqualTypeOf<Q<number>>();
    // @ts-expect-error: a Q<number> takes numbers
    q.put("one");
    // @ts-expect-error: kind is "process" or "thread"
    new Q("proces");
  });

  it("map infers its result from the task and checks the iterables", () => {
    expectTypeOf(map((x: number) => String(x), [1, 2])).toEqualTypeOf<MapResult<string>>();
    expectTypeOf(map(async (x: number) => x > 1, [1])).toEqualTypeOf<MapResult<boolean>>();
    expectTypeOf(map((a: number, b: string) => ({ a, b }), [1], ["x"])).toEqualTypeOf<
      MapResult<{ a: number; b: string }>
    >();
    expectTypeOf(map((x: number) => x, [1], { kind: "process" })).resolves.toEqualTypeOf<
      number[]
    >();
    // @ts-expect-error: the task takes numbers, the iterable has strings
    map((x: number) => x, ["a"]);
    // @ts-expect-error: a typo in kind
    map((x: number) => x, [1], { kind: "threads" });
  });

  it("join() is typed by the task's return, and run checks the arguments", () => {
    expectTypeOf(run((a: number, b: number) => a + b, 1, 2)).toEqualTypeOf<Worker<number>>();
    expectTypeOf(runThread(async () => "done").join()).resolves.toEqualTypeOf<string>();
    expectTypeOf(run((q: Q<string>) => q.qsize(), new Q<string>())).toEqualTypeOf<Worker<number>>();
    // @ts-expect-error: wrong argument type
    run((a: number) => a, "1");
    // @ts-expect-error: missing argument
    runThread((a: number, b: number) => a + b, 1);
  });
});
