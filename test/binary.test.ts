/** Bytes across every boundary (issue 11): exact, as bytes, copied, moved or shared. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closePools, DataCloneError, map, move, Q, run, runThread, WorkerExitError } from "ezq";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { decode, encode } from "../src/codec/codec.js";
import { collect } from "./support/collect.js";
import { eventually } from "./support/deadline.js";
import { KINDS } from "./support/kinds.js";

afterAll(() => closePools());

const VIEWS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

/** A view of every kind, at an offset into a bigger (maybe shared) buffer, maybe empty. */
const bytesValue = (shared: boolean) =>
  fc
    .record({
      kind: fc.integer({ min: 0, max: VIEWS.length + 2 }),
      before: fc.integer({ min: 0, max: 3 }),
      length: fc.integer({ min: 0, max: 9 }),
      after: fc.integer({ min: 0, max: 3 }),
      seed: fc.integer({ min: 0, max: 255 }),
    })
    .map(({ kind, before, length, after, seed }) => {
      const unit = 8;
      const total = (before + length + after) * unit;
      const buffer =
        shared && kind % 2 === 0 ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
      const all = new Uint8Array(buffer);
      for (let i = 0; i < all.length; i++) all[i] = (seed + i * 31) & 255;
      if (kind === VIEWS.length) return new DataView(buffer, before * unit, length * unit);
      if (kind === VIEWS.length + 1)
        return shared ? all : Buffer.from(buffer as ArrayBuffer, before * unit, length * unit);
      if (kind === VIEWS.length + 2) return buffer;
      const View = VIEWS[kind] as (typeof VIEWS)[number];
      return new View(
        buffer as ArrayBuffer,
        before * unit,
        (length * unit) / View.BYTES_PER_ELEMENT,
      );
    });

/** Nested structures holding bytes: objects, arrays, Map values. */
const nested = (shared: boolean) =>
  fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      bytesValue(shared),
      fc.integer(),
      fc.array(tie("node"), { maxLength: 3 }),
      fc.record({ id: fc.integer(), pixels: tie("node") }),
      fc
        .array(tie("node"), { maxLength: 3 })
        .map((values) => new Map(values.map((v, i) => [i, v]))),
    ),
  })).node;

/** The bytes of a view or buffer, to compare across a boundary. */
function bytesOf(value: ArrayBufferView | ArrayBufferLike): number[] {
  return ArrayBuffer.isView(value)
    ? [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)]
    : [...new Uint8Array(value)];
}

/** Checks `got` holds the same structure and bytes as `sent`, kinds included. */
function expectSame(got: unknown, sent: unknown): void {
  if (sent instanceof Map) {
    expect(got).toBeInstanceOf(Map);
    for (const [key, value] of sent) expectSame((got as Map<unknown, unknown>).get(key), value);
  } else if (
    ArrayBuffer.isView(sent) ||
    sent instanceof ArrayBuffer ||
    sent instanceof SharedArrayBuffer
  ) {
    expect(Object.prototype.toString.call(got)).toBe(Object.prototype.toString.call(sent));
    expect(Buffer.isBuffer(got)).toBe(Buffer.isBuffer(sent));
    expect(bytesOf(got as ArrayBufferView)).toEqual(bytesOf(sent));
  } else if (Array.isArray(sent)) {
    expect((got as unknown[]).length).toBe(sent.length);
    sent.forEach((value, i) => {
      expectSame((got as unknown[])[i], value);
    });
  } else if (sent !== null && typeof sent === "object") {
    for (const [key, value] of Object.entries(sent))
      expectSame((got as Record<string, unknown>)[key], value);
  } else expect(got).toEqual(sent);
}

