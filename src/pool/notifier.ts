/** Wakes whoever waits for a change of shared state; waiters re-check the state themselves. */
export class Notifier {
  #resolve: (() => void) | undefined;
  #waiting: Promise<void> | undefined;

  /** Settles at the next `notify()`. */
  wait(): Promise<void> {
    this.#waiting ??= new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
    return this.#waiting;
  }

  /** Something changed: wake every waiter. */
  notify(): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#waiting = undefined;
    resolve?.();
  }
}
