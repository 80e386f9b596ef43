/**
 * How often readers prove they are alive, and how long a silent one has before its
 * messages go to others. Beats come from a side thread (see heartbeat.ts), so a task that
 * computes for minutes still beats; only a dead process or thread falls silent.
 *
 * Set by the environment, which workers and agents inherit: `EZQ_REDIS_BEAT_MS` (default
 * 500) and `EZQ_REDIS_DEAD_MS` (default 3000). A dead reader's messages come back after
 * `dead` plus at most one beat interval. Tests shorten both to prove that a task running
 * many times longer than `dead` is not redelivered.
 */
import { ArgumentRangeError } from "../errors.js";

/** The liveness timings of Redis queues in this context. */
export interface Timing {
  /** Milliseconds between beats, and between reaps of dead readers. */
  readonly beatMs: number;
  /** Milliseconds without a beat after which a reader is dead. */
  readonly deadMs: number;
}

function fromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 10) {
    throw new ArgumentRangeError(
      `${name} must be a whole number of milliseconds >= 10, received ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** The timings now, from the environment. */
export function timing(): Timing {
  const beatMs = fromEnv("EZQ_REDIS_BEAT_MS", 500);
  const deadMs = fromEnv("EZQ_REDIS_DEAD_MS", 3000);
  if (deadMs < 3 * beatMs) {
    throw new ArgumentRangeError(
      `EZQ_REDIS_DEAD_MS (${deadMs}) must be at least 3 times EZQ_REDIS_BEAT_MS (${beatMs}): a reader must miss several beats before it is declared dead`,
    );
  }
  return { beatMs, deadMs };
}
