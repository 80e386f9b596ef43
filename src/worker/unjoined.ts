/**
 * Failures of workers whose `join()` was never called. Python ezq printed a failed task's
 * traceback in the child and moved on; ezq says so when the process exits, unless the
 * failure was observed by then (a later `join()` or `stop()` counts), and sets the exit
 * code to 1, as Node does for a rejection nobody handled.
 */
import type { ContextName } from "../constants.js";

/** A worker as this report names it. */
interface Failed {
  readonly kind: ContextName;
}

class UnjoinedFailures {
  readonly #failures = new Map<Failed, unknown>();
  #reporting = false;

  /** `worker` failed with `error`, and nobody has joined it yet. */
  add(worker: Failed, error: unknown): void {
    this.#failures.set(worker, error);
    if (this.#reporting) return;
    this.#reporting = true;
    process.once("exit", () => this.#report());
  }

  /** Someone joined `worker`: its failure, if any, is observed. */
  observed(worker: Failed): void {
    this.#failures.delete(worker);
  }

  #report(): void {
    for (const [worker, error] of this.#failures) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(
        `ezq: a ${worker.kind} worker failed and join() was never called:\n${detail}\n`,
      );
    }
    if (this.#failures.size > 0 && !process.exitCode) process.exitCode = 1;
  }
}

/** The failures nobody joined in this context. */
export const unjoined = new UnjoinedFailures();