describe("the codec", () => {
  it("carries bytes in any structure exactly, as bytes beside the text", () => {
    fc.assert(
      fc.property(nested(true), (value) => {
        const payload = encode(value, "data", { target: "thread" });
        expectSame(decode(payload), value);
      }),
      { numRuns: 300 },
    );
    const payload = encode({ pixels: new Float64Array(1000) });
    expect(typeof payload).toBe("object");
    expect((payload as { t: string }).t.length).toBeLessThan(200);
  });

  it("copies at the call: the sender may change its bytes afterwards", () => {
    const sent = new Uint8Array([1, 2, 3]);
    const payload = encode(sent);
    sent[0] = 9;
    expect([...(decode(payload) as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it("refuses a SharedArrayBuffer for a process, naming the path", () => {
    const value = { id: 1, pixels: new Int32Array(new SharedArrayBuffer(8)) };
    expect(() => encode(value, "args", { target: "process" })).toThrow(DataCloneError);
    expect(() => encode(value, "args", { target: "process" })).toThrow(
      /args\.pixels.*use a thread/,
    );
  });
});

describe.each(KINDS)("bytes to and from %s workers", (kind, start) => {
  it("arrive exact through run arguments and results, Buffer as Buffer", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(nested(false), { maxLength: 4 }), async (values) => {
        const back = await start((v: unknown) => v, values).join();
        expectSame(back, values);
      }),
      { numRuns: 6 },
    );
  });

  it("arrive exact through a Q and through map", async () => {
    const q = new Q<{ id: number; pixels: Float64Array; tag: Buffer }>(kind);
    const reader = start(async (q: Q<{ id: number; pixels: Float64Array; tag: Buffer }>) => {
      const out: Array<[number, number, number, boolean, string]> = [];
      for await (const { data } of q) {
        out.push([
          data.id,
          data.pixels.length,
          data.pixels[7] as number,
          Buffer.isBuffer(data.tag),
          data.tag.toString(),
        ]);
      }
      return out;
    }, q);
    for (let id = 0; id < 5; id++) {
      q.put({ id, pixels: new Float64Array(100_000).fill(id), tag: Buffer.from(`m${id}`) });
    }
    q.end();
    expect(await reader.join()).toEqual(
      [0, 1, 2, 3, 4].map((id) => [id, 100_000, id, true, `m${id}`]),
    );
    const lengths = await map(
      (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      [new Float32Array(3), new Float32Array(0)],
      { kind },
    );
    expect(lengths.map((b) => [Buffer.isBuffer(b), b.length])).toEqual([
      [true, 12],
      [true, 0],
    ]);
  });

  it("large views of every kind, at offsets into bigger buffers, arrive exact through a Q and map", async () => {
    // 64 KB and more: to threads these go by transfer of a private copy, to processes through the bulk lane.
    const big = () => {
      const buffer = new ArrayBuffer(200_008);
      const all = new Uint8Array(buffer);
      for (let i = 0; i < all.length; i++) all[i] = (i * 31) & 255;
      return buffer;
    };
    const values: unknown[] = VIEWS.map(
      (View) => new View(big(), 8, 80_000 / View.BYTES_PER_ELEMENT),
    );
    values.push(new DataView(big(), 16, 90_000), Buffer.from(big(), 8, 100_000), big());
    const sent = { id: 1, views: new Map(values.map((v, i) => [i, v])) };
    const q = new Q<typeof sent>(kind);
    const reader = start(async (q: Q<unknown>) => (await q.get()).data, q);
    q.put(sent);
    expectSame(await reader.join(), sent);
    expectSame(await map((v: unknown) => v, values, { kind, num: 2 }), values);
  });

  it("move(): the sender is left with a detached buffer, the worker gets the bytes", async () => {
    const pixels = new Float64Array(1000).fill(3);
    const buffer = new ArrayBuffer(16);
    const worker = start(
      (p: Float64Array, b: ArrayBuffer) => [p.length, p[999], b.byteLength],
      move(pixels),
      move(buffer),
    );
    expect(pixels.length).toBe(0);
    expect(buffer.byteLength).toBe(0);
    expect(await worker.join()).toEqual([1000, 3, 16]);
    const q = new Q<Uint8Array>(kind);
    const sent = new Uint8Array(8).fill(1);
    q.put(move(sent)).end();
    expect(sent.length).toBe(0);
    expect((await collect(q.items()))[0]?.data.length).toBe(8);
  });
});

describe("shared memory", () => {
  it("a SharedArrayBuffer reaches a thread shared: its write is seen here", async () => {
    const view = new Int32Array(new SharedArrayBuffer(8));
    await runThread((v: Int32Array) => {
      v[1] = 42;
    }, view).join();
    expect(view[1]).toBe(42);
    const q = new Q<Int32Array>("thread");
    const reader = runThread(async (q: Q<Int32Array>) => {
      for await (const { data } of q) data[0] = 7;
    }, q);
    q.put(view).end();
    await reader.join();
    expect(view[0]).toBe(7);
  });

  it("is refused for a process at the call, naming the path", () => {
    const view = new Int32Array(new SharedArrayBuffer(8));
    expect(() => new Q().put({ id: 1, view })).toThrow(/data\.view.*SharedArrayBuffer/);
  });
});

/** Reads binary messages slowly, echoing each id and its checksum. */
const echoBytes = async (q: Q<{ id: number; bytes: Uint8Array }>, out: Q<[number, number]>) => {
  for await (const { data } of q) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    out.put([data.id, data.bytes.reduce((a, b) => a + b, 0)]);
  }
};

describe.each(KINDS)("a dead %s reader of binary messages", (kind, start) => {
  const kill = async (worker: { pid?: number; terminate(): Promise<void> }) => {
    if (kind === "process") process.kill(worker.pid as number, "SIGKILL");
    else await worker.terminate();
  };

  it.each([
    ["copied", false],
    ["moved", true],
  ] as const)(
    "%s messages: copies are redelivered, moved ones are delivered at most once",
    async (_name, moved) => {
      const q = new Q<{ id: number; bytes: Uint8Array }>(kind);
      const out = new Q<[number, number]>(kind);
      const readers = [start(echoBytes, q, out), start(echoBytes, q, out)];
      const total = 300;
      for (let id = 0; id < total; id++) {
        const bytes = new Uint8Array(1000).fill(id & 255);
        q.put({ id, bytes: moved ? move(bytes) : bytes });
      }
      await eventually(() => out.qsize() >= 30);
      await kill(readers[0] as { pid?: number; terminate(): Promise<void> });
      await q.stop(readers).catch(() => undefined);
      const seen = (await collect(out.items())).map((msg) => msg.data);
      for (const [id, sum] of seen) expect(sum).toBe((id & 255) * 1000);
      const ids = new Set(seen.map(([id]) => id));
      if (moved) {
        // The dead reader's unacked messages went with it; none arrives twice with lost bytes.
        expect(ids.size).toBeLessThanOrEqual(total);
      } else {
        expect(ids.size).toBe(total);
      }
    },
  );
});

describe.each(KINDS)("large messages to %s readers", (kind, start) => {
  it("sent one by one as they are put, reach two readers exactly once when one is killed", async () => {
    const q = new Q<{ id: number; bytes: Uint8Array }>(kind);
    const out = new Q<[number, number]>(kind);
    const readers = [start(echoBytes, q, out), start(echoBytes, q, out)];
    const total = 40;
    const size = 300_000; // large: each leaves as soon as it is put
    for (let id = 0; id < total; id++) q.put({ id, bytes: new Uint8Array(size).fill(id) });
    await eventually(() => out.qsize() >= 5);
    const victim = readers[0] as { pid?: number; terminate(): Promise<void> };
    if (kind === "process") process.kill(victim.pid as number, "SIGKILL");
    else await victim.terminate();
    await q.stop(readers).catch(() => undefined);
    const seen = (await collect(out.items())).map((msg) => msg.data);
    for (const [id, sum] of seen) expect(sum).toBe(id * size);
    expect(new Set(seen.map(([id]) => id)).size).toBe(total);
  });
});

describe.each(KINDS)(
  "a %s reader that breaks out during a burst of large messages",
  (kind, start) => {
    it("hands back what it was sent ahead: every message is read once", async () => {
      const q = new Q<{ id: number; bytes?: Uint8Array }>(kind);
      const ready = new Q<number>(kind);
      const reader = start(
        async (q: Q<{ id: number }>, ready: Q<number>) => {
          const ids: number[] = [];
          for await (const msg of q) {
            // Small messages first: a fast reader then asks for many at a time, and its
            // take is open when the burst of large ones starts.
            if (msg.kind === "warm") {
              if (msg.data.id === 499) ready.put(0);
              continue;
            }
            ids.push(msg.data.id);
            if (ids.length === 3) break; // while the producer may still be putting
          }
          return ids;
        },
        q,
        ready,
      );
      for (let id = 0; id < 500; id++) q.put({ id }, { kind: "warm" });
      await ready.get();
      const total = 20;
      for (let id = 0; id < total; id++) q.put({ id, bytes: new Uint8Array(300_000).fill(id) });
      const early = (await reader.join()) as number[];
      q.end();
      const rest = (await collect(q)).map((msg) => msg.data.id);
      expect([...early, ...rest].sort((a, b) => a - b)).toEqual([...Array(total).keys()]);
    });
  },
);

describe("what a sender keeps stays whole once its bytes went to a thread", () => {
  it("a map chunk of copied arrays is rerun with every byte when its thread dies", async () => {
    // The first attempt at item 1 ends its thread; the rerun must see the same bytes.
    const tried = new Int32Array(new SharedArrayBuffer(4));
    const items = [0, 1, 2, 3].map((i) => new Uint8Array(100_000).fill(i + 1));
    const sums = await map(
      (xs: Uint8Array, flag: Int32Array) => {
        if (xs[0] === 2 && Atomics.add(flag, 0, 1) === 0) {
          xs.fill(9); // the worker's bytes are its own: the rerun must not see this
          process.exit(3);
        }
        let sum = 0;
        for (const x of xs) sum += x;
        return sum;
      },
      items,
      { kind: "thread", num: 1, chunkSize: 1, args: [tried] },
    );
    expect(sums).toEqual([100_000, 200_000, 300_000, 400_000]);
    expect(tried[0]).toBe(2); // the attempt that died, then the rerun
    // What was sent was a copy: the caller's arrays are untouched.
    expect(items.map((xs) => xs.length)).toEqual([100_000, 100_000, 100_000, 100_000]);
  });

  it.each([
    ["copied", false],
    ["moved", true],
  ] as const)(
    "a map chunk (%s) held by a thread stopped for another map's sake",
    async (_, moved) => {
      // One worker holds two calls: map A's, running, and map B's, waiting behind it.
      // Aborting A stops that worker; B's chunk runs again elsewhere with every byte (it was
      // handed over, so it is encoded again from B's input) or, moved, rejects: its bytes
      // went with the worker.
      const state = new Int32Array(new SharedArrayBuffer(8)); // [0]: A started, [1]: release
      const aborting = new AbortController();
      const options = { kind: "thread", num: 1, idleTimeout: 30_000 } as const;
      const a = map(
        (x: number, state: Int32Array) => {
          Atomics.store(state, 0, 1);
          while (Atomics.load(state, 1) === 0); // busy until stopped
          return x;
        },
        [1],
        { ...options, signal: aborting.signal, args: [state] },
      ).catch((e: unknown) => e);
      const input = new Float64Array(100_000).fill(7);
      const b = map(
        (xs: Float64Array) => xs.reduce((sum, x) => sum + x, 0),
        [moved ? move(input) : input],
        options,
      ).catch((e: unknown) => e);
      await eventually(() => Atomics.load(state, 0) === 1, "map A's task started");
      aborting.abort(new Error("A is done"));
      expect(await a).toHaveProperty("message", "A is done");
      const got = await b;
      if (moved) {
        expect(got).toBeInstanceOf(WorkerExitError);
        expect((got as Error).message).toMatch(/moved items/);
      } else {
        expect(got).toEqual([700_000]);
        expect(input.length).toBe(100_000); // a copy went: the caller's array is whole
      }
    },
  );

  it("a message whose thread reader died holding it reaches the next reader whole", async () => {
    const q = new Q<Float64Array>("thread");
    q.put(new Float64Array(100_000).fill(7)); // large enough to go by transfer
    const reader = runThread(async (queue: Q<Float64Array>) => {
      const msg = await queue.get();
      if (msg.data.length === 100_000) process.exit(5); // dies before its next get() acks it
    }, q);
    await expect(reader.join()).rejects.toMatchObject({ exitCode: 5 });
    const msg = await q.get();
    expect(msg.data.length).toBe(100_000);
    expect(msg.data.every((x) => x === 7)).toBe(true);
  });

  it("a thread reader's large message is its own: its writes reach neither the queue nor a redelivery", async () => {
    const q = new Q<Float64Array>("thread");
    const sent = new Float64Array(100_000).fill(7);
    q.put(sent);
    const reader = runThread(async (queue: Q<Float64Array>) => {
      const msg = await queue.get();
      const own = msg.data.buffer instanceof ArrayBuffer; // not the queue's shared copy
      msg.data.fill(0);
      process.exit(own ? 5 : 6); // dies holding it: the message is read again
    }, q);
    await expect(reader.join()).rejects.toMatchObject({ exitCode: 5 });
    const again = await q.get();
    expect(again.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(again.data.every((x) => x === 7)).toBe(true);
    expect(sent.every((x) => x === 7)).toBe(true);
  });
});

describe("move() at its limits", () => {
  it("refuses a SharedArrayBuffer with an ArgumentTypeError that says to pass it as it is", async () => {
    const { ArgumentTypeError, move } = await import("ezq");
    expect(() => move(new SharedArrayBuffer(8) as unknown as ArrayBuffer)).toThrow(
      ArgumentTypeError,
    );
    expect(() => move(new SharedArrayBuffer(8) as unknown as ArrayBuffer)).toThrow(/without move/);
  });

  it("a map chunk of moved items whose worker dies rejects with the worker's exit, not a detached-buffer error", async () => {
    const { map, move, WorkerExitError } = await import("ezq");
    const items = [0, 1, 2].map((i) => move(new Float64Array([i, i])));
    const error = await map(
      (xs: Float64Array) => {
        if (xs[0] === 1) process.exit(4);
        return xs[0];
      },
      items,
      { kind: "process", num: 1, chunkSize: 1 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerExitError);
  });
});

describe("a thread reader of large messages, while its producer is in a loop of puts", () => {
  it("is served between the puts: it reads each message before the loop puts the next", async () => {
    // The producer blocks (Atomics.wait) until the reader has counted the message before
    // the one it is about to put: if the home heard the reader's takes only once the loop
    // ended, the reader would never get the second message and the wait would time out.
    const q = new Q<string>("thread");
    const counted = new Int32Array(new SharedArrayBuffer(4));
    const reader = runThread(
      async (q: Q<string>, counted: Int32Array) => {
        for await (const msg of q) {
          if (msg.data.length !== 300_000) throw new Error(`a message of ${msg.data.length}`);
          Atomics.add(counted, 0, 1);
          Atomics.notify(counted, 0);
        }
      },
      q,
      counted,
    );
    const big = (i: number) => String(i % 10).repeat(300_000);
    q.put(big(0));
    await eventually(() => Atomics.load(counted, 0) >= 1);
    const total = 6;
    for (let i = 1; i < total; i++) {
      // Synchronous from here to the end of the loop: nothing else runs on this thread.
      while (Atomics.load(counted, 0) < i) {
        if (Atomics.wait(counted, 0, Atomics.load(counted, 0), 20_000) === "timed-out") {
          throw new Error(`the reader had ${Atomics.load(counted, 0)} of ${i} messages`);
        }
      }
      q.put(big(i));
    }
    await q.stop([reader]);
    expect(Atomics.load(counted, 0)).toBe(total);
  });
});

describe("a process reader of large messages, while its producer is in a loop of puts", () => {
  it.each([
    ["texts (sent as their UTF-8 bytes)", (i: number) => String(i % 10).repeat(300_000)],
    ["arrays (through the bulk lane)", (i: number) => new Float64Array(40_000).fill(i)],
  ])("is served between the puts: %s", async (_name, big) => {
    // The producer spins, without returning to the event loop, until the reader has
    // counted the message before the one it is about to put; the reader writes its count
    // into a file. If the home heard the reader's takes only once the loop ended, the
    // reader would never get the second message and the loop would give up.
    const counter = join(mkdtempSync(join(tmpdir(), "ezq-count-")), "count");
    writeFileSync(counter, "0");
    const q = new Q<string | Float64Array>();
    const reader = run(
      async (q: Q<string | Float64Array>, counter: string) => {
        const { writeFileSync } = await import("node:fs");
        let n = 0;
        for await (const msg of q) {
          if (msg.data.length !== 300_000 && msg.data.length !== 40_000) {
            throw new Error(`a message of ${msg.data.length}`);
          }
          writeFileSync(counter, String(++n));
        }
      },
      q,
      counter,
    );
    const counted = () => Number(readFileSync(counter, "utf8") || 0);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    q.put(big(0));
    await eventually(() => counted() >= 1);
    const total = 6;
    for (let i = 1; i < total; i++) {
      const deadline = Date.now() + 20_000;
      while (counted() < i) {
        if (Date.now() > deadline) throw new Error(`the reader had ${counted()} of ${i} messages`);
        Atomics.wait(pause, 0, 0, 2); // a short sleep that keeps this thread's loop blocked
      }
      q.put(big(i));
    }
    await q.stop([reader]);
    expect(counted()).toBe(total);
  });
});
