/** Queues across contexts: a port of Python ezq's process tests, then mixing and nesting. */
import { NUM_CPUS, Q, run, runThread, type Worker, WorkersFailedError } from "ezq";
import { describe, expect, it } from "vitest";
import { routes } from "../src/queue/routes.js";
import { collect } from "./support/collect.js";
import { KINDS } from "./support/kinds.js";

async function dataOf<T>(q: Q<T>): Promise<T[]> {
  return (await collect(q.items())).map((msg) => msg.data);
}

describe.each(KINDS)("Python test_ezq.py with %s workers", (_kind, start) => {
  it("one worker sums 1000 messages and checks its fixed arguments", async () => {
    const nMsg = 1000;
    const nSum = (nMsg * (nMsg - 1)) / 2;
    const q = new Q<number>();
    const worker = start(
      async (q: Q<number>, nMsg: number, nSum: number) => {
        let result = 0;
        let count = 0;
        for await (const msg of q) {
          result += msg.data;
          count++;
        }
        if (count !== nMsg) throw new Error(`expected ${nMsg} messages, got ${count}`);
        if (result !== nSum) throw new Error(`expected a sum of ${nSum}, got ${result}`);
      },
      q,
      nMsg,
      nSum,
    );
    for (let i = 0; i < nMsg; i++) q.put(i);
    await q.stop(worker);
  });

  it("several workers with a per-worker argument count every message once", async () => {
    const inQ = new Q<number>();
    const outQ = new Q<number>();
    const workers = Array.from({ length: NUM_CPUS }, (_, num) =>
      start(
        async (inQ: Q<number>, outQ: Q<number>, num: number, cpus: number) => {
          if (num > cpus) throw new Error("expected the worker number to be below NUM_CPUS");
          let count = 0;
          for await (const msg of inQ) count += msg.data;
          outQ.put(count);
        },
        inQ,
        outQ,
        num,
        NUM_CPUS,
      ),
    );
    for (let i = 0; i < 1000; i++) inQ.put(1);
    await inQ.stop(workers);
    const counts = await dataOf(outQ);
    expect(counts).toHaveLength(NUM_CPUS);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it("a worker reads with get() and sees kind and order", async () => {
    const q = new Q<string>();
    const worker = start(async (q: Q<string>) => {
      const first = await q.get();
      const second = await q.get();
      return [first.data, first.kind, first.order, second.kind];
    }, q);
    q.put("hello", { kind: "greeting", order: 7 }).end();
    expect(await worker.join()).toEqual(["hello", "greeting", 7, "END"]);
  });

  it("a worker puts to a queue of the main thread, and qsize counts it there", async () => {
    const out = new Q<number>();
    await start((out: Q<number>) => {
      for (let i = 0; i < 5; i++) out.put(i);
    }, out).join();
    expect(out.qsize()).toBe(5);
    expect(await dataOf(out)).toEqual([0, 1, 2, 3, 4]);
  });

  it("size() counts exactly from a worker, and from its own worker in turn", async () => {
    const q = new Q<number>();
    for (let i = 0; i < 7; i++) q.put(i);
    const counts = await start(async (q: Q<number>) => {
      const { runThread } = await import("ezq");
      const before = q.qsize(); // nothing read here yet: nothing known
      const exact = await q.size();
      const nested = await runThread(async (q: Q<number>) => q.size(), q).join();
      return [before, exact, nested, q.qsize()];
    }, q).join();
    expect(counts).toEqual([0, 7, 7, 7]);
    expect(await q.size()).toBe(7);
  });

  it("bad data put in a worker throws there, with its path", async () => {
    const out = new Q();
    const worker = start((out: Q) => {
      out.put({ nested: { fn: () => 1 } });
    }, out);
    await expect(worker.join()).rejects.toThrow(/data\.nested\.fn: it is a function/);
    expect(out.qsize()).toBe(0);
  });
});

describe("queues across contexts", () => {
  it("mixes producers and consumers in the main thread, threads and processes", async () => {
    const work = new Q<number>();
    const done = new Q<number>();
    const consume = async (work: Q<number>, done: Q<number>) => {
      for await (const msg of work) done.put(msg.data);
    };
    const produce = (work: Q<number>, from: number) => {
      for (let i = from; i < from + 250; i++) work.put(i);
    };
    const consumers = [run(consume, work, done), runThread(consume, work, done)];
    const producers = [run(produce, work, 0), runThread(produce, work, 250)];
    for (let i = 500; i < 750; i++) work.put(i);
    await Promise.all(producers.map((worker) => worker.join()));
    await work.stop(consumers);
    const seen = (await dataOf(done)).sort((a, b) => a - b);
    expect(seen).toEqual([...Array(750).keys()]);
  });

  it("nests: a process worker's threads write to the main thread's queue", async () => {
    const out = new Q<number>();
    const worker = run(async (out: Q<number>) => {
      const { runThread } = await import("ezq");
      const threads = [0, 1, 2].map((n) =>
        runThread(
          (out: Q<number>, n: number) => {
            for (let i = 0; i < 10; i++) out.put(n * 100 + i);
          },
          out,
          n,
        ),
      );
      await Promise.all(threads.map((thread) => thread.join()));
    }, out);
    await worker.join();
    expect((await dataOf(out)).sort((a, b) => a - b)).toEqual(
      [0, 1, 2].flatMap((n) => Array.from({ length: 10 }, (_, i) => n * 100 + i)),
    );
  });

  it("nests: a thread worker's process worker reads the main thread's queue", async () => {
    const work = new Q<number>();
    const worker = runThread(async (work: Q<number>) => {
      const { run } = await import("ezq");
      return run(async (work: Q<number>) => {
        let sum = 0;
        for await (const msg of work) sum += msg.data;
        return sum;
      }, work).join();
    }, work);
    for (let i = 1; i <= 100; i++) work.put(i);
    work.end();
    expect(await worker.join()).toBe(5050);
  });

  it("a worker's own queue reaches its own workers", async () => {
    const worker = run(async () => {
      const { Q, runThread } = await import("ezq");
      const q = new Q<number>("thread");
      const out = new Q<number>();
      const readers = [0, 1].map(() =>
        runThread(
          async (q: Q<number>, out: Q<number>) => {
            for await (const msg of q) out.put(msg.data * 2);
          },
          q,
          out,
        ),
      );
      for (let i = 0; i < 10; i++) q.put(i);
      await q.stop(readers);
      let sum = 0;
      for await (const msg of out.items()) sum += msg.data;
      return sum;
    });
    expect(await worker.join()).toBe(90);
  });

  it('refuses a "thread" queue for a process worker, before starting it', () => {
    const q = new Q("thread");
    expect(() => run((q: Q) => q.qsize(), q)).toThrow(
      /"thread" Q, which cannot reach a process worker/,
    );
  });

  it("sorted() and items({ sort }) order messages written by several workers", async () => {
    const out = new Q<number>();
    const writers = [0, 1, 2].map((w) =>
      runThread(
        (out: Q<number>, w: number) => {
          for (let i = w; i < 30; i += 3) out.put(i, { order: i });
        },
        out,
        w,
      ),
    );
    await Promise.all(writers.map((writer) => writer.join()));
    expect(await collect(out.items({ sort: true }))).toEqual(
      [...Array(30).keys()].map((i) => expect.objectContaining({ data: i, order: i })),
    );
  });

  it("a worker reads its handle with sorted()", async () => {
    const q = new Q<number>();
    for (const order of [2, 0, 1, 4, 3]) q.put(order * 10, { order });
    q.end();
    const seen = await runThread(async (q: Q<number>) => {
      const out: number[] = [];
      for await (const msg of q.sorted()) out.push(msg.data);
      return out;
    }, q).join();
    expect(seen).toEqual([0, 10, 20, 30, 40]);
  });

  it("a reader that breaks out early hands back what it took ahead", async () => {
    const q = new Q<number>();
    for (let i = 0; i < 100; i++) q.put(i);
    const first = await run(async (q: Q<number>) => {
      const seen: number[] = [];
      for await (const msg of q) {
        seen.push(msg.data);
        if (seen.length === 10) break;
      }
      return seen;
    }, q).join();
    expect(first).toEqual([...Array(10).keys()]);
    expect(await dataOf(q)).toEqual([...Array(90).keys()].map((i) => i + 10));
  });
});

describe("routing memory", () => {
  it("a queue is remembered for routing only while a worker that received it lives", async () => {
    const before = routes.size;
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const q = new Q<number>().put(i).end();
        return runThread(async (q: Q<number>) => (await q.get()).data, q).join();
      }),
    );
    expect(results).toEqual([...Array(20).keys()]);
    expect(routes.size).toBe(before);
    const kept = new Q<number>();
    const reader = runThread(async (q: Q<number>) => (await q.get()).data, kept);
    expect(routes.size).toBe(before + 1);
    kept.put(7);
    expect(await reader.join()).toBe(7);
    expect(routes.size).toBe(before);
  });
});

