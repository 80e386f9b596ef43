/**
 * A Redis server for one test file: started before its tests and stopped after them.
 * Without Redis the file's tests are skipped (see notice.ts), except under CI=true, where
 * a missing Redis fails the run.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, it } from "vitest";
import { closeLinks } from "../../../src/redis/links.js";
import { redisAvailable, startRedis, type TestRedis } from "./server.js";

/** Runs `body` with a server of its own, or skips it where Redis cannot be had. */
export function describeRedis(
  title: string,
  options: { aof?: boolean },
  body: (server: () => TestRedis) => void,
): void {
  if (!redisAvailable && process.env.CI === "true") {
    describe(title, () => {
      it("needs Redis under CI", () => {
        throw new Error("CI=true but no redis-server on PATH and no EZQ_TEST_REDIS_URL");
      });
    });
    return;
  }
  describe.skipIf(!redisAvailable)(title, () => {
    let server: TestRedis | undefined;
    beforeAll(async () => {
      server = await startRedis(options);
    });
    afterAll(async () => {
      closeLinks();
      await server?.stop();
    });
    body(() => server as TestRedis);
  });
}

/** A queue name no other test uses. */
export function uniqueName(prefix = "t"): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}
