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
});
