/** map over async inputs that wait: for its own results, or forever. */
import { closePools, map, Q } from "ezq";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, withDeadline } from "./support/deadline.js";

afterAll(() => closePools());

describe("map over an input that waits for results", () => {
  it("yields each result while its async input waits for that result (request/reply)", async () => {
    const replies: number[] = [];
    let answer = () => {};
    async function* requests() {
      for (let i = 0; i < 5; i++) {
        const answered = new Promise<void>((resolve) => {
          answer = resolve;
        });
        yield i;
        await answered; // the next request is sent only once this one is answered
      }
    }
    const loop = (async () => {
      for await (const value of map((x: number) => x * 10, requests())) {
        replies.push(value);
        answer();
      }
    })();
    await withDeadline(loop, "a request/reply map");
    expect(replies).toEqual([0, 10, 20, 30, 40]);
  });

  it("crawls: links found in results are fed back into its input until none are new", async () => {
    const frontier = new Q<string>("thread");
    const pages = (async function* () {
      for await (const msg of frontier) yield msg.data;
    })();
    const seen = new Set(["/"]);
    let waiting = 1;
    frontier.put("/");
    const crawl = (async () => {
      for await (const links of map(
        (path: string) => (path.length < 5 ? [`${path}a/`, `${path}b/`, "/"] : ["/"]),
        pages,
        { num: 2 },
      )) {
        waiting--;
        for (const link of links) {
          if (seen.has(link)) continue;
          seen.add(link);
          waiting++;
          frontier.put(link);
        }
        if (waiting === 0) frontier.end();
      }
    })();
    await withDeadline(crawl, "a crawl that feeds its own input");
    expect([...seen].sort()).toEqual(["/", "/a/", "/a/a/", "/a/b/", "/b/", "/b/a/", "/b/b/"]);
  });
});

describe("aborting map while its async input is stalled", () => {
  it("rejects with the signal's reason at once, and closes the input once it can", async () => {
    const controller = new AbortController();
    let closed = false;
    let release = () => {};
    async function* stalls() {
      try {
        controller.abort(new Error("stop waiting"));
        await new Promise<void>((resolve) => {
          release = resolve; // the input is stuck until the test lets it go
        });
        yield 1;
      } finally {
        closed = true;
      }
    }
    const loop = (async () => {
      for await (const _ of map((x: number) => x, stalls(), { signal: controller.signal })) {
        // never reached
      }
    })();
    await expect(withDeadline(loop, "an aborted map")).rejects.toThrow("stop waiting");
    release();
    await eventually(() => closed, "the stalled input is closed once it yields");
  });

  it("rejects at once after some results, and ignores the stalled input's later failure", async () => {
    const controller = new AbortController();
    let fail = (_: Error) => {};
    async function* failsLater() {
      yield 1;
      await new Promise<void>((_, reject) => {
        fail = reject;
      });
    }
    const seen: number[] = [];
    const loop = (async () => {
      for await (const value of map((x: number) => x + 1, failsLater(), {
        signal: controller.signal,
      })) {
        seen.push(value);
        controller.abort(new Error("enough"));
      }
    })();
    await expect(withDeadline(loop, "an aborted map")).rejects.toThrow("enough");
    expect(seen).toEqual([2]);
    // The input fails after map has given up on it: nobody must see that as unhandled.
    fail(new Error("too late"));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
