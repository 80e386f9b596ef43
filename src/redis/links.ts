/**
 * The Redis connections of this context: one shared link per server for everything that
 * does not block (puts, takes that return at once, acks, counts), and one link of its own
 * for each reader that waits in a blocking read. The client library is chosen here.
 */
import type { LinkFactory, RedisLink } from "./link.js";
import { nodeRedisLink } from "./node-redis.js";
import type { RedisTarget } from "./url.js";

const factory: LinkFactory = nodeRedisLink;
const shared = new Map<string, RedisLink>();

/** The link this context shares for `target`. */
export function sharedLink(target: RedisTarget): RedisLink {
  let link = shared.get(target.url);
  if (!link) {
    link = factory(target.url, "ezq");
    shared.set(target.url, link);
  }
  return link;
}

/** A new link of its own (for a blocking read), named `ezq-<role>`. */
export function ownLink(target: RedisTarget, role: string): RedisLink {
  return factory(target.url, `ezq-${role}`);
}

/** Closes every link of this context (tests, and an agent that stops). */
export function closeLinks(): void {
  for (const link of shared.values()) link.close();
  shared.clear();
}
