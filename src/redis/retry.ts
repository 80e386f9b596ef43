/**
 * Sending again what a lost connection swallowed. Every operation of a Redis queue is
 * safe to repeat (see link.ts), so the only question is when: soon after the connection
 * drops, then once a second. An error from Redis itself (a wrong password, a key of the
 * wrong type) is reported on stderr, at most every ten seconds, and tried again too: a
 * put cannot fail at its call once it returned, and what it put must not be dropped.
 */
import type { RedisLink } from "./link.js";

const REPORT_EVERY_MS = 10_000;
/** When this context last reported an error from Redis. */
const reported = { last: 0 };

/**
 * Runs `op` until it succeeds; `what` names it in reports. The link is held (keeping the
 * process alive) for `holdMs` at most: a put is held until it is in Redis, an ack only
 * for a while, since a lost ack costs a message run twice, not a message lost.
 */
export async function retrying<T>(
  link: RedisLink,
  what: string,
  op: () => Promise<T>,
  holdMs = Number.POSITIVE_INFINITY,
): Promise<T> {
  const until = Date.now() + holdMs;
  let held = true;
  link.hold();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (error) {
        if (!link.isConnectionError(error)) report(what, error);
        if (held && Date.now() > until) {
          held = false;
          link.letGo();
        }
        await sleep(Math.min(20 * 2 ** attempt, 1000), held);
      }
    }
  } finally {
    if (held) link.letGo();
  }
}

/** Says on stderr that `what` failed, at most every ten seconds. */
export function report(what: string, error: unknown): void {
  const now = Date.now();
  if (now - reported.last < REPORT_EVERY_MS) return;
  reported.last = now;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ezq: ${what} failed (${message}); trying again\n`);
}

/**
 * Waits `ms`. By default the timer keeps the process alive, as the operation it delays
 * would; a wait nobody needs (reading ahead) passes `keepAlive: false`.
 */
export function sleep(ms: number, keepAlive = true): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!keepAlive) timer.unref();
  });
}
