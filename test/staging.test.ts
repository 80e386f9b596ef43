/** The shared slots large copies for threads are staged in (map chunks, thread queue messages): reused, never leaked, never seen by tasks. */
import { closePools, DataCloneError, map, move, Q, runThread } from "ezq";
import { afterAll, describe, expect, it } from "vitest";
import { decode, encode } from "../src/codec/codec.js";
import { ChunkStaging, stagedBytes } from "../src/codec/staging.js";

afterAll(() => closePools());

const MB = 1024 * 1024;

describe("staging of a map's copies", () => {
  it("reuses a slot once its chunk released it, and not before", () => {
    const first = new ChunkStaging();
    const slot = first.stage(MB);
    expect(slot).toBeInstanceOf(SharedArrayBuffer);
    const second = new ChunkStaging();
    expect(second.stage(MB)).not.toBe(slot); // still taken
    first.release();
    first.release(); // twice is once
    const third = new ChunkStaging();
    expect(third.stage(MB)).toBe(slot);
    second.release();
    third.release();
  });

  it("leaves small copies private", () => {
    expect(new ChunkStaging().stage(1024)).toBeUndefined();
  });

  it("gives the receiver bytes of its own, copied out of the slot", () => {
    const staging = new ChunkStaging();
    const array = new Float64Array(MB / 8).map((_, i) => i);
    const payload = encode({ array }, "data", { target: "thread", stage: staging.stage });
    const { array: got } = decode(payload) as { array: Float64Array };
    expect(got.buffer).toBeInstanceOf(ArrayBuffer);
    expect(got).toEqual(array);
    staging.release();
    // The slot may now hold another chunk's bytes: what was decoded stays as it was.
    new Float64Array(staging.slots[0] as SharedArrayBuffer).fill(-1);
    expect(got[10]).toBe(10);
  });

  it("copies a slot into the buffer its sender allocated for it, or into its own if that one does not fit", () => {
    const staging = new ChunkStaging();
    const array = new Uint8Array(MB).map((_, i) => i % 251);
    const payload = encode(array, "data", { target: "thread", stage: staging.stage });
    if (typeof payload === "string") throw new Error("expected bytes beside the text");
    const destination = new ArrayBuffer(MB);
    const got = decode({ ...payload, d: [destination] }) as Uint8Array;
    expect(got.buffer).toBe(destination);
    expect(got).toEqual(array);
    const wrongSize = new ArrayBuffer(10);
    const fallback = decode({ ...payload, d: [wrongSize] }) as Uint8Array;
    expect(fallback.buffer).not.toBe(wrongSize);
    expect(fallback.buffer).toBeInstanceOf(ArrayBuffer);
    expect(fallback).toEqual(array);
    staging.release();
  });

  it("never shows a task a shared buffer for a copied item, and reruns nothing stale", async () => {
    const items = Array.from({ length: 6 }, (_, i) => new Uint8Array(MB).fill(i + 1));
    for (let round = 0; round < 3; round++) {
      const seen = await map(
        (xs: Uint8Array) => {
          const kind = xs.buffer.constructor.name;
          const first = xs[0];
          xs.fill(0); // the worker's own bytes: neither the caller nor a later map sees this
          return `${kind}:${first}:${xs.length}`;
        },
        items,
        { kind: "thread", num: 2 },
      );
      expect(seen).toEqual(items.map((_, i) => `ArrayBuffer:${i + 1}:${MB}`));
    }
    expect(items.map((xs) => xs[MB - 1])).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("staging of a thread queue's messages", () => {
  it("gives a message's slots back once its thread reader is done, so a stream longer than the pool stays whole", async () => {
    const before = stagedBytes();
    const q = new Q<Uint8Array>("thread");
    const sums = new Q<number>("thread");
    const reader = runThread(
      async (queue: Q<Uint8Array>, out: Q<number>) => {
        let sum = 0;
        for await (const msg of queue) {
          if (!(msg.data.buffer instanceof ArrayBuffer)) throw new Error("saw a shared buffer");
          if (msg.data.some((x) => x !== msg.data[0])) throw new Error("a message changed");
          sum += msg.data[0] as number;
          out.put(sum);
        }
      },
      q,
      sums,
    );
    // 24 messages of 8 MB, 192 MB: more than the pool holds unless acked slots come back.
    for (let i = 1; i <= 24; i++) {
      const data = new Uint8Array(8 * MB).fill(i);
      q.put(data);
      data.fill(0); // the sender's own array: the message was copied at the put
      await sums.get();
    }
    q.end();
    await reader.join();
    expect(stagedBytes()).toBe(before);
  });

  it("gives a message read at its home its own bytes, and its slot back", async () => {
    const before = stagedBytes();
    const q = new Q<Float64Array>("thread");
    const sent = new Float64Array(MB / 8).map((_, i) => i);
    q.put(sent);
    expect(stagedBytes()).toBeGreaterThan(before);
    const { data } = await q.get();
    expect(data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(data).toEqual(sent);
    expect(stagedBytes()).toBe(before);
  });

  it("keeps a put's staged copies whole when reading its data puts into another queue", async () => {
    const before = stagedBytes();
    const outer = new Q<{ a: Uint8Array; b: { lazy: number } }>("thread");
    const inner = new Q<Uint8Array>("thread");
    const other = new Q<Uint8Array>("thread");
    const data = {
      a: new Uint8Array(MB).fill(17),
      b: {
        get lazy() {
          inner.put(new Uint8Array(MB).fill(33)); // runs while the outer put is encoded
          return 1;
        },
      },
    };
    outer.put(data);
    expect((await inner.get()).data[0]).toBe(33); // done: the inner message's slot is free
    for (let i = 0; i < 4; i++) other.put(new Uint8Array(MB).fill(85)); // reuse free slots
    const got = (await outer.get()).data;
    expect(got.a.every((x) => x === 17)).toBe(true);
    expect(got.b.lazy).toBe(1);
    for (let i = 0; i < 4; i++) await other.get();
    expect(stagedBytes()).toBe(before);
  });

  it("gives back what a put staged when its data cannot be encoded", () => {
    const before = stagedBytes();
    const q = new Q<unknown>("thread");
    expect(() => q.put({ bytes: new Uint8Array(MB), f: () => 1 })).toThrow(DataCloneError);
    expect(stagedBytes()).toBe(before);
    expect(q.qsize()).toBe(0);
  });

  it("gives back the slots of a message dropped because part of it was moved to a reader that died", async () => {
    const before = stagedBytes();
    const q = new Q<{ kept: Uint8Array; moved: Uint8Array }>("thread");
    q.put({ kept: new Uint8Array(MB).fill(1), moved: move(new Uint8Array(MB).fill(2)) });
    const reader = runThread(async (queue: Q<{ kept: Uint8Array; moved: Uint8Array }>) => {
      const { data } = await queue.get();
      if (data.kept[0] === 1 && data.moved[0] === 2) process.exit(5); // dies holding it
    }, q);
    await expect(reader.join()).rejects.toMatchObject({ exitCode: 5 });
    expect(q.qsize()).toBe(0); // delivered at most once, as moved messages are
    expect(stagedBytes()).toBe(before);
  });
});
