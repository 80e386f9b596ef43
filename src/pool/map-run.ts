/**
 * One `map` call at work. Two loops share its state and neither waits on the other: the
 * filler reads the input into chunks and dispatches them while the window has room; the
 * consumer (`next`) hands out results as chunks complete, runs again the chunks of
 * workers that died, and stops at the first failure. So results flow while the input
 * waits, and an abort is seen at once, whatever the input is doing.
 */

import { ChunkStaging } from "../codec/staging.js";
import type { WorkerExitError } from "../errors.js";
import type { QueueCore } from "../queue/core.js";
import { isMoved } from "../transport/protocol.js";
import { type ChunkRunner, clusterLease } from "../worker/cluster.js";
import type { TaskSpec } from "../worker/task.js";
import type { BatchSource } from "./batches.js";
import { type Chunk, unpack } from "./chunk.js";
import { ChunkWindow } from "./chunk-window.js";
import { ChunkSizer, CLUSTER_PACE, LOCAL_PACE } from "./chunking.js";
import { DeathCount } from "./deaths.js";
import { encodeItems } from "./encode-items.js";
import { ChunkFeed } from "./feed.js";
import type { Settings } from "./map-options.js";
import { Notifier } from "./notifier.js";
import { DEPTH } from "./pool.js";
import { poolFor } from "./pools.js";
import type { ZipReader } from "./zip.js";

/** The state of one `map` call. */
export class MapRun<R> implements BatchSource<R> {
  readonly #spec: TaskSpec;
  readonly #settings: Settings;
  readonly #total: number | undefined;
  readonly #feed: ChunkFeed;
  readonly #sizer: ChunkSizer;
  readonly #window: ChunkWindow;
  /**
   * Chunks dispatched and not yet consumed (in the window, or the last batch handed out
   * until `next` is called again): bounded, so memory does not grow with the input.
   */
  #maxWindow: number;
  readonly #deaths = new DeathCount();
  readonly #changed = new Notifier();
  readonly #onAbort = () => this.#fail(this.#settings.signal?.reason);
  /** Where the chunks run: a lease on a warm pool, or the agents of a cluster. */
  #lease: ChunkRunner | undefined;
  #failure: { error: unknown } | undefined;
  #inputEnded = false;
  #nextStart = 0;
  #done = 0;
  /** A batch was handed out and its consumer has not asked for more yet. */
  #outstanding = false;
  #stopping: Promise<void> | undefined;

  /** Queues that `map`'s `args` carry: every chunk carries them too. */
  readonly #sharedQueues: readonly QueueCore[];

  constructor(
    spec: TaskSpec,
    input: ZipReader,
    total: number | undefined,
    settings: Settings,
    sharedQueues: readonly QueueCore[] = [],
  ) {
    this.#sharedQueues = sharedQueues;
    this.#spec = spec;
    this.#settings = settings;
    this.#total = total;
    this.#feed = new ChunkFeed(input);
    const pace = settings.cluster ? CLUSTER_PACE : LOCAL_PACE;
    this.#sizer = new ChunkSizer(settings.chunkSize, total, settings.num, pace);
    this.#window = new ChunkWindow(settings.ordered);
    this.#maxWindow = settings.num * DEPTH * 2;
  }

