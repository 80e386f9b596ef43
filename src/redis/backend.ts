/**
 * The third `Backend`: a queue whose messages live in a Redis stream. One consumer group
 * per queue; each reader of each context is a consumer. A take is one Lua script (see
 * scripts.ts) that claims handed-back messages first, then new ones, up to the reader's
 * credit (XREADGROUP COUNT), never past an END; when nothing is waiting, the reader blocks
 * in an XREADGROUP of one entry on a link of its own. What a reader took stays in its
 * pending entries list (its lease) until acked (XACK + XDEL, so Redis memory stays flat)
 * or handed back. Puts are buffered and flushed in batches, a few in flight at once, each
 * batch a script with a sequence number that makes a retry after a lost connection harmless.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { threadId } from "node:worker_threads";
import { END_KIND as END } from "../msg.js";
import type { Item, WireMsg } from "../transport/protocol.js";
import { fromEntry, toEntry } from "./entry.js";
import { startBeating, stopBeating } from "./heartbeat.js";
import { FREE, GROUP, type QueueKeys, queueKeys } from "./keys.js";
import type { RedisLink, Script } from "./link.js";
import { ownLink, sharedLink } from "./links.js";
import { report, retrying, sleep } from "./retry.js";
import { ACK, CAPACITY, COUNT, LEAVE, PUT, RELEASE, REMOVE_ENDS, TAKE } from "./scripts.js";
import { type Timing, timing } from "./timing.js";
import type { RedisTarget } from "./url.js";

/** Messages per put script, and their total size: big enough to amortize, small enough not to stall Redis. */
const MAX_BATCH = 1000;
const MAX_BATCH_BYTES = 1 << 20;
/** Put batches in flight at once (see `#flush`): a few keep Redis busy without stalling its other clients. */
const PIPELINE = 4;
/** How long Redis remembers a producer's last batch: far longer than any reconnection. */
const DEDUPE_TTL_MS = String(24 * 3600 * 1000);
/** How long an ack or a hand-back keeps a finished script waiting for a lost server. */
const HOLD_MS = 5_000;

/** Backends of this context with puts or acks still on their way to Redis. */
const busy = new Set<RedisBackend>();
/** Backends of this context with puts not yet in Redis. */
const putting = new Set<RedisBackend>();

/**
 * Resolves once every put made so far in this context is in Redis (undefined when none is
 * pending). An ack waits for it: a reader that puts what it made of a message, then moves
 * on, must not see its ack overtake that put (puts wait in the outbox for their batch), or a death
 * in between would lose the message's result.
 */
function putsSoFar(): Promise<unknown> | undefined {
  if (putting.size === 0) return undefined;
  return Promise.all([...putting].map((backend) => backend.flushed()));
}

/**
 * Resolves once every put, ack and hand-back of this context's Redis queues is in Redis
 * (or undefined at once when none is pending). A worker awaits it before it reports its
 * task's end: its process may exit right after, and what it put must not be lost with it.
 */
export function redisSettled(): Promise<void> | undefined {
  if (busy.size === 0) return undefined;
  return Promise.all([...busy].map((backend) => backend.settled())).then(() => {});
}

/**
 * Who holds delivered messages: the queue layer's `Owner`. The Redis layer sits below the
 * queue layer (which uses a `RedisBackend` as a queue's backend), so it names the shapes
 * it needs of the queue's contract here, and `queue/redis-core.ts` checks that they fit.
 */
export type Owner = object;

/** A request for up to `n` messages: the part of the queue layer's `TakeRequest` served here. */
export interface TakeRequest {
  readonly owner: Owner;
  readonly n: number;
  done(items: Item[], remaining: number): void;
}

/** What a Redis backend is for. */
export interface RedisQueueSpec {
  readonly name: string;
  readonly target: RedisTarget;
  /** Keys expire this long after their last use (ezq's own reply queues); default never. */
  readonly ttlMs?: number;
  /** Skip the dedupe of retried puts (replies that their reader dedupes itself). */
  readonly noDedupe?: boolean;
}

