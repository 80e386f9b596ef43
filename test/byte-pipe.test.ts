/**
 * The byte pipe's frames (transport/byte-pipe.ts): whatever way the stream is cut into
 * reads, and whether reads are handed over as chunks (the parent's side) or land straight
 * in the frame's buffers (a child's side, `onread`), every batch comes out whole, in order.
 */
import type { Socket } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BatchReader, writeBatch } from "../src/transport/byte-pipe.js";
import type { Frame, Packed } from "../src/transport/protocol.js";

/** The bytes `writeBatch` writes for each batch, one after the other. */
function written(batches: Array<{ batch: Frame[]; attached: Packed[] }>): Buffer {
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
  for (const { batch, attached } of batches) writeBatch(sink, batch, attached, () => {});
  return Buffer.concat(parts);
}

const packed = fc
  .array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 3 })
  .chain((sizes) => fc.tuple(fc.string(), fc.constant(sizes), fc.integer({ min: 0, max: 255 })))
  .map(
    ([t, sizes, seed]): Packed => ({
      t,
      b: sizes.map((size, i) => new Uint8Array(size).fill((seed + i) & 255).buffer),
    }),
  );

const batches = fc.array(
  fc.array(packed, { minLength: 1, maxLength: 3 }).map((payloads) => ({
    batch: payloads.map((payload, i): Frame => [1, ["took", i, [[i, payload, "", 0]], 0]]),
    attached: payloads,
  })),
  { minLength: 1, maxLength: 4 },
);

/** Reads `bytes` through a reader, in reads of the sizes `cuts` gives, either way. */
function readBack(bytes: Buffer, cuts: number[], direct: boolean): Frame[][] {
  const out: Frame[][] = [];
  const reader = new BatchReader((batch) => out.push(batch));
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
      value instanceof ArrayBuffer ? [...new Uint8Array(value)].join(",") : value,
    ),
  );
}

describe("the byte pipe's frames", () => {
  it.each([
    ["handed over as chunks", false],
    ["read straight into the frame's buffers", true],
  ])("arrive whole and in order, %s", (_name, direct) => {
    fc.assert(
      fc.property(
        batches,
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 5 }),
        (sent, cuts) => {
          const got = readBack(written(sent), cuts, direct);
          expect(got.map(plain)).toEqual(sent.map(({ batch }) => plain(batch)));
        },
      ),
      { numRuns: 40 },
    );
  });
});
