/** Plain Redis commands for tests that look at what a queue left in Redis. */
import { nodeRedisLink } from "../../../src/redis/node-redis.js";

/** Sends one command to the server at `url` on a link of its own, then closes it. */
export async function redisCommand(url: string, args: string[]): Promise<unknown> {
  const link = nodeRedisLink(url, "ezq-test");
  try {
    return await link.call(args);
  } finally {
    link.close();
  }
}
