/**
 * The keys of one Redis queue. They share the hash tag `{name}`, so they live in one
 * slot of a Redis Cluster and one script may touch them all.
 */
import { ArgumentRangeError, ArgumentTypeError, preview } from "../errors.js";

/** The consumer group of every queue: one per queue, shared by all its readers. */
export const GROUP = "ezq";
/** The consumer that holds handed-back messages until a reader takes them. */
export const FREE = "ezq:free";

/** The keys of the queue called `name`. */
export interface QueueKeys {
  readonly stream: string;
  readonly beats: string;
  /** How many messages each reader that says so can work on at once (an agent's workers), by consumer. */
  readonly workers: string;
  readonly reapLock: string;
  readonly lastReap: string;
  /** The dedupe key of one producer. */
  producer(id: string): string;
  /** Every fixed key, for deleting a queue. */
  readonly all: readonly string[];
}

/** Checks a queue name: a non-empty string without braces (they would break the hash tag). */
export function checkName(what: string, name: unknown): string {
  if (typeof name !== "string") {
    throw new ArgumentTypeError(`${what} must be a string, received ${preview(name)}`);
  }
  if (name.length === 0 || name.length > 200 || /[{}\s]/.test(name)) {
    throw new ArgumentRangeError(
      `${what} must be 1 to 200 characters without spaces or braces, received ${preview(name)}`,
    );
  }
  return name;
}

/** The keys of the queue `name`. */
export function queueKeys(name: string): QueueKeys {
  const base = `ezq:{${name}}:`;
  const keys = {
    stream: `${base}s`,
    beats: `${base}hb`,
    workers: `${base}w`,
    reapLock: `${base}reap`,
    lastReap: `${base}reaped`,
  };
  return {
    ...keys,
    producer: (id: string) => `${base}p:${id}`,
    all: Object.values(keys),
  };
}
