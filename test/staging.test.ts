/** The shared slots a map on threads stages its large copies in: reused, never leaked, never seen by tasks. */
import { closePools, map } from "ezq";
import { afterAll, describe, expect, it } from "vitest";
import { decode, encode } from "../src/codec/codec.js";
import { ChunkStaging } from "../src/pool/staging.js";

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
