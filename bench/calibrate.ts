/** The CPU-bound task of the benchmarks, and how many iterations make it take ~1 ms here. */

/** The task: about 1 ms of arithmetic. */
export function spinTask(input: { spin: number }): number {
  let sum = 0;
  for (let i = 0; i < input.spin; i++) sum += Math.sqrt(i);
  return sum;
}

/**
 * Iterations that take about 1 ms here (measured once, after warming up). Each round takes
 * the fastest of five groups of four tasks: on a machine shared with other work, a group
 * that was descheduled for a while would otherwise shrink the task (a calibration under
 * load gave 2,000 "1 ms" tasks that ran in 480 ms).
 */
export function calibrate(): number {
  let spin = 100_000;
  for (let round = 0; round < 5; round++) {
    let perTask = Number.POSITIVE_INFINITY;
    for (let group = 0; group < 5; group++) {
      const start = performance.now();
      for (let i = 0; i < 4; i++) spinTask({ spin });
      perTask = Math.min(perTask, (performance.now() - start) / 4);
    }
    spin = Math.round(spin / perTask);
  }
  return spin;
}
