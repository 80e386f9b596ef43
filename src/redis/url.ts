/**
 * Where a Redis queue lives: its URL, checked once, and the same URL without credentials
 * (the form that travels inside a queue handle). Credentials stay in the context that
 * was given them; a worker that receives a handle takes them from its own environment.
 */
import { ArgumentRangeError, ArgumentTypeError, preview } from "../errors.js";

/** The URL used when none is given and `EZQ_REDIS_URL` is not set. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** A Redis server, as ezq connects to it. */
export interface RedisTarget {
  /** The URL with credentials, to connect with. Never sent anywhere. */
  readonly url: string;
  /** The URL without user and password: what a handle carries and errors show. */
  readonly publicUrl: string;
}

/** The URL a queue uses when given `url` (or none): `url`, then `EZQ_REDIS_URL`, then the default. */
export function resolveTarget(what: string, url: unknown): RedisTarget {
  const text = url ?? process.env.EZQ_REDIS_URL ?? DEFAULT_REDIS_URL;
  if (typeof text !== "string") {
    throw new ArgumentTypeError(
      `${what} must be a redis:// or rediss:// URL string, received ${preview(text)}`,
    );
  }
  const parsed = parse(what, text);
  return { url: parsed.href, publicUrl: publicForm(parsed) };
}

/**
 * The target for a handle that arrived with `publicUrl`: the credentials come from this
 * context's `EZQ_REDIS_URL` when it names the same server (workers inherit the
 * environment), else the server is reached without them.
 */
export function targetFromHandle(publicUrl: string): RedisTarget {
  const env = process.env.EZQ_REDIS_URL;
  if (env) {
    try {
      const own = new URL(env);
      if (publicForm(own) === publicUrl) return { url: own.href, publicUrl };
    } catch {
      // A malformed EZQ_REDIS_URL is reported when it is used as a default, not here.
    }
  }
  return { url: publicUrl, publicUrl };
}

function parse(what: string, text: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ArgumentRangeError(
      `${what} must be a URL such as redis://user:password@host:6379/0, received ${preview(text)}`,
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ArgumentRangeError(
      `${what} must start with redis:// (or rediss:// for TLS), received ${preview(publicForm(parsed))}`,
    );
  }
  if (parsed.pathname !== "" && parsed.pathname !== "/" && !/^\/\d+$/.test(parsed.pathname)) {
    throw new ArgumentRangeError(
      `${what} may end with a database number (/0), received ${preview(publicForm(parsed))}`,
    );
  }
  return parsed;
}

/** The URL without user and password, database `/0` made explicit so that equal servers compare equal. */
function publicForm(url: URL): string {
  const db = /^\/(\d+)$/.exec(url.pathname)?.[1] ?? "0";
  return `${url.protocol}//${url.host}/${db}`;
}
