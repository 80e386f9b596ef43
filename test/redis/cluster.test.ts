// map and run on agents (`ezq worker`) through Redis: results, errors, signing, and an
// agent killed mid-map. Beats are fast here, so that a dead agent is noticed quickly.
process.env.EZQ_REDIS_BEAT_MS = "100";
process.env.EZQ_REDIS_DEAD_MS = "600";
process.env.EZQ_SECRET = "0123456789abcdef0123456789abcdef";

import { ClusterRefusedError, map, Q, run, SecretError } from "ezq";
import { afterEach, beforeAll, expect, it } from "vitest";
import { encode } from "../../src/codec/codec.js";
import { RedisBackend } from "../../src/redis/backend.js";
import { payloadToText } from "../../src/redis/entry.js";
import { seal } from "../../src/redis/sign.js";
import { resolveTarget } from "../../src/redis/url.js";
import { JOBS_QUEUE, type JobBody } from "../../src/worker/cluster-protocol.js";
import { withDeadline } from "../support/deadline.js";
import { ROOT, runScript, TSX } from "../support/run-script.js";
import { startAgent, TEST_SECRET, type TestAgent } from "./support/agents.js";
import { describeRedis, uniqueName } from "./support/suite.js";

describeRedis("map and run on agents", {}, (server) => {
  const agents: TestAgent[] = [];
  const agent = (args: string[] = ["--concurrency", "1"]) => {
    const started = startAgent(server().url, args);
    agents.push(started);
    return started;
  };

  beforeAll(async () => {
    await Promise.all([agent(), agent()].map((a) => withDeadline(a.logged(/serving/), "an agent")));
  });

  afterEach(async () => {
    // Agents started by one test are stopped by it; the two shared ones stay.
    for (const extra of agents.splice(2)) await extra.kill();
  });

  it("maps over the agents, results in input order", async () => {
    const squares = await withDeadline(
      map(
        (x: number) => x * x,
        Array.from({ length: 20_000 }, (_, i) => i),
        { cluster: server().url },
      ),
      "map",
      30_000,
    );
    expect(squares.length).toBe(20_000);
    expect(squares[1234]).toBe(1234 * 1234);
  });

  it("rejects with the task's error and its item index", async () => {
    const failing = map(
      (x: number) => {
        if (x === 7) throw new RangeError("seven");
        return x;
      },
      [1, 2, 7, 8],
      { cluster: server().url },
    );
    await expect(failing).rejects.toMatchObject({
      name: "RangeError",
      message: "seven",
      itemIndex: 2,
    });
  });

  it("run.with({ cluster }) runs a task on an agent; join() works as locally", async () => {
    const add = run.with({ cluster: server().url });
    expect(await add((a: number, b: number) => a + b, 2, 3).join()).toBe(5);
    const q = new Q<number>("redis", { name: uniqueName(), url: server().url });
    const summer = add(async (q: Q<number>) => {
      let total = 0;
      for await (const msg of q) total += msg.data;
      return total;
    }, q);
    for (let i = 0; i < 100; i++) q.put(i);
    await q.stop(summer);
    expect(await summer.join()).toBe(4950);
    await expect(add(() => Promise.reject(new TypeError("nope"))).join()).rejects.toThrow("nope");
  });

  it("refuses local queues for agents, saying what to use", () => {
    expect(() => run.with({ cluster: server().url })((q: Q) => q, new Q())).toThrow(
      /cannot reach an agent on another machine; use a queue in Redis/,
    );
  });

  it("an agent refuses to start without EZQ_SECRET, and map without it throws", async () => {
    const saved = process.env.EZQ_SECRET;
    process.env.EZQ_SECRET = "";
    try {
      const refused = await runScript(TSX, ["src/cli/ezq.ts", "worker", server().url], {
        cwd: ROOT,
        deadlineMs: 20_000,
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/needs EZQ_SECRET/);
      expect(() => map((x: number) => x, [1], { cluster: server().url })).toThrow(SecretError);
      process.env.EZQ_SECRET = "too short";
      expect(() => map((x: number) => x, [1], { cluster: true })).toThrow(/only 9 bytes/);
    } finally {
      process.env.EZQ_SECRET = saved;
    }
  });

  it("refuses unsigned, forged, stale and replayed jobs, logging why", async () => {
    const watcher = agent(["--concurrency", "1"]);
    await watcher.logged(/serving/);
    const jobs = new Q<string>("redis", { name: JOBS_QUEUE, url: server().url });
    const ran = new Q<string>("redis", { name: uniqueName(), url: server().url });
    const job = (tag: string): JobBody => ({
      t: "run",
      spec: {
        source: `(q) => { q.put(${JSON.stringify(tag)}); }`,
        name: "",
        caller: undefined,
        tag: 0,
      },
      items: payloadToText(encode([[ran]], "args", { target: "process" })),
      count: 1,
      reply: uniqueName("reply"),
      seq: 1,
    });
    jobs.put("plain text, no signature");
    jobs.put(
      seal(Buffer.from("another secret of thirty-two bytes!!"), JSON.stringify(job("forged"))),
    );
    jobs.put(
      seal(Buffer.from(TEST_SECRET), JSON.stringify(job("stale")), Date.now() - 10 * 60_000),
    );
    const once = seal(Buffer.from(TEST_SECRET), JSON.stringify(job("replayed")));
    jobs.put(once).put(once);
    const logs = () => agents.map((a) => a.log()).join("");
    const until = Date.now() + 20_000;
    while (
      !(
        /unsigned/.test(logs()) &&
        /bad signature/.test(logs()) &&
        /stale/.test(logs()) &&
        /replayed/.test(logs())
      )
    ) {
      if (Date.now() > until) throw new Error(`not all refusals logged:\n${logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await withDeadline(ran.get(), "the one job that runs")).data).toBe("replayed");
    ran.end();
    expect(await collectData(ran)).toEqual([]);
  });

  it("an agent SIGKILLed mid-map loses nothing: every result exactly once", async () => {
    const doomed = agent(["--concurrency", "1"]);
    await doomed.logged(/serving/);
    let killed = false;
    const items = Array.from({ length: 3000 }, (_, i) => i);
    const results = await withDeadline(
      map(
        (x: number) => {
          const until = Date.now() + 1;
          while (Date.now() < until) {}
          return x + 1;
        },
        items,
        {
          cluster: server().url,
          chunkSize: 20,
          onProgress: ({ done }) => {
            if (done > 300 && !killed) {
              killed = true;
              void doomed.kill();
            }
          },
        },
      ),
      "map with a dying agent",
      60_000,
    );
    expect(killed).toBe(true);
    expect(results).toEqual(items.map((x) => x + 1));
  });

  it("agents announce their workers: the live ones count, a stopped or dead one drops out", async () => {
    const jobs = new RedisBackend({
      name: JOBS_QUEUE,
      target: resolveTarget("test", server().url),
    });
    const capacityBecomes = async (expected: number, what: string) => {
      const until = Date.now() + 10_000;
      let seen = await jobs.capacity();
      while (seen !== expected) {
        if (Date.now() > until) throw new Error(`${what}: capacity ${seen}, not ${expected}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        seen = await jobs.capacity();
      }
    };
    try {
      await capacityBecomes(2, "the two shared agents of 1 worker");
      const stopped = agent(["--concurrency", "3"]);
      await stopped.logged(/serving/);
      await capacityBecomes(5, "a third agent of 3 workers");
      stopped.process.kill("SIGTERM");
      await new Promise((resolve) => stopped.process.once("exit", resolve));
      await capacityBecomes(2, "after the third left on SIGTERM");
      const killed = agent(["--concurrency", "4"]);
      await killed.logged(/serving/);
      await capacityBecomes(6, "a fourth agent of 4 workers");
      await killed.kill(); // SIGKILL: no goodbye; its beats stop
      await capacityBecomes(2, "after the fourth was SIGKILLed");
    } finally {
      await jobs.close();
    }
  });

  it("a refused job rejects with ClusterRefusedError", () => {
    expect(new ClusterRefusedError("stale").code).toBe("EZQ_CLUSTER_REFUSED");
  });

  it("stops its agents", async () => {
    for (const a of agents.splice(0)) await a.kill();
  });
});

async function collectData(q: Q<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const msg of q) out.push(msg.data);
  return out;
}
