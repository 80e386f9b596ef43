// The README's "Beyond one machine" example runs as shown, against a server and two
// agents of its own.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { ROOT, runScript, TSX } from "../support/run-script.js";
import { startAgent, TEST_SECRET } from "./support/agents.js";
import { describeRedis } from "./support/suite.js";

const readme = readFileSync(`${ROOT}README.md`, "utf8");
const block = /## Beyond one machine[\s\S]*?```typescript\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";

describeRedis("README: beyond one machine", {}, (server) => {
  it("runs as shown", async () => {
    const agents = [startAgent(server().url), startAgent(server().url)];
    try {
      await Promise.all(agents.map((agent) => agent.logged(/serving/)));
      const saved = { url: process.env.EZQ_REDIS_URL, secret: process.env.EZQ_SECRET };
      process.env.EZQ_REDIS_URL = server().url;
      process.env.EZQ_SECRET = TEST_SECRET;
      const { writeFileSync, mkdirSync } = await import("node:fs");
      mkdirSync(`${ROOT}.tmp`, { recursive: true });
      writeFileSync(`${ROOT}.tmp/readme-cluster.ts`, block);
      const result = await runScript(TSX, [".tmp/readme-cluster.ts"], {
        deadlineMs: 60_000,
      }).finally(() => {
        process.env.EZQ_REDIS_URL = saved.url;
        process.env.EZQ_SECRET = saved.secret;
      });
      expect(result.stderr).toBe("");
      const printed = result.stdout.trim().split("\n");
      for (const [, line] of block.matchAll(/\/\/ => (.*)$/gm)) expect(printed).toContain(line);
    } finally {
      for (const agent of agents) await agent.kill();
    }
  });
});
