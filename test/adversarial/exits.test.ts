/**
 * Adversarial: workers that end at the worst moment. Whatever the moment, nothing is
 * delivered twice, nothing hangs, and the error says how the worker ended.
 */
import { Q, run, runThread, WorkerExitError, WorkerTerminatedError } from "ezq";
import { describe, expect, it } from "vitest";
import { eventually } from "../support/deadline.js";
import { KINDS } from "../support/kinds.js";

/** Reads everything left in a queue at home, ENDs excluded. */
async function drain<T>(q: Q<T>): Promise<T[]> {
  const out: T[] = [];
  while (q.qsize() > 0) {
    const msg = await q.get();
    if (msg.kind !== "END") out.push(msg.data);
  }
  return out;
}

describe("a producer that dies mid-stream", () => {
  it("SIGKILL while putting: what arrived is a prefix, intact, with no duplicate", async () => {
    const q = new Q<number>();
    const started = new Q<number>();
    const worker = run(
      async (q: Q<number>, started: Q<number>) => {
        started.put(process.pid);
        for (let i = 0; ; i++) {
          q.put(i);
          if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
        }
      },
      q,
      started,
    );
    await started.get();
    await eventually(() => q.qsize() > 5_000, "5,000 messages put");
    process.kill(worker.pid as number, "SIGKILL");
    const error = await worker.join().catch((e: unknown) => e);
    expect((error as WorkerExitError).signal).toBe("SIGKILL");
    const got = await drain(q);
    expect(got).toEqual([...got.keys()]);
    // The queue still works after its producer died.
    q.put(-1);
    expect((await q.get()).data).toBe(-1);
  });

  it("terminate() while a thread puts: a prefix, intact, and WorkerTerminatedError", async () => {
    const q = new Q<number>();
    const worker = runThread(async (q: Q<number>) => {
      for (let i = 0; ; i++) {
        q.put(i);
        if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
      }
    }, q);
    await eventually(() => q.qsize() > 5_000, "5,000 messages put");
    await worker.terminate();
    await expect(worker.join()).rejects.toBeInstanceOf(WorkerTerminatedError);
    const got = await drain(q);
    expect(got).toEqual([...got.keys()]);
  });
});

describe.each(KINDS)("a %s task that ends itself abruptly", (kind, start) => {
  it("process.exit(0) mid-task rejects join() with the exit code instead of hanging", async () => {
    const error = await start(() => {
      process.exit(0);
    })
      .join()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect((error as WorkerExitError).exitCode).toBe(0);
    expect((error as WorkerExitError).message).toMatch(
      new RegExp(`${kind} worker .* exited with code 0`),
    );
  });

  it("process.exit(7) while holding messages from get() gives them back", async () => {
    const q = new Q<number>();
    for (let i = 0; i < 10; i++) q.put(i);
    const worker = start(async (q: Q<number>) => {
      await Promise.all([q.get(), q.get(), q.get()]);
      process.exit(7);
    }, q);
    const error = await worker.join().catch((e: unknown) => e);
    expect((error as WorkerExitError).exitCode).toBe(7);
    expect((await drain(q)).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });
});

describe("signals", () => {
  it("a process worker ended by SIGTERM says so", async () => {
    const started = new Q<number>();
    const worker = run(async (started: Q<number>) => {
      started.put(1);
      await new Promise(() => {});
    }, started);
    await started.get();
    process.kill(worker.pid as number, "SIGTERM");
    const error = await worker.join().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect((error as WorkerExitError).signal).toBe("SIGTERM");
  });

  it("stop() on readers that already died rejects with their errors and does not hang", async () => {
    const q = new Q<number>();
    const readers = [
      runThread(() => {
        throw new Error("died at once");
      }),
      run(() => process.exit(2)),
    ];
    await Promise.allSettled(readers.map((reader) => reader.join()));
    const error = await q.stop(readers).catch((e: unknown) => e);
    expect((error as AggregateError).errors).toHaveLength(2);
  });
});
