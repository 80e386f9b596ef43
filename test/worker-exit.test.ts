/**
 * Nothing is lost when a worker ends: its last messages, its return value and its output
 * all arrive; a crash reports the exit code Node gives; busy children do not outlive a
 * killed parent; and a thread leaves no zombie processes behind.
 */
import { ArgumentRangeError, Q, runThread, WorkerExitError } from "ezq";
import { describe, expect, it } from "vitest";
import { eventually } from "./support/deadline.js";
import { KINDS } from "./support/kinds.js";
import { describeProcess, exists, isRunning, startFixture } from "./support/processes.js";
import { runScript, TSX } from "./support/run-script.js";

describe.each(KINDS)("a %s worker's last words", (_kind, start) => {
  it("50,000 puts just before the task returns all arrive", async () => {
    const q = new Q<number>();
    await start((q: Q<number>) => {
      for (let i = 0; i < 50_000; i++) q.put(i);
    }, q).join();
    expect(q.qsize()).toBe(50_000);
    let sum = 0;
    for await (const msg of q.items()) sum += msg.data;
    expect(sum).toBe((50_000 * 49_999) / 2);
  });

  it("a 4 MB message put just before the task returns arrives whole", async () => {
    const q = new Q<string>();
    await start((q: Q<string>) => {
      q.put("x".repeat(4 * 1024 * 1024));
    }, q).join();
    expect((await q.get()).data.length).toBe(4 * 1024 * 1024);
  });

  it("a 4 MB return value arrives whole", async () => {
    const value = await start(() => "y".repeat(4 * 1024 * 1024)).join();
    expect(value.length).toBe(4 * 1024 * 1024);
  });

  it("500,000 puts in one synchronous loop reach a queue two levels up", async () => {
    const q = new Q<number>();
    await start(async (q: Q<number>) => {
      const { run } = await import("ezq");
      await run((q: Q<number>) => {
        for (let i = 0; i < 500_000; i++) q.put(i);
      }, q).join();
    }, q).join();
    expect(await q.size()).toBe(500_000);
  });
});

describe("a worker's output", () => {
  it("1 MB written to stdout just before the task returns reaches a piped stdout whole", async () => {
    const result = await runScript(TSX, ["test/fixtures/big-output.ts"]);
    expect(result.stderr).toBe("");
    const out = result.stdout.trim();
    expect(out.length).toBe(2_000_000);
    expect(out.replaceAll("p", "").length).toBe(1_000_000);
    expect(out.replaceAll("t", "").length).toBe(1_000_000);
  });
});

describe.each(KINDS)("a crashed %s worker", (_kind, start) => {
  it("reports exit code 1 and the error for an exception thrown from a timer", async () => {
    const error = await start(() => {
      setTimeout(() => {
        throw new TypeError("thrown from a timer");
      }, 1);
      return new Promise(() => {});
    })
      .join()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect((error as WorkerExitError).exitCode).toBe(1);
    expect((error as WorkerExitError).cause).toBeInstanceOf(TypeError);
    expect(((error as WorkerExitError).cause as Error).message).toBe("thrown from a timer");
  });

  it("reports exit code 1 and the reason for an unhandled rejection", async () => {
    const error = await start(() => {
      void Promise.reject(new RangeError("nobody caught me"));
      return new Promise(() => {});
    })
      .join()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect((error as WorkerExitError).exitCode).toBe(1);
    expect(((error as WorkerExitError).cause as Error).message).toBe("nobody caught me");
  });
});

describe("no orphans, no zombies", () => {
  it.each(["SIGTERM", "SIGKILL"] as const)(
    "process workers in a busy loop end within 2 s of their parent's %s",
    async (signal) => {
      const fixture = await startFixture("test/fixtures/busy-children.ts");
      const busy = fixture.line as number[];
      expect(busy.every(isRunning)).toBe(true);
      fixture.kill(signal);
      await eventually(() => !busy.some(isRunning), "the busy children gone", 2_000).catch(() => {
        throw new Error(`still running: ${busy.filter(isRunning).map(describeProcess)}`);
      });
    },
  );

  it("process workers of a thread that ended are reaped while the main process lives", async () => {
    const fixture = await startFixture("test/fixtures/thread-forks.ts");
    try {
      const forked = fixture.line as number[];
      expect(forked).toHaveLength(2);
      await eventually(() => !forked.some(exists), "the forked children reaped", 3_000).catch(
        () => {
          throw new Error(`left behind: ${forked.filter(exists).map(describeProcess)}`);
        },
      );
    } finally {
      fixture.kill("SIGKILL");
    }
  });
});

describe("worker options a thread cannot take", () => {
  it("an invalid execArgv for a thread is an ArgumentRangeError naming the flags", () => {
    expect(() => runThread.with({ execArgv: ["--no-such-flag"] })(() => 1)).toThrow(
      ArgumentRangeError,
    );
    expect(() => runThread.with({ execArgv: ["--no-such-flag"] })(() => 1)).toThrow(
      /--no-such-flag.*process worker/,
    );
  });
});
