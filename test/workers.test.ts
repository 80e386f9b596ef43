import { createHash } from "node:crypto";
import {
  fromModule,
  run,
  runThread,
  TaskScopeError,
  TaskSourceError,
  ThrownValueError,
  Worker,
  WorkerExitError,
  WorkerTerminatedError,
} from "ezq";
import { describe, expect, it } from "vitest";
import type { sha1 } from "./fixtures/tasks.js";
import { KINDS } from "./support/kinds.js";

describe.each(KINDS)("%s workers", (kind, start) => {
  it("run a sync task and resolve join() with its return value", async () => {
    const worker = start((a: number, b: number) => ({ sum: a + b, when: new Date(0) }), 2, 3);
    expect(worker.kind).toBe(kind);
    const value = await worker.join();
    expect(value.sum).toBe(5);
    expect(value.when).toBeInstanceOf(Date);
    expect(worker.isAlive()).toBe(false);
  });

  it("run an async task that imports inside its body", async () => {
    const worker = start(async (text: string) => {
      const { createHash } = await import("node:crypto");
      return createHash("sha1").update(text).digest("hex");
    }, "ezq");
    expect(await worker.join()).toBe(createHash("sha1").update("ezq").digest("hex"));
  });

  it("run named inner functions (tsx/esbuild keepNames helpers are provided)", async () => {
    const worker = start((n: number) => {
      function square(x: number) {
        return x * x;
      }
      const cube = (x: number) => x * square(x);
      return [square(n), cube(n), square.name, cube.name];
    }, 3);
    expect(await worker.join()).toEqual([9, 27, "square", "cube"]);
  });

  it("expose pid for processes and threadId for threads", async () => {
    const worker = start(async () => {
      const { threadId } = await import("node:worker_threads");
      return { pid: process.pid, threadId };
    });
    const seen = await worker.join();
    if (kind === "process") {
      expect(worker.pid).toBe(seen.pid);
      expect(worker.pid).not.toBe(process.pid);
      expect(worker.threadId).toBeUndefined();
    } else {
      expect(worker.threadId).toBe(seen.threadId);
      expect(worker.pid).toBeUndefined();
    }
  });

  it("reject join() with the task's error: name, message, code, cause and remote stack", async () => {
    const worker = start(() => {
      class ValidationError extends Error {
        code = "E_INVALID";
        field = "email";
      }
      const error = new ValidationError("bad email", { cause: new RangeError("too long") });
      error.name = "ValidationError";
      throw error;
    });
    const error = (await worker.join().catch((e: unknown) => e)) as Error & {
      code: string;
      field: string;
    };
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ValidationError");
    expect(error.message).toBe("bad email");
    expect(error.code).toBe("E_INVALID");
    expect(error.field).toBe("email");
    expect(error.cause).toBeInstanceOf(RangeError);
    expect((error.cause as Error).message).toBe("too long");
    expect(error.stack).toContain("ValidationError: bad email");
  });

  it("keep built-in error classes", async () => {
    await expect(start(() => (null as unknown as object).toString()).join()).rejects.toBeInstanceOf(
      TypeError,
    );
  });

  it("wrap a thrown non-Error in ThrownValueError with the value", async () => {
    const error = await start(() => {
      throw { reason: "nope" };
    })
      .join()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrownValueError);
    expect((error as ThrownValueError).value).toEqual({ reason: "nope" });
    const text = await start(() => {
      throw "boom";
    })
      .join()
      .catch((e: unknown) => e);
    expect((text as ThrownValueError).value).toBe("boom");
  });

  it("name a variable from the caller's scope, and say how to fix it", async () => {
    const factor = 3;
    const error = await start((x: number) => x * factor, 2)
      .join()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskScopeError);
    expect((error as TaskScopeError).variable).toBe("factor");
    expect((error as Error).message).toMatch(/Pass `factor` as an argument/);
  });

  it("name a module import used from the caller's scope", async () => {
    const error = await start((text: string) => createHash("sha1").update(text).digest("hex"), "x")
      .join()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskScopeError);
    expect((error as TaskScopeError).variable).toBe("createHash");
  });

  it("run a task given by reference to a module export, with the module's imports", async () => {
    const url = new URL("./fixtures/tasks.ts", import.meta.url);
    const task = fromModule<typeof sha1>(url, "sha1");
    expect(await start(task, "ezq").join()).toBe(createHash("sha1").update("ezq").digest("hex"));
    expect(await start(fromModule<(x: number) => Promise<number>>(url), 21).join()).toBe(42);
    await expect(start(fromModule(url, "missing")).join()).rejects.toThrow(
      /no exported function "missing"/,
    );
  });

  it("terminate a running task: join() rejects with WorkerTerminatedError", async () => {
    const worker = start(() => new Promise(() => setInterval(() => {}, 1000)));
    expect(worker.isAlive()).toBe(true);
    await worker.terminate();
    expect(worker.isAlive()).toBe(false);
    await expect(worker.join()).rejects.toBeInstanceOf(WorkerTerminatedError);
  });

  it("finish when the task returns even if it left a timer running", async () => {
    const worker = start(() => {
      setInterval(() => {}, 1000);
      return "done";
    });
    expect(await worker.join()).toBe("done");
    expect(worker.isAlive()).toBe(false);
  });

  it("reject with WorkerExitError when the worker exits without a result", async () => {
    const error = await start(() => process.exit(3))
      .join()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
    expect((error as WorkerExitError).exitCode).toBe(3);
  });

  it("refuse what cannot be shipped, before starting anything", () => {
    const bound = ((x: number) => x).bind(null);
    expect(() => start(bound, 1)).toThrow(TaskSourceError);
    expect(() => start(bound, 1)).toThrow(/bound or native function/);
    expect(() => start(Math.max)).toThrow(/bound or native function/);
    const shorthand = {
      f(x: number) {
        return x;
      },
    }.f;
    expect(() => start(shorthand, 1)).toThrow(/method written in shorthand/);
    expect(() => start(class {} as never)).toThrow(/is a class/);
    expect(() => start("x => x" as never)).toThrow(TypeError);
    expect(() => start("x => x" as never)).toThrow(/must be a function, received "x => x"/);
    expect(() => start((f: () => void) => f, (() => 1) as never)).toThrow(
      /args\[0\]: it is a function/,
    );
  });
});

