import { END_MSG, Msg, Q, run, runThread } from "ezq";
import { expect, it } from "vitest";
import { encode } from "../../src/codec/codec.js";
import { collect } from "../support/collect.js";
import { withDeadline } from "../support/deadline.js";
import { redisCommand } from "./support/raw.js";
import { describeRedis, uniqueName } from "./support/suite.js";

describeRedis("Q on Redis", {}, (server) => {
  const open = <T>(name = uniqueName()) => new Q<T>("redis", { name, url: server().url });

  it("carries messages in order, with their kind and order, as Msg instances", async () => {
    const q = open<{ n: number } | string>();
    expect(q.kind).toBe("redis");
    q.put({ n: 1 }, { kind: "a", order: 7 })
      .put(new Msg("two", { kind: "b", order: 2 }))
      .end();
    const msgs = await collect(q);
    expect(msgs.every((msg) => msg instanceof Msg)).toBe(true);
    expect(msgs.map((m) => [m.data, m.kind, m.order])).toEqual([
      [{ n: 1 }, "a", 7],
      ["two", "b", 2],
    ]);
  });

  it("keeps data exact: Map, Date, BigInt, undefined, lone surrogates", async () => {
    const q = open<unknown>();
    const values = [new Map([[1, new Date(5)]]), 10n, undefined, "a\uD800b", "ok"];
    for (const value of values) q.put(value);
    q.end();
    expect((await collect(q)).map((m) => m.data)).toEqual(values);
  });

  it("get() returns one message at a time, END included", async () => {
    const q = open<number>();
    q.put(1).end();
    expect((await q.get()).data).toBe(1);
    expect((await q.get()).kind).toBe(END_MSG.kind);
  });

  it("sorted(), items({ sort }) and items({ cache })", async () => {
    const q = open<number>();
    for (const n of [2, 0, 1]) q.put(n, { order: n });
    q.end();
    expect((await collect(q.sorted())).map((m) => m.data)).toEqual([0, 1, 2]);
    const r = open<number>();
    for (const n of [3, 1, 2]) r.put(n, { order: n });
    const cached = r.items({ cache: true, sort: true });
    expect((await collect(cached)).map((m) => m.data)).toEqual([1, 2, 3]);
    expect((await collect(r.items({ cache: true }))).map((m) => m.data)).toEqual([1, 2, 3]);
  });

  it("size() asks Redis; qsize() is the count last seen here", async () => {
    const q = open<number>();
    q.put(1).put(2).put(3);
    expect(await q.size()).toBe(3);
    expect(q.qsize()).toBe(3);
    await q.get();
    expect(await q.size()).toBe(2);
  });

  it("gives each message to one reader; each reader stops at its own END", async () => {
    const name = uniqueName();
    const writer = open<number>(name);
    const readers = [open<number>(name), open<number>(name), open<number>(name)];
    for (let i = 0; i < 3000; i++) writer.put(i);
    for (const _ of readers) writer.end();
    const got = await withDeadline(
      Promise.all(readers.map(async (r) => (await collect(r)).map((m) => m.data))),
      "three readers",
    );
    const all = got.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it("a take never goes past an END: a b END c END gives two readers a, b, c once", async () => {
    const name = uniqueName();
    const q = open<string>(name);
    q.put("a").put("b").end().put("c").end();
    const one = await collect(open<string>(name));
    const two = await collect(open<string>(name));
    expect([...one, ...two].map((m) => m.data).sort()).toEqual(["a", "b", "c"]);
  });

  it("a reader that breaks out of its loop hands back what it took ahead", async () => {
    const name = uniqueName();
    const q = open<number>(name);
    for (let i = 0; i < 2000; i++) q.put(i);
    q.end();
    const first: number[] = [];
    for await (const msg of open<number>(name)) {
      first.push(msg.data);
      if (first.length === 500) break;
    }
    const rest = (await collect(open<number>(name))).map((m) => m.data);
    expect([...first, ...rest]).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it("reaches thread and process workers, which connect themselves", async () => {
    const q = open<number>();
    const out = open<number>();
    const task = async (q: Q<number>, out: Q<number>) => {
      let total = 0;
      for await (const msg of q) total += msg.data;
      out.put(total);
    };
    const workers = [run(task, q, out), runThread(task, q, out)];
    for (let i = 0; i < 5000; i++) q.put(i);
    await withDeadline(q.stop(workers), "stop");
    let sum = 0;
    for await (const msg of out.items()) sum += msg.data;
    expect(sum).toBe((4999 * 5000) / 2);
  });

  it("a handle carries no credentials", () => {
    const q = new Q("redis", { name: "creds", url: "redis://alice:s3cret-pw@127.0.0.1:1/2" });
    const wire = encode([q], "args", { target: "process" });
    expect(wire).toContain("redis://127.0.0.1:1/2");
    expect(wire).not.toContain("s3cret");
    expect(wire).not.toContain("alice");
  });

  it("stop() removes the ENDs of workers that ended without reading them", async () => {
    const q = open<number>();
    const workers = [run(() => 1), runThread(() => 2)];
    await q.stop(workers);
    q.put(42).end();
    expect((await collect(q)).map((m) => m.data)).toEqual([42]);
  });

  it("finished messages leave Redis: the stream is empty once all are read", async () => {
    const name = uniqueName();
    const q = open<number>(name);
    for (let i = 0; i < 5000; i++) q.put(i);
    q.end();
    expect((await collect(q)).length).toBe(5000);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the last ack leaves after the loop
    expect(await redisCommand(server().url, ["XLEN", `ezq:{${name}}:s`])).toBe(0);
  });

  it("a message taken with get() is finished once a for await loop reads on", async () => {
    const name = uniqueName();
    const q = open<string>(name);
    q.put("a").put("b").end();
    expect((await q.get()).data).toBe("a");
    expect((await collect(q)).map((msg) => msg.data)).toEqual(["b"]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the last ack leaves after the loop
    expect(await redisCommand(server().url, ["XLEN", `ezq:{${name}}:s`])).toBe(0);
  });

  it("finished messages behind an unfinished one are not counted as waiting, and leave once it finishes", async () => {
    const name = uniqueName();
    const q = open<number>(name);
    const holding = open<string>();
    const go = open<string>();
    q.put(-1);
    // Another context takes the first message and holds it until told to finish.
    const holder = runThread(
      async (q: Q<number>, holding: Q<string>, go: Q<string>) => {
        const first = await q.get();
        holding.put("holding");
        await go.get();
        return first.data;
      },
      q,
      holding,
      go,
    );
    await holding.get();
    for (let i = 0; i < 3000; i++) q.put(i);
    const reader = q[Symbol.asyncIterator]();
    for (let i = 0; i < 3000; i++) await reader.next();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the last ack leaves after the loop
    expect(await q.size(), "waiting while one is held").toBe(0);
    go.put("finish");
    expect(await holder.join()).toBe(-1);
    q.end();
    expect((await reader.next()).done).toBe(true); // reads the END, and acks what it read
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redisCommand(server().url, ["XLEN", `ezq:{${name}}:s`])).toBe(0);
  });

  it("refuses bad options, saying what was wrong", () => {
    expect(() => new Q("redis", undefined as never)).toThrow(/needs options with the queue's name/);
    expect(() => new Q("redis", { name: "a{b}" })).toThrow(/without spaces or braces/);
    expect(() => new Q("redis", { name: "a", url: "http://x" })).toThrow(/redis:\/\//);
    expect(() => new Q("redis", { name: "a", port: 1 } as never)).toThrow(/unknown option "port"/);
    expect(() => new (Q as new (k: string, o: unknown) => Q)("thread", { name: "a" })).toThrow(
      /apply to "redis" queues only/,
    );
  });
});