  /** The next results, or `undefined` once all are out; rejects with the first failure. */
  async next(): Promise<R[] | undefined> {
    if (!this.#lease) this.#start();
    if (this.#outstanding) {
      this.#outstanding = false;
      this.#changed.notify(); // the last batch was consumed: room for the filler
    }
    try {
      for (;;) {
        const values = this.#step();
        if (values) return values;
        if (this.#stopping) return undefined;
        if (this.#inputEnded && this.#window.size === 0) {
          await this.stop();
          return undefined;
        }
        await this.#changed.wait();
      }
    } catch (error) {
      await this.stop().catch(() => {}); // the first failure is the one to report
      throw error;
    }
  }

  /**
   * Stops the work: no new items start, the chunks still running are stopped (with the
   * workers running them), and the input is closed.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#cleanUp();
    return this.#stopping;
  }

  #start(): void {
    const { kind, worker, num, idleTimeout, signal, cluster } = this.#settings;
    const lease: ChunkRunner = cluster
      ? clusterLease(cluster)
      : poolFor(kind, worker).lease(num, idleTimeout);
    this.#lease = lease;
    // Until the agents tell how many workers they run, chunks are sized for the default; the
    // one chunk that measures the task first leaves time for the answer (one round trip).
    if (this.#settings.numFromAgents) {
      void lease.workers?.then((workers) => {
        if (workers > 0) this.#useWorkers(workers);
      });
    }
    if (signal?.aborted) {
      this.#fail(signal.reason);
      return;
    }
    signal?.addEventListener("abort", this.#onAbort);
    void this.#fill();
  }

  /** Reads and dispatches chunks while there is room, until the input ends or the run stops. */
  async #fill(): Promise<void> {
    try {
      while (!this.#stopped()) {
        if (this.#full()) {
          await this.#changed.wait();
          continue;
        }
        const tuples = await this.#feed.take(this.#sizer.next(this.#nextStart));
        if (this.#stopped()) return;
        if (tuples.length > 0) this.#admit(tuples);
        if (this.#feed.done) {
          this.#inputEnded = true;
          this.#changed.notify();
          return;
        }
      }
    } catch (error) {
      this.#fail(error); // the input threw, or an item cannot be sent
    }
  }

  /**
   * No room for another chunk. Once the sizer knows the pace, the window is full. While it
   * measures, few one-item chunks run at once: on agents, one; on a local pool, one per
   * worker and at least DEPTH (a lone worker still runs two async items side by side).
   * Each costs a round trip that a measured chunk would share out (16 trivial items on 2
   * threads went in 12 chunks when the whole window of one-item chunks went out first).
   * Running chunks count, not finished ones held for an ordered hand-out: a slow first
   * item must not keep the others' workers waiting.
   */
  #full(): boolean {
    if (this.#sizer.trusted)
      return this.#window.size + Number(this.#outstanding) >= this.#maxWindow;
    const { cluster, chunkSize, num } = this.#settings;
    const room = cluster ? 1 : chunkSize === undefined ? Math.max(num, DEPTH) : this.#maxWindow;
    return this.#window.unsettled().length >= room;
  }

  /** The chunks run on `workers` workers: size them, and keep as many in flight, for those. */
  #useWorkers(workers: number): void {
    this.#sizer.setWorkers(workers);
    this.#maxWindow = workers * DEPTH * 2;
    this.#changed.notify();
  }

  #admit(tuples: unknown[][]): void {
    const start = this.#nextStart;
    const { kind, cluster } = this.#settings;
    // Bound for agents elsewhere, the items may carry queues in Redis only.
    // Copies for a local thread are staged in shared slots: the worker copies them out,
    // where a kept copy would cost this thread a second one at each sending.
    const staging = kind === "thread" && !cluster ? new ChunkStaging() : undefined;
    let encoded: ReturnType<typeof encodeItems>;
    try {
      encoded = encodeItems(tuples, start, cluster ? "process" : kind, !!cluster, staging?.stage);
    } catch (error) {
      staging?.release();
      throw error;
    }
    const { text, queues } = encoded;
    this.#nextStart += tuples.length;
    const carried = this.#sharedQueues.length > 0 ? [...queues, ...this.#sharedQueues] : queues;
    const chunk: Chunk = {
      start,
      count: tuples.length,
      items: text,
      queues: carried,
      ...(staging && staging.slots.length > 0 && { staging }),
    };
    this.#window.push(chunk);
    this.#dispatch(chunk);
  }

  #dispatch(chunk: Chunk): void {
    const { items, count, queues } = chunk;
    const call = (this.#lease as ChunkRunner).call({ spec: this.#spec, items, count, queues });
    chunk.call = call;
    call.result.then(
      (done) => {
        chunk.done = done;
        // Measured as each chunk completes, not as its results are handed out: an ordered
        // run may hold finished chunks behind a slow first one, and its workers must not
        // wait for that one to learn the pace.
        this.#sizer.record(count, done.ms);
        this.#changed.notify();
      },
      (error: unknown) => {
        chunk.error = error;
        this.#changed.notify();
      },
    );
  }

  /** One turn of the consumer: throws the failure, if any, else returns ready results. */
  #step(): R[] | undefined {
    for (;;) {
      if (this.#failure) throw this.#failure.error;
      this.#retryOrphans();
      const chunk = this.#window.takeReady();
      if (!chunk) return undefined;
      const values = this.#handOut(chunk);
      this.#outstanding = values.length > 0;
      if (this.#outstanding) return values;
    }
  }

  /** A chunk whose worker died runs again on another worker, a bounded number of times. */
  #retryOrphans(): void {
    // Once stopped, nothing runs again: the lease and the chunks' staged slots are given back.
    if (this.#stopping) return;
    for (const chunk of this.#window.orphans()) {
      // Moved bytes went with the dead worker: such a chunk cannot run again.
      if (isMoved(chunk.items)) throw chunk.error;
      this.#deaths.note(chunk.error as WorkerExitError, chunk.start);
      chunk.error = undefined;
      this.#dispatch(chunk);
    }
  }

  /** The chunk's results; its error, if any, is thrown at the next turn, after them. */
  #handOut(chunk: Chunk): R[] {
    chunk.staging?.release(); // its worker copied the items out before it ran them
    const { values, error } = unpack<R>(chunk);
    if (error !== undefined) this.#failure ??= { error };
    this.#done += values.length;
    if (values.length > 0) this.#settings.onProgress?.({ done: this.#done, total: this.#total });
    return values;
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
    this.#changed.notify();
  }

  #stopped(): boolean {
    return this.#stopping !== undefined || this.#failure !== undefined;
  }

  async #cleanUp(): Promise<void> {
    this.#settings.signal?.removeEventListener("abort", this.#onAbort);
    for (const chunk of this.#window.unsettled()) chunk.call?.cancel();
    // Slots go back even under a worker still stopping: it only reads them, for a result
    // nobody takes.
    for (const chunk of this.#window.all()) chunk.staging?.release();
    this.#lease?.release();
    this.#changed.notify();
    await this.#feed.close();
  }
}
