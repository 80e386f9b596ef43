/** Waiting on events with a bound: a test that would hang fails instead, naming what it awaited. */

/** Settles as `promise` does; rejects if it has not settled within `deadlineMs` (a bound, not a speed claim). */
export async function withDeadline<T>(
  promise: Promise<T>,
  what: string,
  deadlineMs = 10_000,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: nothing within ${deadlineMs} ms`)),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `check` holds, polling; fails after `deadlineMs` (a bound, not a speed claim). */
export async function eventually(
  check: () => boolean,
  what = "the condition",
  deadlineMs = 10_000,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what}: not so within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
