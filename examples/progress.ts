/**
 * Progress for long work: a terminal progress bar (cli-progress) over a long `map`, fed by
 * `map`'s `onProgress` and the pool's own counters from `poolStats()`.
 */
import { SingleBar } from "cli-progress";
import { map, poolStats } from "ezq";

/** Is `n` prime? Trial division: slow on purpose, so that there is progress to show. */
function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

const numbers = Array.from({ length: 200_000 }, (_, i) => 1_000_000_000 + i);
const bar = new SingleBar({
  format:
    "primes {bar} {percentage}% | {value}/{total} | {busy}/{workers} workers busy | {ms} ms in tasks",
  stream: process.stdout, // drawn only on a terminal; piped output gets the summary alone
  hideCursor: true,
});
bar.start(numbers.length, 0, { busy: 0, workers: 0, ms: 0 });

const results = await map(isPrime, numbers, {
  onProgress: ({ done }) => {
    const [pool] = poolStats();
    bar.update(done, { busy: pool?.busy ?? 0, workers: pool?.workers ?? 0, ms: pool?.taskMs ?? 0 });
  },
});
bar.stop();

const primes = results.filter(Boolean).length;
console.log(`${primes} primes among the ${numbers.length} numbers from 1,000,000,000`);
