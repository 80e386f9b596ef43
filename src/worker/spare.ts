/**
 * One thread started ahead of need. A new worker thread takes ~25 ms before it can run
 * anything (Node's bootstrap, then loading ezq into a fresh isolate); after the first
 * `runThread`, ezq keeps one more thread starting in the background, so the next
 * `runThread` begins at once. The spare runs exactly one task, like any new thread, so
 * isolation is unchanged; it is unref'd (it never keeps a script alive). It has the
 * environment (`process.env`) of the moment it started: if the caller's has changed since,
 * the new one is sent with the task, so a spare is never stale.
 */
import type { Env } from "./api.js";
import type { Child } from "./child.js";
import { spawnChild } from "./spawn.js";

/** A thread for a task, and the environment to send it if it started with another one. */
export interface TakenThread {
  child: Child;
  env: Env | undefined;
}

/** The spare thread of this context. */
class SpareThread {
  #spare: { child: Child; env: Env } | undefined;
  #closed = false;

  /** A thread for a new task: the spare if there is one, else a new thread. */
  take(): TakenThread {
    const ready = this.#spare?.child.isAlive() ? this.#spare : undefined;
    this.#spare = undefined;
    this.#closed = false;
    // Start the next spare once this task has had its turn to begin.
    setImmediate(() => this.#refill());
    if (!ready) return { child: spawnChild("thread"), env: undefined };
    ready.child.link.ref();
    return { child: ready.child, env: changedSince(ready.env) };
  }

  /** Stops the spare thread, if any. */
  async close(): Promise<void> {
    this.#closed = true;
    const spare = this.#spare;
    this.#spare = undefined;
    await spare?.child.kill();
  }

  #refill(): void {
    if (this.#spare || this.#closed) return;
    // A thread starts with a copy of process.env as it is now.
    const spare = { child: spawnChild("thread"), env: { ...process.env } };
    spare.child.link.unref();
    this.#spare = spare;
    void spare.child.exited.then(() => {
      if (this.#spare === spare) this.#spare = undefined;
    });
  }
}

/** `process.env` now, if it differs from `then`; else `undefined`: nothing to send. */
function changedSince(then: Env): Env | undefined {
  const now = process.env;
  const keys = Object.keys(now);
  const same =
    keys.length === Object.keys(then).length && keys.every((key) => then[key] === now[key]);
  return same ? undefined : { ...now };
}

/** The spare thread of this context: `runThread` takes it, `closePools()` stops it. */
export const spareThread = new SpareThread();
