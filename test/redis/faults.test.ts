// Faults: readers that die, a task that computes far longer than the dead-reader timeout,
// connections killed by the server, a server restarted mid-stream. Beats are fast here
// (every 100 ms, dead after 600 ms) so that deaths are noticed quickly.
process.env.EZQ_REDIS_BEAT_MS = "100";
process.env.EZQ_REDIS_DEAD_MS = "600";

import { Q, run, runThread } from "ezq";
import { expect, it } from "vitest";
import { withDeadline } from "../support/deadline.js";
import { ROOT, runScript, TSX } from "../support/run-script.js";
import { redisCommand } from "./support/raw.js";
import { describeRedis, uniqueName } from "./support/suite.js";

describeRedis("Redis queue faults", { aof: true }, (server) => {
  const open = <T>(name = uniqueName()) => new Q<T>("redis", { name, url: server().url });

  /** Copies every message of `q` to `out` until END (a reader that reports what it read). */
  const copier = async (q: Q<number>, out: Q<number>) => {
    for await (const msg of q) out.put(msg.data);
  };

  async function consumersOf(name: string): Promise<string[]> {
    const rows = (await redisCommand(server().url, [
      "XINFO",
      "CONSUMERS",
      `ezq:{${name}}:s`,
      "ezq",
    ])) as string[][];
    return rows.map((row) => row[1] as string);
  }

  it("a SIGKILLed reader loses nothing: its messages go to the others", async () => {
    const name = uniqueName();
    const q = open<number>(name);
    const out = open<number>();
    const doomed = run(copier, q, out);
    const survivor = runThread(copier, q, out);
    const N = 10_000;
    for (let i = 0; i < N; i++) q.put(i);
    const seen = new Set<number>();
    const reader = out[Symbol.asyncIterator]();
    while (seen.size < 2000) seen.add((await reader.next()).value.data);
    process.kill(doomed.pid as number, "SIGKILL");
    await doomed.join().catch(() => {});
    // Once the dead reader is reaped, its messages wait at the front; then the END.
    for (let i = 0; i < 100; i++) {
      if (!(await consumersOf(name)).some((c) => c.includes(`/${doomed.pid}/`))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    q.end();
    await withDeadline(survivor.join(), "the survivor");
    out.end();
    for (;;) {
      const step = await reader.next();
      if (step.done) break;
      seen.add(step.value.data);
    }
    expect(seen.size).toBe(N);
    expect([...seen].reduce((a, b) => a + b, 0)).toBe((N * (N - 1)) / 2);
  });

  it("a task computing many times longer than the dead timeout is not run twice", async () => {
    const name = uniqueName();
    const q = open<string>(name);
    const out = open<string>();
    q.put("long");
    // Computes for ~3.6 s (6 x the 600 ms dead timeout) with its event loop blocked.
    const busy = run(
      async (q: Q<string>, out: Q<string>) => {
        const msg = await q.get();
        out.put(`took ${msg.data}`);
        await out.size(); // the put has left: the test now starts another reader
        const until = Date.now() + 3600;
        while (Date.now() < until) {}
        out.put(`done ${msg.data}`);
      },
      q,
      out,
    );
    const events = out[Symbol.asyncIterator]();
    expect((await events.next()).value.data).toBe("took long");
    // Another reader takes from the same queue meanwhile, reaping every 100 ms.
    const other = runThread(async (q: Q<string>) => {
      const got: string[] = [];
      for await (const msg of q) got.push(msg.data);
      return got;
    }, q);
    expect((await withDeadline(events.next(), "the long task", 20_000)).value.data).toBe(
      "done long",
    );
    await busy.join();
    q.end();
    expect(await other.join()).toEqual([]);
  });

  it("CLIENT KILL of ezq's connections loses nothing and runs nothing twice", async () => {
    const q = open<number>();
    const N = 20_000;
    const reading = (async () => {
      const got: number[] = [];
      for await (const msg of q) got.push(msg.data);
      return got;
    })();
    for (let i = 0; i < N; i++) {
      q.put(i);
      if (i % 2000 === 1999) {
        await q.size(); // flushed
        await redisCommand(server().url, ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]);
      }
    }
    q.end();
    const got = await withDeadline(reading, "reading", 30_000);
    expect(got.length).toBe(N);
    expect(new Set(got).size).toBe(N);
  });

  it("a redis-server restarted mid-stream (AOF, fsync always) loses nothing put", async () => {
    if (!server().own) return; // an external server is not ours to restart
    const name = uniqueName();
    const q = open<number>(name);
    const out = open<number>();
    const reader = run(copier, q, out);
    const N = 10_000;
    for (let i = 0; i < N; i++) {
      q.put(i);
      if (i === N / 2) {
        await q.size();
        await server().restart();
      }
    }
    q.end();
    await withDeadline(reader.join(), "the reader", 30_000);
    out.end();
    const seen = new Set<number>();
    for await (const msg of out) seen.add(msg.data);
    expect(seen.size).toBe(N);
  });

  it("a script that is done exits by itself", async () => {
    const result = await runScript(TSX, ["test/redis/fixtures/done-exits.ts", server().url], {
      cwd: ROOT,
      deadlineMs: 20_000,
    });
    expect(result.stdout.trim()).toBe("4950");
    expect(result.code).toBe(0);
  });
});