/** A batch of puts: its absolute positions in the outbox, its script's arguments, its outcome once sent. */
interface Batch {
  readonly from: number;
  readonly to: number;
  readonly args: string[];
  /** It holds END messages. */
  readonly ends: boolean;
  outcome?: Promise<Outcome>;
}

/** What a put script answered: the ids of its batch's ENDs, or an error. */
type Outcome = { ends: string[] } | { error: unknown };

/** True for the put script's refusal of a batch sent ahead of a predecessor that failed. */
function isGap(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("EZQGAP");
}

/** An entry as a take returns it: stream id, and its one field (entry.ts). */
type Entry = [id: string, m: string];

/** A queue in Redis, as seen from this context. */
export class RedisBackend {
  readonly name: string;
  readonly target: RedisTarget;
  readonly keys: QueueKeys;
  /** This reader's consumer name: host, process, thread, and a random part. */
  readonly consumer: string;
  readonly #link: RedisLink;
  readonly #timing: Timing = timing();
  readonly #ttl: string;
  readonly #producer: string | undefined;
  // Puts: a FIFO with a head index (no shift() on a long array), one batch in flight.
  #outbox: WireMsg[] = [];
  #head = 0;
  /** The number of messages ever put before `#outbox[0]`. */
  #base = 0;
  #confirmed = 0;
  #seq = 0;
  #flushing = false;
  readonly #endIds = new Map<number, (id: string) => void>();
  readonly #flushWaiters: Array<[upTo: number, resolve: () => void]> = [];
  // Reads.
  readonly #held = new Map<Owner, Map<number, string>>();
  /**
   * Entries acked or handed back here whose script has not yet succeeded: still in this
   * consumer's pending list, but in flight, not lost, so a recovery after a lost
   * connection must not hand them back. Kept as the batches they left in (a set entry per
   * id cost a reader per message).
   */
  readonly #leaving = new Set<string[]>();
  #nextId = 1;
  readonly #requests: TakeRequest[] = [];
  #pumping = false;
  #recover = false;
  #blocking: RedisLink | undefined;
  #waiting = 0;
  #holdingForReaders = false;
  #beating = false;
  #lastSize = 0;
  readonly #sending = new Set<Promise<unknown>>();

  constructor(spec: RedisQueueSpec) {
    this.name = spec.name;
    this.target = spec.target;
    this.keys = queueKeys(spec.name);
    this.#ttl = spec.ttlMs ? String(spec.ttlMs) : "0";
    this.#producer = spec.noDedupe ? undefined : randomBytes(8).toString("hex");
    this.consumer = `${hostname()}/${process.pid}/${threadId}/${randomBytes(4).toString("hex")}`;
    this.#link = sharedLink(spec.target);
  }

  put(msgs: WireMsg[]): void {
    for (const msg of msgs) this.#outbox.push(msg);
    this.#scheduleFlush();
  }

  /** A queue in Redis has no bound (`maxsize` is for local queues). */
  hasRoom(_n: number): boolean {
    return true;
  }

  /** Puts at once; resolves once the messages are in Redis. */
  putWhenRoom(msgs: WireMsg[]): Promise<void> {
    this.put(msgs);
    return this.flushed();
  }

