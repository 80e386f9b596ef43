/**
 * What callers and agents say to each other through Redis: jobs on one queue that every
 * agent reads, replies on a queue of each caller's own. Both travel inside signed
 * envelopes (redis/sign.ts), as JSON: payloads inside them are text (redis/entry.ts
 * `payloadToText`), bytes included.
 */
import type { TaskSpec } from "./task.js";

/** The queue of jobs that every agent of a server reads. */
export const JOBS_QUEUE = "ezq-jobs";

/** A job: one chunk of `map` items, or one `run` task (a chunk of one tuple of arguments). */
export interface JobBody {
  readonly t: "map" | "run";
  readonly spec: TaskSpec;
  /** The encoded argument tuples, as text. */
  readonly items: string;
  readonly count: number;
  /** The caller's reply queue. */
  readonly reply: string;
  /** The caller's number for this job: replies carry it back. */
  readonly seq: number;
}

/** A reply: the chunk's results, its error, or why there is none. */
export interface ReplyBody {
  readonly seq: number;
  /** The chunk ran to its end: its encoded results (as text) and the time spent. */
  readonly done?: { values: string; ms: number };
  /**
   * The chunk failed: the encoded error (as text), a `ChunkError` when the task threw,
   * carrying the results before the failing item, as a local pool's worker rejects.
   */
  readonly error?: string;
  /** The agent's worker died running the job: the caller may send it again. */
  readonly died?: { label: string; code: number | null; signal: NodeJS.Signals | null };
  /** The agent would not run the job (stale, replayed). */
  readonly refused?: string;
}
