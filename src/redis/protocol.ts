/**
 * What callers and agents say to each other through Redis: jobs on one queue that every
 * agent reads, replies on a queue of each caller's own. Both travel inside signed
 * envelopes (sign.ts).
 */
import type { ChunkOutcome } from "../worker/outcome.js";
import type { TaskSpec } from "../worker/task.js";

/** The queue of jobs that every agent of a server reads. */
export const JOBS_QUEUE = "ezq-jobs";

/** A job: one chunk of `map` items, or one `run` task (a chunk of one tuple of arguments). */
export interface JobBody {
  readonly t: "map" | "run";
  readonly spec: TaskSpec;
  /** The encoded argument tuples. */
  readonly items: string;
  readonly count: number;
  /** The caller's reply queue. */
  readonly reply: string;
  /** The caller's number for this job: replies carry it back. */
  readonly seq: number;
}

/** A reply: the chunk's outcome, or why there is none. */
export interface ReplyBody {
  readonly seq: number;
  readonly outcome?: ChunkOutcome;
  /** The agent's worker died running the job: the caller may send it again. */
  readonly died?: { label: string; code: number | null; signal: NodeJS.Signals | null };
  /** The agent would not run the job (stale, replayed). */
  readonly refused?: string;
}
