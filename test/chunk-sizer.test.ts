/** How `map` cuts its input into chunks: measured first, then shared out, never lumped on a guess. */
import { describe, expect, it } from "vitest";
import { ChunkSizer, LOCAL_PACE } from "../src/pool/chunking.js";

describe("the chunk sizer of a local map", () => {
  it("sends one item per chunk until two chunks have told the pace", () => {
    const sizer = new ChunkSizer(undefined, 1000, 2, LOCAL_PACE);
    expect(sizer.next(0)).toBe(1);
    sizer.record(1, 0.001); // a free first item says little about the rest
    expect(sizer.trusted).toBe(false);
    expect(sizer.next(1)).toBe(1);
    sizer.record(1, 0.001);
    expect(sizer.trusted).toBe(true);
    expect(sizer.next(2)).toBeGreaterThan(1);
  });

  it("lets a trivial task's last items go together, in one chunk", () => {
    const sizer = new ChunkSizer(undefined, 16, 2, LOCAL_PACE);
    sizer.record(1, 0.002);
    sizer.record(1, 0.003);
    expect(sizer.next(3)).toBeGreaterThanOrEqual(13); // the input's end cuts it to what is left
  });

  it("keeps shares small when one measured item was slow, though another was free", () => {
    const sizer = new ChunkSizer(undefined, 16, 2, LOCAL_PACE);
    sizer.record(1, 0.001);
    sizer.record(1, 0.3); // on average 0.15 ms: a 1 ms floor by the average would be 6 items
    // 14 items left on 2 workers, two chunks each in flight: shares of a quarter.
    expect(sizer.next(2)).toBe(4);
  });

  it("keeps a fixed chunk size as it is", () => {
    const sizer = new ChunkSizer(7, 100, 2, LOCAL_PACE);
    expect(sizer.next(0)).toBe(7);
  });
});
