/** Fault injection: dead readers, dead workers, killed parents, cancellation. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  closePools,
  map,
  poolStats,
  Q,
  run,
  runThread,
  type Worker,
  WorkerDeathsError,
  WorkerExitError,
  WorkerTerminatedError,
} from "ezq";
import { afterAll, describe, expect, it } from "vitest";
import { collect } from "./support/collect.js";
import { eventually } from "./support/deadline.js";
import { describeProcess, isRunning, startFixture } from "./support/processes.js";
import { runScript, TSX } from "./support/run-script.js";

afterAll(() => closePools());

/** Echoes each message to `out`, slowly enough that a kill lands mid-stream. */
const echo = async (q: Q<number>, out: Q<number>) => {
  for await (const msg of q) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    out.put(msg.data);
  }
};

describe("a dead reader loses no message", () => {
  it("two process readers, one killed with SIGKILL mid-stream: the output holds all 1,000", async () => {
    const q = new Q<number>();
    const out = new Q<number>();
    const readers = [run(echo, q, out), run(echo, q, out)];
    for (let i = 0; i < 1000; i++) q.put(i);
    await eventually(() => out.qsize() >= 100);
    process.kill(readers[0]?.pid as number, "SIGKILL");
    const stopped = await q.stop(readers).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(WorkerExitError);
    expect((stopped as WorkerExitError).signal).toBe("SIGKILL");
    const seen = new Set((await collect(out.items())).map((msg) => msg.data));
    expect(seen.size).toBe(1000);
  });

  it("two thread readers, one stopped with terminate() mid-stream: the output holds all 1,000", async () => {
    const q = new Q<number>();
    const out = new Q<number>();
    const readers = [runThread(echo, q, out), runThread(echo, q, out)];
    for (let i = 0; i < 1000; i++) q.put(i);
    await eventually(() => out.qsize() >= 100);
    await readers[0]?.terminate();
    await expect(q.stop(readers)).rejects.toBeInstanceOf(WorkerTerminatedError);
    const seen = new Set((await collect(out.items())).map((msg) => msg.data));
    expect(seen.size).toBe(1000);
  });

  it("a relaying worker that dies returns what its own workers held", async () => {
    const q = new Q<number>();
    const out = new Q<number>();
    const middle = run(
      async (q: Q<number>, out: Q<number>) => {
        const { runThread } = await import("ezq");
        const inner = runThread(
          async (q: Q<number>, out: Q<number>) => {
            for await (const msg of q) {
              await new Promise((resolve) => setTimeout(resolve, 1));
              out.put(msg.data);
            }
          },
          q,
          out,
        );
        await inner.join();
      },
      q,
      out,
    );
    const survivor = run(echo, q, out);
    for (let i = 0; i < 500; i++) q.put(i);
    await eventually(() => out.qsize() >= 50);
    process.kill(middle.pid as number, "SIGKILL");
    await expect(q.stop([middle, survivor])).rejects.toBeInstanceOf(WorkerExitError);
    const seen = new Set((await collect(out.items())).map((msg) => msg.data));
    expect(seen.size).toBe(500);
  });
});

