// The put script's dedupe: a producer's batches are numbered, may be pipelined, and are
// sent again after a lost connection; each must be applied exactly once, in order.
import { Q } from "ezq";
import { expect, it } from "vitest";
import { GROUP } from "../../src/redis/keys.js";
import { nodeRedisLink } from "../../src/redis/node-redis.js";
import { PUT } from "../../src/redis/scripts.js";
import { describeRedis, uniqueName } from "./support/suite.js";

describeRedis("put batches", {}, (server) => {
  /** Sends batch `seq` of `producer` to `stream`: `alone` when no batch before it is unconfirmed. */
  const put = async (
    stream: string,
    producer: string,
    seq: number,
    alone: boolean,
    ms: string[],
  ) => {
    const link = nodeRedisLink(server().url, "ezq-test");
    try {
      const args = [String(seq), "60000", "0", GROUP, alone ? "1" : "0", ...ms];
      return await link.run(PUT, [stream, `${stream}:p:${producer}`], args);
    } finally {
      link.close();
    }
  };
  const entries = async (stream: string) => {
    const link = nodeRedisLink(server().url, "ezq-test");
    try {
      const rows = (await link.call(["XRANGE", stream, "-", "+"])) as [string, string[]][];
      return rows.map((row) => row[1][1]);
    } finally {
      link.close();
    }
  };

  it("applies each numbered batch once, in order, however often it is sent", async () => {
    const stream = `ezq:{${uniqueName()}}:s`;
    await put(stream, "p", 1, true, ["0:0:a", "0:0:b"]);
    // Pipelined behind batch 1, batch 3 arrives without batch 2: refused, not applied.
    await expect(put(stream, "p", 3, false, ["0:0:e"])).rejects.toThrow(/^EZQGAP/);
    await put(stream, "p", 2, false, ["0:0:c", "0:0:d"]);
    // Retries after a lost reply: skipped, whether the last batch or an earlier one.
    await put(stream, "p", 2, true, ["0:0:c", "0:0:d"]);
    await put(stream, "p", 1, true, ["0:0:a", "0:0:b"]);
    await put(stream, "p", 3, true, ["0:0:e"]);
    expect(await entries(stream)).toEqual(["0:0:a", "0:0:b", "0:0:c", "0:0:d", "0:0:e"]);
  });

  it("takes a producer's first batch only when it was sent alone", async () => {
    const stream = `ezq:{${uniqueName()}}:s`;
    // A pipelined batch whose predecessor never arrived (the dedupe key does not exist yet).
    await expect(put(stream, "q", 8, false, ["0:0:x"])).rejects.toThrow(/^EZQGAP/);
    await put(stream, "q", 7, true, ["0:0:w"]);
    await put(stream, "q", 8, false, ["0:0:x"]);
    expect(await entries(stream)).toEqual(["0:0:w", "0:0:x"]);
  });

  it("gives a retried batch of ENDs the ids it gave the first time", async () => {
    const stream = `ezq:{${uniqueName()}}:s`;
    const first = (await put(stream, "r", 1, true, ["0:0:a", "3:END0:u"])) as string[];
    expect(first.length).toBe(1);
    expect(await put(stream, "r", 1, true, ["0:0:a", "3:END0:u"])).toEqual(first);
    expect(await entries(stream)).toEqual(["0:0:a", "3:END0:u"]);
  });

  it("a burst of puts leaves in pipelined batches and arrives whole, in order", async () => {
    const q = new Q<number>("redis", { name: uniqueName(), url: server().url });
    const n = 5500; // six batches, several in flight at once
    for (let i = 0; i < n; i++) q.put(i);
    q.end();
    const got: number[] = [];
    for await (const msg of q) got.push(msg.data);
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});