  /** Puts `n` END messages; resolves with their stream ids once they are in Redis. */
  putEnds(n: number): Promise<string[]> {
    const ids: Promise<string>[] = [];
    for (let i = 0; i < n; i++) {
      const index = this.#base + this.#outbox.length;
      ids.push(new Promise((resolve) => this.#endIds.set(index, resolve)));
      this.#outbox.push(["u", END, 0]);
    }
    this.#scheduleFlush();
    return Promise.all(ids);
  }

  /** Removes these END entries if nobody read them. */
  async removeEnds(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.#send("stop", REMOVE_ENDS, [this.keys.stream], [GROUP, ...ids]);
  }

  /** Resolves once what was put, acked and handed back so far is in Redis. */
  async settled(): Promise<void> {
    await this.flushed();
    await Promise.allSettled([...this.#sending]);
  }

  /** Resolves once every message put so far is in Redis. */
  flushed(): Promise<void> {
    const upTo = this.#base + this.#outbox.length;
    if (this.#confirmed >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push([upTo, resolve]));
  }

  take(request: TakeRequest): void {
    this.#requests.push(request);
    void this.#pump();
  }

  cancel(request: TakeRequest): void {
    const index = this.#requests.indexOf(request);
    if (index >= 0) this.#requests.splice(index, 1);
  }

  ack(owner: Owner, ids: number[]): void {
    const sids = this.#unhold(owner, ids);
    if (sids.length === 0) return;
    sortIds(sids);
    this.#leave(
      sids,
      this.#send("ack", ACK, [this.keys.stream], [GROUP, ...sids], HOLD_MS, putsSoFar()),
    );
  }

  release(owner: Owner, ids: number[]): void {
    this.#handBack(this.#unhold(owner, ids));
  }

  releaseOwner(owner: Owner): void {
    for (const request of [...this.#requests]) if (request.owner === owner) this.cancel(request);
    const held = this.#held.get(owner);
    if (!held) return;
    this.#held.delete(owner);
    this.#handBack([...held.values()]);
  }

  size(): number {
    return this.#lastSize;
  }

  /** The stream id of a message `owner` holds: the same on every delivery of that message. */
  streamId(owner: Owner, id: number): string | undefined {
    return this.#held.get(owner)?.get(id);
  }

  /** Runs a plain command on this queue's shared link, retried like every operation. */
  command(what: string, args: string[]): Promise<unknown> {
    const link = this.#link;
    return retrying(link, `${what} on Redis queue ${this.name}`, () => link.call(args), HOLD_MS);
  }

  /**
   * Says how many messages this reader works on at once (an agent's workers), so that
   * producers can size their work for the readers alive (`capacity`). Forgotten when this
   * reader leaves or is reaped as dead.
   */
  async announce(workers: number): Promise<void> {
    await this.command("announce", ["HSET", this.keys.workers, this.consumer, String(workers)]);
  }

  /** The workers that the live readers of this queue announced; 0 when none did. */
  async capacity(): Promise<number> {
    const keys = [this.keys.beats, this.keys.workers];
    const args = [String(this.#timing.deadMs)];
    return Number(await this.#send("capacity", CAPACITY, keys, args, HOLD_MS));
  }

  async count(): Promise<number> {
    await this.flushed();
    const size = await this.#send("size", COUNT, [this.keys.stream], [GROUP, FREE]);
    this.#lastSize = Number(size);
    return this.#lastSize;
  }

  /**
   * A consumer of this context starts (+1) or stops (-1) waiting for a message. While one
   * waits, the links keep the process alive: a script reading a Redis queue waits for
   * producers elsewhere. Reading ahead with nobody waiting keeps nothing alive.
   */
  waiting(delta: number): void {
    this.#waiting += delta;
    const want = this.#waiting > 0;
    if (want === this.#holdingForReaders) return;
    this.#holdingForReaders = want;
    for (const link of [this.#link, this.#blocking]) {
      if (want) link?.hold();
      else link?.letGo();
    }
  }

  /** Stops reading for good: withdraws takes, hands back what is held, forgets this consumer. */
  async close(): Promise<void> {
    this.#requests.length = 0;
    for (const owner of [...this.#held.keys()]) this.releaseOwner(owner);
    if (this.#beating) stopBeating(this.target.url, this.keys.beats, this.consumer);
    this.#beating = false;
    // Held 5 s at most: a server that is gone cannot be told goodbye (what was held comes back).
    await this.#send(
      "close",
      LEAVE,
      [this.keys.stream, this.keys.beats, this.keys.workers],
      [GROUP, this.consumer],
      HOLD_MS,
    );
    this.#blocking?.close();
    this.#blocking = undefined;
  }

  #scheduleFlush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    busy.add(this);
    putting.add(this);
    this.#link.hold();
    // After this turn: a loop of puts leaves as a few large batches.
    process.nextTick(() => void this.#flush());
  }

  /**
   * Sends the outbox in batches, up to PIPELINE of them in flight on the shared link (one
   * at a time, the round trips of a burst of puts were what bounded a producer: Redis ran
   * each batch in a tenth of the time the producer waited for it). Batches are confirmed in
   * order. A batch with END messages travels alone, so that a retry of it finds it the last
   * applied and gets its ENDs' ids back. When a batch fails, those after it may or may not
   * have been applied (the script refuses a batch whose predecessor is missing): all are
   * let settle, then each unconfirmed one is sent again alone, in order, until it is in.
   */
  async #flush(): Promise<void> {
    const inFlight: Batch[] = [];
    const keys = [this.keys.stream, this.keys.producer(this.#producer ?? "none")];
    const what = `put to Redis queue ${this.name}`;
    let sent = this.#confirmed;
    for (;;) {
      while (inFlight.length < PIPELINE && sent < this.#base + this.#outbox.length) {
        const batch = this.#batch(sent, inFlight.length === 0);
        if (!batch) break; // ENDs: sent once those before them are in
        const reply = this.#link.run(PUT, keys, batch.args) as Promise<string[]>;
        batch.outcome = reply.then(
          (ends) => ({ ends }),
          (error: unknown) => ({ error }),
        );
        inFlight.push(batch);
        sent = batch.to;
        if (batch.ends) break; // nothing goes after ENDs until they are in
      }
      const oldest = inFlight[0];
      if (!oldest) break;
      const outcome = await (oldest.outcome as Promise<Outcome>);
      if ("ends" in outcome) {
        inFlight.shift();
        this.#confirm(oldest, outcome.ends);
        continue;
      }
      const outcomes = await Promise.all(
        inFlight.map((batch) => batch.outcome as Promise<Outcome>),
      );
      const failure = outcomes.find((o) => "error" in o) as { error: unknown };
      if (!this.#link.isConnectionError(failure.error) && !isGap(failure.error)) {
        report(what, failure.error);
      }
      for (const [i, batch] of inFlight.entries()) {
        const done = outcomes[i] as Outcome;
        // Alone now, with every batch before it in: the script may take it as the first.
        batch.args[4] = "1";
        const ends =
          "ends" in done && i > 0
            ? done.ends
            : ((await retrying(this.#link, what, () =>
                this.#link.run(PUT, keys, batch.args),
              )) as string[]);
        this.#confirm(batch, ends);
      }
      inFlight.length = 0;
    }
    this.#flushing = false;
    putting.delete(this);
    if (this.#sending.size === 0) busy.delete(this);
    this.#link.letGo();
  }

  /**
   * The next batch from absolute position `from`, its script arguments made (the sequence
   * number taken); `undefined` for a batch with END messages while others are in flight.
   */
  #batch(from: number, alone: boolean): Batch | undefined {
    const start = from - this.#base;
    let end = start;
    let bytes = 0;
    let ends = false;
    const entries: string[] = [];
    while (end < this.#outbox.length && end - start < MAX_BATCH && bytes < MAX_BATCH_BYTES) {
      const msg = this.#outbox[end] as WireMsg;
      if (msg[1] === END) ends = true;
      const m = toEntry(msg);
      bytes += m.length;
      entries.push(m);
      end++;
    }
    if (ends && !alone) return undefined;
    const seq = this.#producer ? String(++this.#seq) : "0";
    const args = [seq, DEDUPE_TTL_MS, this.#ttl, GROUP, alone ? "1" : "0", ...entries];
    return { from, to: this.#base + end, args, ends };
  }

  /** A batch is in Redis: its ENDs get their ids, and whoever waited for it is told. */
  #confirm(batch: Batch, ends: string[]): void {
    const start = batch.from - this.#base;
    const end = batch.to - this.#base;
    if (this.#endIds.size > 0) this.#resolveEnds(start, end, batch.from, ends);
    this.#head = end;
    this.#confirmed = batch.to;
    if (this.#head > 4096 && this.#head * 2 > this.#outbox.length) {
      this.#outbox = this.#outbox.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
    }
    this.#wakeFlushWaiters();
  }

  #resolveEnds(start: number, end: number, first: number, ends: string[]): void {
    let next = 0;
    for (let i = start; i < end; i++) {
      if ((this.#outbox[i] as WireMsg)[1] !== END) continue;
      const id = ends[next++];
      const resolve = this.#endIds.get(first + i - start);
      if (resolve && id !== undefined) {
        this.#endIds.delete(first + i - start);
        resolve(id);
      }
    }
  }

  #wakeFlushWaiters(): void {
    for (let i = this.#flushWaiters.length - 1; i >= 0; i--) {
      const [upTo, resolve] = this.#flushWaiters[i] as [number, () => void];
      if (this.#confirmed >= upTo) {
        this.#flushWaiters.splice(i, 1);
        resolve();
      }
    }
  }

  /** Serves takes one at a time, oldest first. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#requests.length > 0) {
        const request = this.#requests[0] as TakeRequest;
        await this.#serve(request);
        if (this.#requests[0] === request) this.#requests.shift();
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Serves one take: a take script, and while it finds nothing, a blocking read. */
  async #serve(request: TakeRequest): Promise<void> {
    this.#startBeating();
    const { deadMs, beatMs } = this.#timing;
    const keys = [
      this.keys.stream,
      this.keys.beats,
      this.keys.reapLock,
      this.keys.lastReap,
      this.keys.workers,
    ];
    for (let attempt = 0; this.#requests[0] === request; ) {
      if (this.#recover) await this.#recoverHeld();
      let reply: unknown[];
      try {
        const args = [
          GROUP,
          this.consumer,
          String(credit(request.n)),
          FREE,
          String(deadMs),
          String(beatMs),
          this.#ttl,
        ];
        reply = (await this.#link.run(TAKE, keys, args)) as unknown[];
        attempt = 0;
      } catch (error) {
        // The script may have run with its reply lost: what it took is found and handed back.
        this.#recover = true;
        if (!this.#link.isConnectionError(error))
          report(`take from Redis queue ${this.name}`, error);
        await sleep(Math.min(20 * 2 ** attempt++, 1000), this.#waiting > 0);
        continue;
      }
      this.#lastSize = Number(reply[0]);
      if (reply.length > 1) {
        const entries: Entry[] = [];
        for (let i = 1; i < reply.length; i += 2) {
          entries.push([reply[i] as string, reply[i + 1] as string]);
        }
        this.#deliver(request, entries);
        return;
      }
      if (this.#requests[0] !== request) return;
      const entry = await this.#block(beatMs);
      if (entry) {
        this.#deliver(request, [entry]);
        return;
      }
    }
  }

  /** Waits up to `ms` for one new entry; `undefined` when none came (or the link failed). */
  async #block(ms: number): Promise<Entry | undefined> {
    if (!this.#blocking) {
      this.#blocking = ownLink(this.target, "reader");
      if (this.#holdingForReaders) this.#blocking.hold();
    }
    try {
      const reply = (await this.#blocking.call([
        "XREADGROUP",
        "GROUP",
        GROUP,
        this.consumer,
        "COUNT",
        "1",
        "BLOCK",
        String(ms),
        "STREAMS",
        this.keys.stream,
        ">",
      ])) as [string, [string, string[]][]][] | null;
      const entry = reply?.[0]?.[1]?.[0];
      if (!entry) return undefined;
      const [id, fields] = entry;
      return [id, fields[1] ?? "0:0:u"];
    } catch {
      // Lost link (the read may have taken an entry whose reply was lost), or the queue's
      // keys were deleted under us: the next take script recovers either way.
      this.#recover = true;
      return undefined;
    }
  }

  /** Hands the entries to the take, or back to the queue if the take was withdrawn. */
  #deliver(request: TakeRequest, entries: Entry[]): void {
    if (this.#requests[0] !== request) {
      this.#handBack(entries.map((entry) => entry[0]));
      return;
    }
    let held = this.#held.get(request.owner);
    if (!held) {
      held = new Map();
      this.#held.set(request.owner, held);
    }
    const items: Item[] = [];
    for (const [sid, m] of entries) {
      const id = this.#nextId++;
      held.set(id, sid);
      const [payload, kind, order] = fromEntry(m);
      items.push([id, payload, kind, order]);
    }
    this.#requests.shift();
    request.done(items, this.#lastSize);
  }

  /**
   * After a lost connection: entries in this consumer's pending list that no reader here
   * knows of (a take whose reply was lost) go back to the queue.
   */
  async #recoverHeld(): Promise<void> {
    let pending: [string, ...unknown[]][];
    try {
      const holdMs = this.#waiting > 0 ? Number.POSITIVE_INFINITY : 0;
      pending = (await retrying(
        this.#link,
        `recover on Redis queue ${this.name}`,
        async () => {
          try {
            const args = ["XPENDING", this.keys.stream, GROUP, "-", "+", "100000", this.consumer];
            return await this.#link.call(args);
          } catch (error) {
            if (error instanceof Error && /^NOGROUP/.test(error.message)) return [];
            throw error;
          }
        },
        holdMs,
      )) as [string, ...unknown[]][];
    } finally {
      this.#recover = false;
    }
    // Entries held here, or acked or handed back with the script still on its way, are known.
    const known = new Set<string>();
    for (const batch of this.#leaving) for (const sid of batch) known.add(sid);
    for (const held of this.#held.values()) for (const sid of held.values()) known.add(sid);
    this.#handBack(pending.map((entry) => entry[0]).filter((sid) => !known.has(sid)));
  }

  #handBack(sids: string[]): void {
    if (sids.length === 0) return;
    sortIds(sids);
    const args = [GROUP, this.consumer, FREE, ...sids];
    this.#leave(sids, this.#send("hand back", RELEASE, [this.keys.stream], args, HOLD_MS));
  }

  /** Remembers `sids` as leaving until `sent` settles, so that a recovery leaves them be. */
  #leave(sids: string[], sent: Promise<unknown>): void {
    this.#leaving.add(sids);
    const forget = () => this.#leaving.delete(sids);
    void sent.then(forget, forget);
  }

  #unhold(owner: Owner, ids: number[]): string[] {
    const held = this.#held.get(owner);
    if (!held) return [];
    const sids: string[] = [];
    for (const id of ids) {
      const sid = held.get(id);
      if (sid !== undefined) {
        held.delete(id);
        sids.push(sid);
      }
    }
    return sids;
  }

  #startBeating(): void {
    if (this.#beating) return;
    this.#beating = true;
    startBeating(this.target.url, this.#timing.beatMs, this.keys.beats, this.consumer);
  }

  /** Runs a script until it succeeds, keeping the process alive for `holdMs` at most. */
  #send(
    what: string,
    script: Script,
    keys: string[],
    args: string[],
    holdMs?: number,
    after?: Promise<unknown>,
  ): Promise<unknown> {
    const link = this.#link;
    const send = () =>
      retrying(
        link,
        `${what} on Redis queue ${this.name}`,
        () => link.run(script, keys, args),
        holdMs,
      );
    const sent = after ? after.then(send) : send();
    this.#sending.add(sent);
    busy.add(this);
    void sent.finally(() => {
      this.#sending.delete(sent);
      if (this.#sending.size === 0 && !this.#flushing) busy.delete(this);
    });
    return sent;
  }
}

/**
 * How many messages a take asks Redis for. A reader asks for what covers a round trip of
 * its own measure (1 for a slow consumer, which must not hoard work); a round trip to Redis
 * costs more than one to a parent context (a script, other clients' commands ahead of it),
 * so a fast reader (one that asks for many) gets four times as many, up to 2048.
 */
function credit(n: number): number {
  return n >= 64 ? Math.min(n * 4, 2048) : n;
}

/**
 * Stream ids in order: "ms-seq", compared as numbers without parsing them (acks sort a
 * thousand ids at a time, and parsing each id on every comparison showed as a fifth of a
 * reader's CPU). Neither part has leading zeros: the longer number is the larger.
 */
function compareIds(a: string, b: string): number {
  const dash = a.indexOf("-");
  const other = b.indexOf("-");
  if (dash !== other) return dash - other;
  for (let i = 0; i < dash; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  if (a.length !== b.length) return a.length - b.length;
  for (let i = dash + 1; i < a.length; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return 0;
}

/** Sorts stream ids in place; those of a take arrive in order, so most need no sort. */
function sortIds(ids: string[]): void {
  for (let i = 1; i < ids.length; i++) {
    if (compareIds(ids[i - 1] as string, ids[i] as string) > 0) {
      ids.sort(compareIds);
      return;
    }
  }
}
