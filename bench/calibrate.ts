/** The CPU-bound task of the benchmarks, and how many iterations make it take ~1 ms here. */

/** The task: about 1 ms of arithmetic. */
export function spinTask(input: { spin: number }): number {
  let sum = 0;
  for (let i = 0; i < input.spin; i++) sum += Math.sqrt(i);
  return sum;
}

/** Iterations that take about 1 ms here (measured once, after warming up). */
export function calibrate(): number {
  let spin = 100_000;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < 20; i++) spinTask({ spin });
    const perTask = (performance.now() - start) / 20;
    spin = Math.round(spin / perTask);
  }
  return spin;
}
