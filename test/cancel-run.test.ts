/** run / runThread take an AbortSignal and a timeout, as map does. */
import { ArgumentRangeError, ArgumentTypeError, Q } from "ezq";
import { describe, expect, it } from "vitest";
import { KINDS } from "./support/kinds.js";

const forever = async (started: Q<number>) => {
  started.put(1);
  for (;;) await new Promise((resolve) => setTimeout(resolve, 1000));
};

describe.each(KINDS)("%s workers with a signal or a timeout", (_kind, start) => {
  it("abort stops the worker and rejects join() with the signal's reason", async () => {
    const controller = new AbortController();
    const started = new Q<number>();
    const worker = start.with({ signal: controller.signal })(forever, started);
    await started.get();
    const reason = new Error("no longer needed");
    controller.abort(reason);
    await expect(worker.join()).rejects.toBe(reason);
    expect(worker.isAlive()).toBe(false);
  });

  it("a busy task is stopped by abort too", async () => {
    const controller = new AbortController();
    const started = new Q<number>();
    const worker = start.with({ signal: controller.signal })(async (started: Q<number>) => {
      started.put(1);
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the put leave
      for (;;) {
        // a synchronous loop: only stopping the worker ends it
      }
    }, started);
    await started.get();
    controller.abort();
    const error = await worker.join().catch((e: unknown) => e);
    expect((error as DOMException).name).toBe("AbortError");
    expect(worker.isAlive()).toBe(false);
  });

  it("a timeout stops the worker and rejects with a TimeoutError", async () => {
    const started = new Q<number>();
    const worker = start.with({ timeout: 300 })(forever, started);
    const error = await worker.join().catch((e: unknown) => e);
    expect((error as DOMException).name).toBe("TimeoutError");
    expect(worker.isAlive()).toBe(false);
  });

  it("a task that finishes in time is not affected by its timeout or signal", async () => {
    const controller = new AbortController();
    const worker = start.with({ timeout: 60_000, signal: controller.signal })(
      (x: number) => x + 1,
      1,
    );
    expect(await worker.join()).toBe(2);
    controller.abort(); // after the end: nothing to stop, nothing thrown
  });

  it("an already aborted signal starts nothing and throws its reason", () => {
    const reason = new Error("aborted before");
    expect(() => start.with({ signal: AbortSignal.abort(reason) })(() => 1)).toThrow(reason);
  });
});

describe("cancel options are checked", () => {
  it("names the option, the value and what is expected", () => {
    const { run } = { run: KINDS[0][1] };
    expect(() => run.with({ signal: "stop" as never })).toThrow(ArgumentTypeError);
    expect(() => run.with({ timeout: -1 })).toThrow(ArgumentRangeError);
    expect(() => run.with({ timout: 5 } as never)).toThrow(/unknown option "timout".*timeout/);
  });
});