describe("Q.stop", () => {
  it("waits for every worker, then rejects with the one failure", async () => {
    const q = new Q<number>();
    const reader = async (q: Q<number>, fail: boolean) => {
      for await (const _ of q) {
        // drain
      }
      if (fail) throw new RangeError("worker failed on purpose");
    };
    const workers: Worker[] = [run(reader, q, false), runThread(reader, q, true)];
    await expect(q.stop(workers)).rejects.toThrow(RangeError);
    expect(workers.every((worker) => !worker.isAlive())).toBe(true);
  });

  it("rejects with WorkersFailedError holding each error when several fail", async () => {
    const q = new Q();
    const failing = async (q: Q, n: number) => {
      for await (const _ of q) {
        // drain
      }
      throw new Error(`failure ${n}`);
    };
    const error = await q
      .stop([runThread(failing, q, 1), runThread(failing, q, 2)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkersFailedError);
    expect((error as WorkersFailedError).errors.map((e: Error) => e.message).sort()).toEqual([
      "failure 1",
      "failure 2",
    ]);
  });
});

describe.each(KINDS)("get() in a %s worker", (_kind, start) => {
  it("two get() calls at once take two messages, and neither comes back when the task ends", async () => {
    const q = new Q<number>();
    for (let i = 1; i <= 5; i++) q.put(i);
    const got = await start(async (q: Q<number>) => {
      const [a, b] = await Promise.all([q.get(), q.get()]);
      return [a.data, b.data].sort();
    }, q).join();
    expect(got).toEqual([1, 2]);
    const rest: number[] = [];
    while (q.qsize() > 0) rest.push((await q.get()).data);
    expect(rest).toEqual([3, 4, 5]);
  });

  it("a message from get() that the task had not finished goes back if the worker dies", async () => {
    const q = new Q<number>();
    for (let i = 1; i <= 3; i++) q.put(i);
    const worker = start(async (q: Q<number>) => {
      await q.get(); // message 1: still being worked on when the worker dies
      process.exit(3);
    }, q);
    await worker.join().catch(() => undefined);
    const rest: number[] = [];
    while (q.qsize() > 0) rest.push((await q.get()).data);
    expect(rest).toEqual([1, 2, 3]);
  });
});
