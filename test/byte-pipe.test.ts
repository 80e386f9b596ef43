/**
 * The byte pipe's frames (transport/byte-pipe.ts): whatever way the stream is cut into
 * reads, and whether reads are handed over as chunks (the parent's side) or land straight
 * in the frame's buffers (a child's side, `onread`), every batch comes out whole, in order,
 * with its long texts and its bytes, whether these came on the pipe or through a bulk lane
 * (transport/file-lane.ts), and with the mark of a batch sent out of band.
 */
import { closeSync, openSync, unlinkSync, writeSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { BatchReader, type WriteOptions, writeBatch } from "../src/transport/byte-pipe.js";
import { closeLanes, LaneReader, LaneWriter, openLanes } from "../src/transport/file-lane.js";
import { type Frame, LONG_TEXT, type Packed, packedAt } from "../src/transport/protocol.js";

/** A batch to write, with the packed payloads it holds. */
interface Sent {
  batch: Frame[];
  attached: Packed[];
  outOfBand?: boolean;
}

/** A batch as read back, with the mark it came with. */
interface Got {
  batch: Frame[];
  outOfBand: boolean;
}

/** The bytes `writeBatch` writes for each batch, one after the other. */
function written(batches: Sent[], lane?: LaneWriter): Buffer {
  const parts: Buffer[] = [];
  const sink = {
    cork() {},
    uncork() {},
    write(chunk: Buffer, done?: () => void) {
      parts.push(Buffer.from(chunk)); // a copy: what the kernel would take
      done?.();
      return true;
    },
  } as unknown as Socket;
  for (const { batch, attached, outOfBand } of batches) {
    const options: WriteOptions = { lane, outOfBand: outOfBand === true };
    writeBatch(sink, batch, attached, () => {}, options);
  }
  return Buffer.concat(parts);
}

/** A text, short or long (a long one goes as UTF-8 bytes), with characters of 1 to 4 UTF-8 bytes. */
const text = fc
  .tuple(
    fc.string({ unit: "binary", maxLength: 6 }),
    fc.constantFrom("short", "long", "long, with a lone surrogate"),
    fc.integer({ min: 0, max: 9 }),
  )
  .map(([start, kind, pad]) => {
    if (kind === "short") return start;
    // A lone surrogate has no UTF-8 form: such a text must still arrive exactly.
    const tail = kind === "long" ? "" : "\ud800";
    return `${start}${"é✓😀x".repeat(LONG_TEXT / 4 + pad)}${tail}`;
  });

const packed = fc
  .array(fc.integer({ min: 0, max: 140_000 }), { maxLength: 3 })
  .chain((sizes) => fc.tuple(text, fc.constant(sizes), fc.integer({ min: 0, max: 255 })))
  .map(
    ([t, sizes, seed]): Packed => ({
      t,
      b: sizes.map((size, i) => new Uint8Array(size).fill((seed + i) & 255).buffer),
    }),
  );

/** Batches of items whose payloads are packed (with bytes) or texts, long or short. */
const batches = fc.array(
  fc
    .tuple(fc.array(fc.oneof(packed, text), { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([payloads, outOfBand]): Sent => {
      const items = payloads.map((payload, i) => [i, payload, "", 0]);
      return { batch: [[1, ["took", 0, items, 0]]], attached: packedAt(items, 1) ?? [], outOfBand };
    }),
  { minLength: 1, maxLength: 4 },
);

/** Reads `bytes` through a reader, in reads of the sizes `cuts` gives, either way. */
function readBack(bytes: Buffer, cuts: number[], direct: boolean, lane?: LaneReader): Got[] {
  const out: Got[] = [];
  const reader = new BatchReader((batch, outOfBand) => out.push({ batch, outOfBand }), lane);
  let at = 0;
  let cut = 0;
  while (at < bytes.length) {
    const want = Math.max(1, cuts[cut++ % cuts.length] as number);
    if (direct) {
      const into = reader.target();
      if (into.length === 0) throw new Error("the reader offered no room to read into");
      const n = Math.min(want, into.length, bytes.length - at);
      into.set(bytes.subarray(at, at + n));
      reader.read(n, into);
      at += n;
    } else {
      const n = Math.min(want, bytes.length - at);
      reader.push(Buffer.from(bytes.subarray(at, at + n)));
      at += n;
    }
  }
  return out;
}

/** The batch as comparable data: each buffer as its bytes. */
function plain(batch: Frame[]): unknown {
  return JSON.parse(
    JSON.stringify(batch, (_key, value) =>
      value instanceof ArrayBuffer ? Buffer.from(value).toString("base64") : value,
    ),
  );
}

/** Checks what came back is what was sent: each batch whole, in order, with its mark. */
function expectSame(got: Got[], sent: Sent[]): void {
  expect(got.map(({ batch }) => plain(batch))).toEqual(sent.map(({ batch }) => plain(batch)));
  expect(got.map(({ outOfBand }) => outOfBand)).toEqual(sent.map((s) => s.outOfBand === true));
}

const lanes = openLanes();
afterAll(() => {
  if (lanes) closeLanes(lanes);
});

describe("the byte pipe's frames", () => {
  it("has bulk lanes where there is shared memory", () => {
    // Linux has /dev/shm: its lanes must open, or large messages would quietly be slow.
    if (process.platform === "linux") expect(lanes).toBeDefined();
  });

  it.each([
    ["handed over as chunks", false, false],
    ["read straight into the frame's buffers", true, false],
    ["handed over as chunks, large bytes through a lane", false, true],
    ["read straight into the frame's buffers, large bytes through a lane", true, true],
  ])("arrive whole and in order, %s", (_name, direct, throughLane) => {
    const fds = throughLane ? lanes : undefined;
    if (throughLane && !fds) return; // no shared memory here (the test above names Linux)
    fc.assert(
      fc.property(
        batches,
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 5 }),
        (sent, cuts) => {
          // A small ring, so that some bytes find it full and go on the pipe; a fresh
          // writer and reader for each run, whose count starts at 0.
          const writer = fds && new LaneWriter(fds.down, 256 * 1024);
          const reader = fds && new LaneReader(fds.down);
          reader?.report();
          const got = readBack(written(sent, writer), cuts, direct, reader);
          writer?.close();
          expectSame(got, sent);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("sends a long text as its UTF-8 bytes, not escaped inside the JSON", () => {
    const long = `"ü"${"ü".repeat(LONG_TEXT)}`;
    const items = [[1, long, "", 0]];
    const bytes = written([
      { batch: [[1, ["took", 0, items, 0]]], attached: packedAt(items, 1) ?? [] },
    ]);
    expect(bytes.includes(Buffer.from(long))).toBe(true);
    expect(bytes.length).toBeLessThan(Buffer.byteLength(long) + 200);
  });
});

describe("what is not a frame", () => {
  it("is refused at once rather than waited for (the parent stops such a child)", () => {
    const reader = new BatchReader(() => {});
    expect(() => reader.push(Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]))).toThrow(
      /not a frame/,
    );
  });
});

describe("a bulk lane", () => {
  it("reuses its ring once the reader has read, and refuses what does not fit", () => {
    if (!lanes) return;
    const writer = new LaneWriter(lanes.up, 300_000);
    const reader = new LaneReader(lanes.up);
    reader.report();
    const chunk = (fill: number) => new Uint8Array(100_000).fill(fill);
    const first = writer.write(chunk(1));
    expect(writer.write(chunk(2))).toBeDefined();
    expect(writer.write(chunk(3))).toBeDefined();
    expect(writer.write(chunk(4))).toBeUndefined(); // full of unread bytes: the pipe takes these
    const [at, length] = first as [number, number];
    expect(new Uint8Array(reader.read(at, length)).every((b) => b === 1)).toBe(true);
    reader.report();
    // The first region is free again: the next write goes back to the front, in its place.
    expect(writer.write(chunk(5))).toEqual(first);
    expect(new Uint8Array(reader.read(at, length)).every((b) => b === 5)).toBe(true);
    writer.close();
  });

  it("whose count was written by someone else is left for the pipe, freeing nothing it holds", () => {
    if (!lanes) return;
    const writer = new LaneWriter(lanes.up, 300_000);
    new LaneReader(lanes.up).report(); // a count of 0
    expect(writer.write(new Uint8Array(100_000).fill(1))).toBeDefined();
    writeSync(lanes.up, new Float64Array([1e15]), 0, 8, 0); // a count beyond all it wrote
    expect(writer.write(new Uint8Array(100_000).fill(2))).toBeUndefined();
    writer.close();
  });

  it("that cannot be written (a full shared memory) leaves the bytes to the pipe: the batch arrives whole", () => {
    const path = `${tmpdir()}/ezq-lane-test-${process.pid}`;
    closeSync(openSync(path, "w"));
    const readOnly = openSync(path, "r"); // every write fails, as with ENOSPC
    unlinkSync(path);
    try {
      const writer = new LaneWriter(readOnly);
      const bytes = new Uint8Array(200_000).fill(7);
      const payload: Packed = { t: "x", b: [bytes.buffer] };
      const sent: Sent[] = [
        { batch: [[1, ["put", "q", [[payload, "", 0]]]]], attached: [payload] },
      ];
      expectSame(readBack(written(sent, writer), [65_536], false), sent);
      expect(writer.write(bytes)).toBeUndefined();
    } finally {
      closeSync(readOnly);
    }
  });
});
