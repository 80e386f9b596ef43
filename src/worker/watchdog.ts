/**
 * A child process must not outlive its parent. The IPC channel's `disconnect` event says
 * when the parent is gone, but only to an event loop that is free to hear it: a task in a
 * synchronous CPU loop would keep the whole CPU busy long after its parent died. So each
 * child process also runs this tiny thread, which shares nothing with the task's event
 * loop, looks at its parent process id twice a second, and kills the process once the
 * parent has been gone for two looks in a row (the `disconnect` path gets the first
 * chance to exit cleanly).
 */
import { Worker } from "node:worker_threads";

/** How often the watchdog looks at the parent. Two misses end the process: within ~0.5-0.75 s. */
const INTERVAL_MS = 250;

// Plain CommonJS, evaluated in the thread: nothing to load, so it starts in a few ms. The
// parent pid comes from /proc where there is one (it changes the moment the parent dies,
// even while the dead parent waits to be reaped); elsewhere, signal 0 asks if it lives.
const SOURCE = `
  const { readFileSync } = require("node:fs");
  const { workerData } = require("node:worker_threads");
  const { parent, intervalMs } = workerData;
  function currentParent() {
    try {
      const stat = readFileSync("/proc/self/stat", "latin1");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      try {
        process.kill(parent, 0);
        return parent;
      } catch {
        return -1;
      }
    }
  }
  let misses = 0;
  setInterval(() => {
    misses = currentParent() === parent ? 0 : misses + 1;
    if (misses >= 2) process.kill(process.pid, "SIGKILL");
  }, intervalMs);
`;

/** Starts the watchdog of this child process; it never keeps the process alive. */
export function watchParent(): void {
  const watchdog = new Worker(SOURCE, {
    eval: true,
    // Not the parent's flags: under tsx they would load a TypeScript loader for nothing.
    execArgv: [],
    workerData: { parent: process.ppid, intervalMs: INTERVAL_MS },
    stdout: true,
    stderr: true,
  });
  // Losing the watchdog must not crash the task it watches over.
  watchdog.on("error", () => {});
  watchdog.unref();
}
