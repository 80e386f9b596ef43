/**
 * One thread started ahead of need. A new worker thread takes ~25 ms before it can run
 * anything (Node's bootstrap, then loading ezq into a fresh isolate); after the first
 * `runThread`, ezq keeps one more thread starting in the background, so the next
 * `runThread` begins at once. The spare runs exactly one task, like any new thread, so
 * isolation is unchanged; it is unref'd (it never keeps a script alive), and the task's
 * environment (`process.env`) is sent with the task, so a spare is never stale.
 */
import type { Child } from "./spawn.js";
import { spawnChild } from "./spawn.js";

let spare: Child | undefined;
let closed = false;

/** A thread for a new task: the spare if there is one, else a new thread. */
export function takeThread(): Child {
  const ready = spare?.isAlive() ? spare : undefined;
  spare = undefined;
  closed = false;
  // Start the next spare once this task has had its turn to begin.
  setImmediate(refill);
  if (!ready) return spawnChild("thread");
  ready.link.ref();
  return ready;
}

function refill(): void {
  if (spare || closed) return;
  const child = spawnChild("thread");
  child.link.unref();
  spare = child;
  void child.exited.then(() => {
    if (spare === child) spare = undefined;
  });
}

/** Stops the spare thread, if any. */
export async function closeSpare(): Promise<void> {
  closed = true;
  const child = spare;
  spare = undefined;
  await child?.kill();
}
