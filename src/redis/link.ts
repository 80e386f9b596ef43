/**
 * The few things ezq asks of a Redis client, in one small interface, so that the client
 * library (node-redis today) could change without touching the queue. Every operation
 * ezq sends is idempotent or made so (puts carry a sequence number, releases check the
 * owner), so a command lost with its connection is simply sent again.
 */
import { createHash } from "node:crypto";

/** A Lua script, known by its SHA1 so that it is sent in full only once per server. */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/** Makes a `Script`. */
export function script(name: string, source: string): Script {
  return { name, source, sha: createHash("sha1").update(source).digest("hex") };
}

/** One connection to a Redis server (reconnecting by itself when it is lost). */
export interface RedisLink {
  /** Sends one command. Commands sent in the same turn leave in one write (pipelined). */
  call(args: readonly string[]): Promise<unknown>;
  /** Runs a script (EVALSHA, then EVAL if the server does not know it yet). */
  run(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  /**
   * Keeps the process alive until the matching `letGo`: while ezq has work in flight on
   * this link. A link nobody holds never keeps a script from exiting.
   */
  hold(): void;
  letGo(): void;
  /** True when `error` came from the connection (lost, closed, refused), not from Redis itself. */
  isConnectionError(error: unknown): boolean;
  /** Closes the connection now; commands in flight fail. */
  close(): void;
}

/** How links are made: one function, so the client library is chosen in one place. */
export type LinkFactory = (url: string, name: string) => RedisLink;
