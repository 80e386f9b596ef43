/** The warm pools behind map: one per kind and worker options, shrunk when idle. */
import { closePools, map, poolStats, Q } from "ezq";
import { afterAll, describe, expect, it } from "vitest";
import { routes } from "../src/queue/routes.js";
import { eventually } from "./support/deadline.js";
import { isRunning } from "./support/processes.js";

afterAll(() => closePools());

const range = (n: number) => [...Array(n).keys()];

/** The pids of the process workers that ran a map of `num` workers. */
async function pidsOf(num: number, idleTimeout?: number): Promise<Set<number>> {
  const pids = await map(
    async (_: number) => {
      await new Promise((resolve) => setTimeout(resolve, 2)); // long enough to spread the items
      return process.pid;
    },
    range(16),
    { kind: "process", num, chunkSize: 1, ...(idleTimeout !== undefined && { idleTimeout }) },
  );
  return new Set(pids);
}

describe("map's warm pools", () => {
  it("keep one pool per kind and worker options; num limits the workers one call uses", async () => {
    await closePools();
    const all = new Set<number>();
    for (const num of [3, 4]) for (const pid of await pidsOf(num)) all.add(pid);
    const processPools = poolStats().filter((pool) => pool.kind === "process");
    expect(processPools).toHaveLength(1);
    expect(processPools[0]?.workers).toBeLessThanOrEqual(4);
    expect(all.size).toBeLessThanOrEqual(4);
    expect((await pidsOf(1)).size).toBe(1);
    await closePools();
  });

  it("let idle workers exit after the idle timeout, and the next map still works", async () => {
    await closePools();
    const pids = new Set<number>();
    for (const num of [1, 2, 3, 4]) for (const pid of await pidsOf(num, 200)) pids.add(pid);
    expect(await map((x: number) => x + 1, [1, 2], { idleTimeout: 200 })).toEqual([2, 3]);
    await eventually(
      () => poolStats().every((pool) => pool.workers === 0),
      "every pool without workers",
    );
    await eventually(() => [...pids].every((pid) => !isRunning(pid)), "no pool process alive");
    expect(await map((x: number) => x * 2, [1, 2], { kind: "process" })).toEqual([2, 4]);
    await closePools();
  });

  it("checks the idleTimeout option", () => {
    const same = (x: number) => x;
    expect(() => map(same, [1], { idleTimeout: -1 })).toThrow(
      /map option idleTimeout must be a number of milliseconds >= 0 or Infinity, received -1/,
    );
    expect(() => map(same, [1], { idleTimeout: "1s" as never })).toThrow(TypeError);
  });

  it("hold a queue carried by the items once per worker, and forget it once the workers are gone", async () => {
    await closePools();
    const before = routes.size;
    const q = new Q<number>();
    const n = 2000;
    const values = await map(
      (x: number, q: Q<number>) => (q.qsize() >= 0 ? x : -1),
      range(n),
      Array(n).fill(q),
      { num: 2, chunkSize: 10 },
    );
    expect(values).toEqual(range(n));
    expect(routes.size).toBe(before + 1);
    await closePools();
    await eventually(() => routes.size === before, "the queue forgotten for routing");
  });
});
