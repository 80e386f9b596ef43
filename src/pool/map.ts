/** `map`: a task applied to zipped iterables on a warm pool. */
import { ArgumentTypeError } from "../errors.js";
import { isPlainObject } from "../validate.js";
import { describeTask, type Task } from "../worker/task.js";
import { checkOptions, type MapOptions } from "./map-options.js";
import { MapResult } from "./map-result.js";
import { MapRun } from "./map-run.js";
import { ZipReader } from "./zip.js";

/** The iterables `map` zips for a task with parameters `A`. */
export type IterablesFor<A extends unknown[]> = {
  [K in keyof A]: Iterable<A[K]> | AsyncIterable<A[K]>;
};

/**
 * Applies `task` to the items of the iterables zipped together (`task(a, b)` for two
 * iterables; zip stops at the shortest) on a warm pool of workers. Iterables may be sync
 * or async, and infinite.
 *
 * The work starts at the call. The result is a `Promise` of the results array (`await`
 * it, or `then`/`catch`/`finally`; a failure nobody observes is an unhandled rejection)
 * and an async iterable: `for await` streams results as they complete, reading the input
 * lazily, with a bounded number of items in flight. An async input may wait for results
 * (a request/reply loop): results flow out meanwhile. A task that throws rejects with
 * its error, whose `itemIndex` is the failing item's index. Breaking out of the loop or
 * aborting the `signal` stops the work and leaves no worker running items of this call.
 *
 * @typeParam A - the task's parameters: one per iterable.
 * @typeParam R - what the task returns.
 * @param task - an inline function (or a `fromModule` reference) taking one item of each
 *   iterable.
 * @param iterables - the inputs: one iterable (sync or async) per parameter of `task`.
 * @returns the results in input order: iterate them with `for await` as they complete, or
 *   `await` them all as an array.
 *
 * @example
 * ```ts
 * console.log(await map((x: number) => x * 2, [0, 1, 2, 3, 4, 5]));
 * // => [ 0, 2, 4, 6, 8, 10 ]
 * for await (const line of map(render, pages, { kind: "process" })) console.log(line);
 * ```
 */
export function map<A extends unknown[], R>(
  task: Task<A, R>,
  ...iterables: IterablesFor<A>
): MapResult<Awaited<R>>;
/**
 * `map` with options after the iterables: the last argument is the options when it is a
 * plain object that is not iterable.
 *
 * @typeParam A - the task's parameters: one per iterable.
 * @typeParam R - what the task returns.
 * @param task - an inline function (or a `fromModule` reference) taking one item of each
 *   iterable.
 * @param iterablesAndOptions - the inputs, one iterable per parameter of `task`, then the
 *   options: `num` (workers), `kind` (`"thread"` or `"process"`), `chunkSize`, `ordered`,
 *   `signal`, `onProgress`, `worker` and `idleTimeout` (see {@link MapOptions}).
 * @returns the results: in input order, or as they complete with `ordered: false`.
 *
 * @example
 * ```ts
 * const lengths = await map((s: string) => s.length, ["a", "bb"], { kind: "process", num: 2 });
 * ```
 */
export function map<A extends unknown[], R>(
  task: Task<A, R>,
  ...iterablesAndOptions: [...IterablesFor<A>, MapOptions]
): MapResult<Awaited<R>>;
export function map(task: unknown, ...rest: unknown[]): MapResult<unknown> {
  const spec = describeTask(task, "map(task)");
  const last = rest[rest.length - 1];
  const options = isPlainObject(last) ? (rest.pop() as MapOptions) : {};
  const settings = checkOptions(options);
  if (rest.length === 0) {
    throw new ArgumentTypeError("map(task, ...iterables) needs at least one iterable of inputs");
  }
  const input = new ZipReader(rest);
  const run = new MapRun<unknown>(spec, input, ZipReader.knownLength(rest), settings);
  return MapResult.collect(run);
}
