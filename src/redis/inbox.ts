/**
 * A stream that one reader alone reads, in order: the replies to a caller's cluster jobs.
 * A queue's machinery (a consumer group, leases, heartbeats, reaping the dead) exists so
 * that readers can share messages and a dead one's come back to the others; replies have
 * one reader, and are worth nothing once it is gone (they expire with the stream). So an
 * inbox is read by id: one blocking XREAD per batch of entries, on a link of its own,
 * with the XDEL of what the last read delivered in the same write. A queue's take costs
 * three round trips per reply that comes alone (a take script, a blocking read, an ack
 * script), each a write and a wake-up in two processes; this costs one.
 *
 * Nothing is lost: an entry stays in the stream until the read after the one that
 * delivered it, and a read whose reply was lost is sent again from the same id (repeats
 * are the reader's to ignore). Ids only grow: Redis gives each new entry an id above the
 * stream's last one, which the stream keeps even when its entries are deleted.
 */
import type { Payload } from "../transport/protocol.js";
import { fromEntry } from "./entry.js";
import { queueKeys } from "./keys.js";
import type { RedisLink } from "./link.js";
import { ownLink } from "./links.js";
import { report, sleep } from "./retry.js";
import type { RedisTarget } from "./url.js";

/** Entries per read, and how long one read waits in Redis before it is sent again. */
const COUNT = "256";
const BLOCK_MS = "1000";

/** The stream of the queue `name`, read by one reader; entries go to `deliver` as payloads. */
export class Inbox {
  readonly #key: string;
  readonly #target: RedisTarget;
  readonly #deliver: (payloads: Payload[]) => void;
  #link: RedisLink | undefined;
  /** The id of the last entry delivered: the next read starts after it. */
  #last = "0-0";
  /** Ids delivered and not yet deleted. */
  #read: string[] = [];
  #wanted = false;
  #reading = false;

  constructor(target: RedisTarget, name: string, deliver: (payloads: Payload[]) => void) {
    this.#target = target;
    this.#key = queueKeys(name).stream;
    this.#deliver = deliver;
  }

  /**
   * Reads while entries are expected (`true`): the link then keeps the process alive. With
   * nothing expected, the read in flight may finish, but keeps nothing alive.
   */
  expect(wanted: boolean): void {
    if (wanted === this.#wanted) return;
    this.#wanted = wanted;
    if (wanted) {
      this.#link ??= ownLink(this.#target, "inbox");
      this.#link.hold();
      void this.#loop();
    } else {
      this.#link?.letGo();
    }
  }

  async #loop(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    const link = this.#link as RedisLink;
    try {
      for (let attempt = 0; this.#wanted; ) {
        this.#deleteRead(link);
        let reply: [string, [string, string[]][]][] | null;
        try {
          const args = [
            "XREAD",
            "COUNT",
            COUNT,
            "BLOCK",
            BLOCK_MS,
            "STREAMS",
            this.#key,
            this.#last,
          ];
          reply = (await link.call(args)) as typeof reply;
          attempt = 0;
        } catch (error) {
          if (!link.isConnectionError(error)) report(`read of Redis stream ${this.#key}`, error);
          await sleep(Math.min(20 * 2 ** attempt++, 1000), this.#wanted);
          continue;
        }
        const entries = reply?.[0]?.[1];
        if (!entries || entries.length === 0) continue;
        const payloads: Payload[] = [];
        for (const [id, fields] of entries) {
          this.#last = id;
          this.#read.push(id);
          payloads.push(fromEntry(fields[1] ?? "0:0:")[0]);
        }
        this.#deliver(payloads);
      }
      this.#deleteRead(link);
    } finally {
      this.#reading = false;
    }
  }

  /** Deletes what was delivered; a delete lost with its connection leaves it to the stream's TTL. */
  #deleteRead(link: RedisLink): void {
    if (this.#read.length === 0) return;
    const ids = this.#read;
    this.#read = [];
    link.call(["XDEL", this.#key, ...ids]).catch(() => {});
  }
}