describe("Worker", () => {
  it("Worker.process and Worker.thread are run and runThread", async () => {
    expect(await Worker.process((x: number) => x + 1, 1).join()).toBe(2);
    expect(await Worker.thread((x: number) => x + 1, 1).join()).toBe(2);
  });

  it("a thread worker sees the caller's process.env as it is when the task starts", async () => {
    await runThread(() => 1).join(); // from here on, a thread is started ahead of need
    process.env.EZQ_TEST_VALUE = "changed after the thread started";
    try {
      const seen = await runThread(() => process.env.EZQ_TEST_VALUE).join();
      expect(seen).toBe("changed after the thread started");
    } finally {
      delete process.env.EZQ_TEST_VALUE;
    }
    expect(await runThread(() => process.env.EZQ_TEST_VALUE ?? "gone").join()).toBe("gone");
  });

  it("cannot be constructed directly", () => {
    expect(() => new (Worker as never as new () => unknown)()).toThrow(/Start workers with run/);
  });

  it("nests: a thread worker starts a process worker, and a process worker a thread worker", async () => {
    const viaThread = runThread(async (x: number) => {
      const { run } = await import("ezq");
      return run(async (y: number) => ({ y: y * 2, pid: process.pid }), x).join();
    }, 21);
    const viaProcess = run(async (x: number) => {
      const { runThread } = await import("ezq");
      return runThread((y: number) => y + 1, x).join();
    }, 41);
    const [fromThread, fromProcess] = await Promise.all([viaThread.join(), viaProcess.join()]);
    expect(fromThread.y).toBe(42);
    expect(fromThread.pid).not.toBe(process.pid);
    expect(fromProcess).toBe(42);
  });
});

describe("worker options", () => {
  it("run.with and runThread.with pass env and a name, keeping the task's arguments clean", async () => {
    const env = { EZQ_OPTION: "set" };
    const fromThread = await runThread
      .with({ env, name: "reader" })((x: number) => [x, process.env.EZQ_OPTION], 1)
      .join();
    expect(fromThread).toEqual([1, "set"]);
    const fromProcess = await run
      .with({ env })((x: number) => [x, process.env.EZQ_OPTION, process.env.PATH], 2)
      .join();
    expect(fromProcess).toEqual([2, "set", undefined]);
  });

  it("passes execArgv to processes and resourceLimits to threads", async () => {
    const flags = await run
      .with({ execArgv: ["--max-old-space-size=300"] })(async () => {
        const { getHeapStatistics } = await import("node:v8");
        return Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
      })
      .join();
    expect(flags).toBeGreaterThanOrEqual(300);
    expect(flags).toBeLessThan(400);
    const limited = runThread.with({ resourceLimits: { maxOldGenerationSizeMb: 16 } })(() => {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(100_000).fill(1));
    });
    await expect(limited.join()).rejects.toThrow(WorkerExitError);
  });

  it("names the worker in its errors", async () => {
    const error = await run
      .with({ name: "resizer" })(() => process.exit(4))
      .join()
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /process worker "resizer" \(pid \d+\) exited with code 4/,
    );
  });

  it("refuses bad options with a clear error", () => {
    expect(() => runThread.with({ env: { A: 1 as never } })).toThrow(
      /env.A must be a string, received 1/,
    );
    expect(() => run.with({ resourceLimits: {} })).toThrow(
      /resourceLimits applies to thread workers only/,
    );
    expect(() => run.with({ execArgv: "--inspect" as never })).toThrow(
      /execArgv must be an array of strings/,
    );
    expect(() => runThread.with({ nmae: "x" } as never)).toThrow(/unknown option "nmae"/);
  });
});
