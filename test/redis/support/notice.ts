/** Says once, for the whole run, when the Redis tests are skipped, and how to enable them. */
import { HOW_TO_ENABLE, redisAvailable } from "./server.js";

export function setup(): void {
  if (!redisAvailable && process.env.CI !== "true") console.log(HOW_TO_ENABLE);
}
