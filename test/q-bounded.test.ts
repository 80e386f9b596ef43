/** A bounded Q: put throws when full, putAsync waits for room, in every context. */
import { ArgumentRangeError, ArgumentTypeError, Q, QueueFullError } from "ezq";
import { describe, expect, it } from "vitest";
import { withDeadline } from "./support/deadline.js";
import { KINDS } from "./support/kinds.js";

describe("a bounded Q at home", () => {
  it("put throws QueueFullError at maxsize and leaves the queue as it was", () => {
    const q = new Q<number>("thread", { maxsize: 2 });
    q.put(1).put(2);
    expect(() => q.put(3)).toThrow(QueueFullError);
    expect(() => q.put(3)).toThrow(/maxsize 2.*putAsync/);
    expect(q.qsize()).toBe(2);
    expect(q.maxsize).toBe(2);
  });

  it("end() always goes in, so stop() works on a full queue", async () => {
    const q = new Q<number>("thread", { maxsize: 1 });
    q.put(1).end();
    const read: number[] = [];
    for await (const msg of q) read.push(msg.data);
    expect(read).toEqual([1]);
  });

  it("putAsync waits for room, then puts, in the order the waits began", async () => {
    const q = new Q<number>("thread", { maxsize: 1 });
    q.put(0);
    const order: number[] = [];
    const a = q.putAsync(1).then(() => order.push(1));
    const b = q.putAsync(2).then(() => order.push(2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]); // full: both wait
    expect((await q.get()).data).toBe(0);
    await a;
    expect(order).toEqual([1]);
    expect((await q.get()).data).toBe(1);
    await b;
    expect((await q.get()).data).toBe(2);
    expect(order).toEqual([1, 2]);
  });

  it("a queue without a bound never refuses a put", () => {
    const q = new Q<number>();
    for (let i = 0; i < 10_000; i++) q.put(i);
    expect(q.maxsize).toBe(Number.POSITIVE_INFINITY);
  });

  it("checks its options", () => {
    expect(() => new Q("process", { maxsize: 0 })).toThrow(ArgumentRangeError);
    expect(() => new Q("process", { maxsize: "5" as never })).toThrow(ArgumentTypeError);
    expect(() => new Q("process", { maxSize: 5 } as never)).toThrow(/unknown option "maxSize"/);
  });
});

describe.each(KINDS)("a bounded Q in a %s worker", (_kind, start) => {
  it("a fast producer with putAsync never has more than maxsize waiting", async () => {
    const q = new Q<number>("process", { maxsize: 5 });
    const producer = start(async (q: Q<number>) => {
      for (let i = 0; i < 200; i++) await q.putAsync(i);
      q.end();
    }, q);
    const seen: number[] = [];
    let most = 0;
    for await (const msg of q) {
      most = Math.max(most, q.qsize());
      seen.push(msg.data);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await producer.join();
    expect(seen).toEqual([...Array(200).keys()]);
    expect(most).toBeLessThanOrEqual(5);
  });

  it("put in the worker throws QueueFullError once it has filled the queue", async () => {
    const q = new Q<number>("process", { maxsize: 3 });
    const result = await start((q: Q<number>) => {
      let put = 0;
      try {
        for (;;) {
          q.put(put);
          put++;
        }
      } catch (error) {
        return [put, (error as Error).name, (error as { maxsize: number }).maxsize];
      }
    }, q).join();
    expect(result).toEqual([3, "QueueFullError", 3]);
    expect(q.qsize()).toBe(3);
  });

  it("putAsync in the worker resumes once the main thread reads", async () => {
    const q = new Q<number>("process", { maxsize: 1 });
    q.put(-1);
    const producer = start(async (q: Q<number>) => {
      await q.putAsync(1);
      return "put";
    }, q);
    expect((await q.get()).data).toBe(-1);
    expect(await withDeadline(producer.join(), "putAsync after room was made")).toBe("put");
    expect((await q.get()).data).toBe(1);
  });
});

describe("a read that can never be served", () => {
  it("ends the script with a QueueStarvedError that says why, not a silent exit 13", async () => {
    const { runScript, TSX } = await import("./support/run-script.js");
    const result = await runScript(TSX, ["test/fixtures/starved-read.ts"], { deadlineMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /QueueStarvedError: a read of a queue waits for a message that can never come/,
    );
    expect(result.stdout).toBe("");
  });

  it("a read that a pending timer will serve is not starved", async () => {
    const q = new Q<number>("thread");
    setTimeout(() => q.put(7), 50);
    expect((await q.get()).data).toBe(7);
  });
});
