/** Measuring helpers: alternate contenders, repeat, take medians. */
import { median } from "./median.js";

/** One way of doing the thing measured; returns its figure for one run. */
export interface Contender {
  name: string;
  /** Prepares (start pools, warm up); not measured. */
  setup?(): Promise<void>;
  run(): Promise<number>;
  teardown?(): Promise<void>;
}

export interface Row {
  name: string;
  median: number;
  runs: number[];
}

/** Runs every contender `runs` times, alternating them, and returns the medians. */
export async function compare(contenders: Contender[], runs: number): Promise<Row[]> {
  for (const contender of contenders) await contender.setup?.();
  const figures = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) figures.get(contender.name)?.push(await contender.run());
  }
  for (const contender of contenders) await contender.teardown?.();
  return contenders.map((c) => {
    const values = figures.get(c.name) as number[];
    return { name: c.name, median: median(values), runs: values };
  });
}

/** Milliseconds `fn` takes. */
export async function timed(fn: () => PromiseLike<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Rounds a figure for display: 3 significant digits. */
export function round(value: number): number {
  return Number(value.toPrecision(3));
}