describe("dead workers never hang anything", () => {
  it("join() of a killed worker rejects with the signal", async () => {
    const worker = run(() => new Promise(() => setInterval(() => {}, 1000)));
    process.kill(worker.pid as number, "SIGKILL");
    const error = await worker.join().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect((error as WorkerExitError).signal).toBe("SIGKILL");
    expect((error as WorkerExitError).message).toMatch(/was killed by SIGKILL/);
  });

  it("stop() settles when a worker died before reading its END, and the others finish", async () => {
    const q = new Q<number>();
    const out = new Q<number>();
    const sum = async (q: Q<number>, out: Q<number>) => {
      let total = 0;
      for await (const msg of q) total += msg.data;
      out.put(total);
    };
    const workers: Worker[] = [run(sum, q, out), run(sum, q, out), runThread(sum, q, out)];
    process.kill(workers[0]?.pid as number, "SIGKILL");
    await expect(workers[0]?.join()).rejects.toBeInstanceOf(WorkerExitError);
    for (let i = 1; i <= 100; i++) q.put(i);
    await expect(q.stop(workers)).rejects.toBeInstanceOf(WorkerExitError);
    expect(workers.every((worker) => !worker.isAlive())).toBe(true);
    const totals = (await collect(out.items())).map((msg) => msg.data);
    expect(totals).toHaveLength(2);
    expect(totals.reduce((a, b) => a + b, 0)).toBe(5050);
  });

  it.each(["thread", "process"] as const)(
    "map on %s workers replaces a worker that died and finishes",
    async (kind) => {
      const dir = mkdtempSync(join(tmpdir(), "ezq-death-"));
      try {
        const marker = join(dir, "died-once");
        const result = await map(
          async (x: number, marker: string) => {
            const fs = await import("node:fs");
            if (x === 5 && !fs.existsSync(marker)) {
              fs.writeFileSync(marker, "");
              process.exit(1); // the first time only: the retry on a new worker succeeds
            }
            return x * 10;
          },
          [...Array(20).keys()],
          Array(20).fill(marker),
          { kind, num: 2, chunkSize: 2 },
        );
        expect(result).toEqual([...Array(20).keys()].map((x) => x * 10));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("map rejects with WorkerDeathsError after a bounded number of deaths", async () => {
    const error = await map(
      (x: number) => {
        if (x === 3) process.exit(1);
        return x;
      },
      [...Array(10).keys()],
      { kind: "process", num: 2, chunkSize: 1 },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkerDeathsError);
    expect((error as WorkerDeathsError).cause).toBeInstanceOf(WorkerExitError);
  });
});

describe("map counts worker deaths", () => {
  it.each(["thread", "process"] as const)(
    "on %s workers, once per dead worker, not once per chunk it held",
    async (kind) => {
      const dir = mkdtempSync(join(tmpdir(), "ezq-deaths-"));
      try {
        const counter = join(dir, "deaths");
        // One worker holding two chunks dies twice: two deaths, under the bound of three.
        const result = await map(
          async (x: number, counter: string) => {
            const fs = await import("node:fs");
            const deaths = fs.existsSync(counter) ? Number(fs.readFileSync(counter, "utf8")) : 0;
            if (x === 3 && deaths < 2) {
              fs.writeFileSync(counter, String(deaths + 1));
              process.exit(1);
            }
            return x;
          },
          [...Array(8).keys()],
          Array(8).fill(counter),
          { kind, num: 1, chunkSize: 1 },
        );
        expect(result).toEqual([...Array(8).keys()]);
        expect(readFileSync(counter, "utf8")).toBe("2");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("no orphans", () => {
  it("a parent killed with SIGKILL leaves none of its child processes alive 2 seconds later", async () => {
    const fixture = await startFixture("test/fixtures/orphan-parent.ts");
    const pids = [...new Set(fixture.line as number[])];
    expect(pids.length).toBeGreaterThanOrEqual(5);
    expect(pids.every(isRunning)).toBe(true);
    // tsx runs the script in a child node process: the kill reaches it and tsx alike.
    fixture.kill("SIGKILL");
    await eventually(() => !pids.some(isRunning), "the children gone", 2_000).catch(() => {});
    expect(pids.filter(isRunning).map(describeProcess)).toEqual([]);
  });
});

describe("scripts end by themselves", () => {
  it("a script using queues, workers of both kinds and map exits with no shutdown code", async () => {
    const result = await runScript(TSX, ["test/fixtures/ends-by-itself.ts"], {
      deadlineMs: 30_000,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("9900 2,3,4 2,3,4");
    expect(result.code).toBe(0);
  });
});

describe("no silent failures", () => {
  it("a failed worker that nobody joined is reported on stderr, and the script exits with code 1", async () => {
    const result = await runScript(TSX, ["test/fixtures/unjoined-failure.ts"], {
      deadlineMs: 30_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /ezq: a thread worker failed and join\(\) was never called:\nRangeError: nobody listens/,
    );
    expect(result.stderr).not.toMatch(/joined later/);
  });
});

describe("cancellation", () => {
  it("breaking out of map stops running tasks and starts no more", async () => {
    const started = new Q<number>();
    const pids = new Set<number>();
    function* naturals() {
      for (let i = 0; ; i++) yield i;
    }
    for await (const value of map(
      (x: number, started: Q<number>) => {
        started.put(process.pid);
        if (x === 0) return 0;
        const until = Date.now() + 60_000;
        while (Date.now() < until) {
          // a long task: breaking out must stop it, not wait for it
        }
        return x;
      },
      naturals(),
      (function* () {
        for (;;) yield started;
      })(),
      { kind: "process", num: 2, chunkSize: 1 },
    )) {
      expect(value).toBe(0);
      break;
    }
    while (started.qsize() > 0) pids.add((await started.get()).data);
    expect(pids.size).toBeGreaterThan(0);
    await eventually(() => [...pids].every((pid) => !isRunning(pid)), "the stopped workers gone");
    const startedBefore = started.qsize();
    // A map given to the same pool after the break runs to its end: the pool serves calls in
    // order, so an item of the broken map still queued or on its way would have started first.
    await map((x: number) => x, [1, 2], { kind: "process", num: 2, chunkSize: 1 });
    expect(poolStats().find((pool) => pool.kind === "process")?.busy).toBe(0);
    expect(started.qsize()).toBe(startedBefore);
  });

  it("an infinite input is read lazily: items read ahead stay under a bound", async () => {
    let produced = 0;
    let consumed = 0;
    let mostAhead = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        produced++;
        yield i;
      }
    }
    for await (const _ of map((x: number) => x, naturals(), { num: 2 })) {
      consumed++;
      mostAhead = Math.max(mostAhead, produced - consumed);
      if (consumed === 300_000) break;
    }
    // 2 workers x 2 chunks in flight x 2 (done, not yet yielded) x at most 8192 items a chunk.
    expect(mostAhead).toBeLessThanOrEqual(2 * 2 * 2 * 8192);
  });
});
