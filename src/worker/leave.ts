/**
 * How a worker leaves. It exits only once its parent has everything it sent: the parent
 * says so with an `exit` frame after the task's outcome arrived, and the outcome travels
 * behind every message the task put. Then, before `process.exit` (which would discard
 * them), the worker waits for its own IPC writes still in flight, flushes stdout and
 * stderr, and stops the workers it started itself, so that they are reaped rather than
 * left as zombies of a thread that is gone.
 */
import type { Link } from "../transport/link.js";
import { closeChildren } from "./spawn.js";

/** The longest a worker spends leaving; past it, it exits with what it has. */
const LEAVE_DEADLINE_MS = 4_000;

/**
 * How this worker leaves through `link`: the function returned exits with a code once what
 * was sent has left, at most after the deadline. Only its first call counts.
 */
export function departure(link: Link): (code: number) => void {
  let leaving = false;
  return (code) => {
    if (leaving) return;
    leaving = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, LEAVE_DEADLINE_MS);
    });
    void Promise.race([settle(link), deadline]).then(() => {
      clearTimeout(timer);
      process.exit(code);
    });
  };
}

async function settle(link: Link): Promise<void> {
  // Nothing can leave by a closed link: its parent is gone.
  if (!link.closed) await link.drain();
  await Promise.all([flushed(process.stdout), flushed(process.stderr), closeChildren()]);
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function flushed(stream: NodeJS.WritableStream & { writableLength?: number }): Promise<void> {
  if (!stream.writable || stream.writableLength === 0) return Promise.resolve();
  // Writes complete in order: the callback of an empty write comes after all before it.
  return new Promise((resolve) => stream.write("", () => resolve()));
}
