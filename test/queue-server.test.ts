/** The parent's side of the queue protocol, one request at a time, over a fake link. */
import { describe, expect, it } from "vitest";
import { QueueServer } from "../src/queue/server.js";
import { Store } from "../src/queue/store.js";
import { Link } from "../src/transport/link.js";
import type { Port } from "../src/transport/port.js";
import type { Frame, QueueFrame } from "../src/transport/protocol.js";

/** A link whose sent frames are kept, for the test to read. */
function fakeLink(): { link: Link; sent: unknown[] } {
  const sent: unknown[] = [];
  const port: Port = {
    post: (batch: Frame[]) => {
      for (const [, payload] of batch) sent.push(payload);
    },
    onBatch: () => {},
    onClose: () => {},
    ref: () => {},
    unref: () => {},
    close: () => {},
    drain: () => Promise.resolve(),
  };
  return { link: new Link(port), sent };
}

function serverOf(store: Store) {
  const { link, sent } = fakeLink();
  const owner = { tracked: true };
  const server = new QueueServer(link, owner, (qid) => (qid === "q" ? store : undefined));
  const replies = () => {
    link.flush();
    return sent.splice(0) as QueueFrame[];
  };
  return { server, owner, replies };
}

describe("QueueServer", () => {
  it("puts, and answers a take with the messages and what remains", async () => {
    const store = new Store();
    const { server, replies } = serverOf(store);
    server.handle([
      "put",
      "q",
      [
        ["s1", "", 0],
        ["s2", "", 1],
      ],
    ]);
    server.handle(["take", "q", 7, 1]);
    expect(replies()).toEqual([["took", 7, [[1, "s1", "", 0]], 1]]);
  });

  it("answers a take that waited once a message arrives, and withdraws a cancelled one", async () => {
    const store = new Store();
    const { server, replies } = serverOf(store);
    server.handle(["take", "q", 1, 1]);
    server.handle(["take", "q", 2, 1]);
    server.handle(["cancel", "q", 2]);
    store.put([["s1", "", 0]]);
    await Promise.resolve(); // the store serves waiters once per microtask
    expect(replies()).toEqual([["took", 1, [[1, "s1", "", 0]], 0]]);
  });

  it("counts", async () => {
    const store = new Store();
    const { server, replies } = serverOf(store);
    store.put([["s1", "", 0]]);
    server.handle(["count", "q", 3]);
    await Promise.resolve();
    expect(replies()).toEqual([["counted", 3, 1]]);
  });

  it("gives back what the child held when it is gone, and forgets what it acked", async () => {
    const store = new Store();
    const { server } = serverOf(store);
    store.put([
      ["s1", "", 0],
      ["s2", "", 1],
      ["s3", "", 2],
    ]);
    server.handle(["take", "q", 1, 3]);
    server.handle(["ack", "q", [1]]);
    server.handle(["rel", "q", [3]]);
    expect(store.size()).toBe(1);
    server.releaseAll();
    expect(store.size()).toBe(2);
  });

  it("drops requests for a queue it cannot reach", () => {
    const { server, replies } = serverOf(new Store());
    server.handle(["put", "elsewhere", [["s1", "", 0]]]);
    server.handle(["take", "elsewhere", 1, 1]);
    expect(replies()).toEqual([]);
  });

  describe("a burst of large messages", () => {
    // 256 KB of text or bytes makes a message large (store.ts).
    const large = (tag: string) => `s${tag}${"x".repeat(300_000)}`;
    const kinds = (frames: QueueFrame[]) =>
      frames.map((frame) => [frame[0], frame[1], (frame[2] as unknown[]).length, frame[4]]);

    it("goes to a waiting take message by message as it is put, then the take is closed", async () => {
      const store = new Store();
      const { link, sent } = fakeLink();
      const server = new QueueServer(link, { tracked: true }, () => store);
      server.handle(["take", "q", 5, 10]);
      store.put([[large("a"), "", 0]]);
      // Sent at once (flushed), while the producer is still in its synchronous loop.
      expect(kinds(sent.splice(0) as QueueFrame[])).toEqual([["took", 5, 1, 1]]);
      store.put([[large("b"), "", 0]]);
      expect(kinds(sent.splice(0) as QueueFrame[])).toEqual([["took", 5, 1, 1]]);
      store.put([["s-small", "", 0]]); // small: waits for the end of the burst
      expect(sent).toEqual([]);
      await Promise.resolve();
      link.flush();
      expect(kinds(sent.splice(0) as QueueFrame[])).toEqual([["took", 5, 1, undefined]]);
      // Closed: a later message waits for a new take.
      store.put([[large("c"), "", 0]]);
      await Promise.resolve();
      link.flush();
      expect(sent).toEqual([]);
      expect(store.size()).toBe(1);
    });

    it("waits for the end of the burst when a reader at home is first in line", async () => {
      const store = new Store();
      const { link, sent } = fakeLink();
      const server = new QueueServer(link, { tracked: true }, () => store);
      const home: unknown[][] = [];
      store.take({ owner: { tracked: false }, n: 1, done: (items) => home.push(items) });
      server.handle(["take", "q", 1, 10]);
      store.put([[large("a"), "", 0]]);
      store.put([[large("b"), "", 0]]);
      expect(sent).toEqual([]); // not skipped over: the reader at home is served first
      await Promise.resolve();
      link.flush();
      expect(home.map((items) => items.length)).toEqual([1]);
      expect(kinds(sent.splice(0) as QueueFrame[])).toEqual([["took", 1, 1, undefined]]);
    });

    it("stops at the take's count and at an END, and a take cut short gets a last reply", async () => {
      const store = new Store();
      const { link, sent } = fakeLink();
      const server = new QueueServer(link, { tracked: true }, () => store);
      server.handle(["take", "q", 1, 2]);
      store.put([[large("a"), "", 0]]);
      store.put([[large("b"), "", 0]]);
      store.put([[large("c"), "", 0]]);
      link.flush();
      // The second message fills the take: its reply closes it; the third waits.
      expect(kinds(sent.splice(0) as QueueFrame[])).toEqual([
        ["took", 1, 1, 1],
        ["took", 1, 1, undefined],
      ]);
      expect(store.size()).toBe(1);

      server.handle(["take", "q", 2, 5]); // answered at once with what waits
      server.handle(["take", "q", 3, 5]);
      store.put([[large("d"), "", 0]]);
      server.handle(["cancel", "q", 3]);
      link.flush();
      expect(kinds(sent.splice(0) as QueueFrame[])).toEqual([
        ["took", 2, 1, undefined],
        ["took", 3, 1, 1],
        ["took", 3, 0, undefined],
      ]);

      server.handle(["take", "q", 4, 5]);
      store.put([
        [large("e"), "", 0],
        ["s", "END", 0],
        [large("f"), "", 0],
      ]);
      link.flush();
      // Never past an END: the reader that reads it stops there.
      expect(kinds(sent.splice(0) as QueueFrame[])).toEqual([["took", 4, 2, undefined]]);
      expect(store.size()).toBe(1);
    });
  });
});
