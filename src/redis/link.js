/**
 * The few things ezq asks of a Redis client, in one small interface, so that the client
 * library (node-redis today) could change without touching the queue. Every operation
 * ezq sends is idempotent or made so (puts carry a sequence number, releases check the
 * owner), so a command lost with its connection is simply sent again.
 */
import { createHash } from "node:crypto";
/** Makes a `Script`. */
export function script(name, source) {
  return { name, source, sha: createHash("sha1").update(source).digest("hex") };
}
