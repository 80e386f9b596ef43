/**
 * Shared slots that large copies bound for threads are staged in: a `map` chunk's items on
 * threads, and a message put into a thread queue at its home. A copy the sender keeps (for
 * a rerun, or a redelivery if the reader dies) would otherwise cost it a second copy for
 * each sending (the private one a thread is handed); staged, the sender copies once into a
 * slot and the receiver copies out of it, so the two copies run on different threads, as
 * `postMessage`'s clone does. Slots are pooled and kept for reuse, not left to the
 * garbage collector: V8 does not count a `SharedArrayBuffer` as external memory, so slots
 * let go of are not collected until something else makes it collect (a probe that let
 * idle slots go grew by 112 MB per idle spell: BENCHMARKS.md, issue 11). The pool is
 * bounded instead, and `closePools()` empties it.
 */
import { TRANSFER_MIN } from "../transport/port.js";
import type { Payload } from "../transport/protocol.js";
import { type EncodeContext, encode } from "./codec.js";

/** Staged bytes at most, in slots taken or free: past this, copies are private again. */
const CAPACITY = 128 * 1024 * 1024;

/** Slot sizes are powers of two, so that freed slots fit later copies of similar sizes. */
function slotSize(byteLength: number): number {
  return 2 ** Math.ceil(Math.log2(byteLength));
}

/** The pool of slots; one per process serves every `map` call. */
class StagingArena {
  readonly #free = new Map<number, SharedArrayBuffer[]>();
  /** Bytes of the slots this arena counts, taken or free; and of those taken. */
  #allocated = 0;
  #taken = 0;

  /** Bytes of the slots that copies hold now (for tests and probes). */
  get taken(): number {
    return this.#taken;
  }

  /** A slot of at least `byteLength` bytes, or `undefined` when the arena is full. */
  take(byteLength: number): SharedArrayBuffer | undefined {
    const size = slotSize(byteLength);
    let slot = this.#free.get(size)?.pop();
    if (!slot) {
      if (this.#allocated + size > CAPACITY) return undefined;
      try {
        slot = new SharedArrayBuffer(size);
      } catch {
        return undefined; // no memory for a slot: the copy is made privately, as without staging
      }
      this.#allocated += size;
    }
    this.#taken += size;
    return slot;
  }

  /** Takes back slots whose chunk is done with them (its worker has copied them out). */
  give(slots: readonly SharedArrayBuffer[]): void {
    for (const slot of slots) {
      let list = this.#free.get(slot.byteLength);
      if (!list) {
        list = [];
        this.#free.set(slot.byteLength, list);
      }
      list.push(slot);
      this.#taken -= slot.byteLength;
    }
  }

  /** Slots of `bytes` that were never given back (their chunk was dropped unfinished) are gone. */
  forget(bytes: number): void {
    this.#allocated -= bytes;
    this.#taken -= bytes;
  }

  /**
   * Forgets the free slots (`closePools()`). Slots still taken are not counted again: their
   * chunks give them back to a pool that then holds only those.
   */
  clear(): void {
    this.#free.clear();
    this.#allocated = this.#taken;
  }
}

const arena = new StagingArena();

/**
 * A chunk dropped without being released (a `map` whose iterator was abandoned and never
 * stopped) still counts its slots: once it is collected, the arena forgets them, so that
 * such runs cannot use up its capacity for good.
 */
const unreleased = new FinalizationRegistry<{ bytes: number }>((held) => arena.forget(held.bytes));

/**
 * Stages the large copies of one chunk (or one message): `stage` is the codec's hook (see
 * `EncodeContext.stage`), `slots` what it took, to hand back with `release` once the
 * chunk's worker has copied them out (its results are in) or the chunk is dropped.
 */
export class ChunkStaging {
  readonly slots: SharedArrayBuffer[] = [];
  readonly #held = { bytes: 0 };
  #released = false;

  readonly stage = (byteLength: number): SharedArrayBuffer | undefined => {
    if (byteLength < TRANSFER_MIN) return undefined; // a small copy is cloned: nothing to save
    const slot = arena.take(byteLength);
    if (!slot) return undefined;
    if (this.slots.length === 0) unreleased.register(this, this.#held, this);
    this.slots.push(slot);
    this.#held.bytes += slot.byteLength;
    return slot;
  };

  release(): void {
    if (this.#released) return;
    this.#released = true;
    unreleased.unregister(this);
    arena.give(this.slots);
  }
}

/** Bytes of staging slots held by copies not yet done with: what a leak of slots would grow. */
export function stagedBytes(): number {
  return arena.taken;
}

/** Lets go of the free staging slots, so that they can be collected (see `closePools`). */
export function clearStaging(): void {
  arena.clear();
}

/**
 * The staging of the put being encoded now, made at its first large copy. Encoding is
 * synchronous, but it can run user code (a getter, a Proxy trap) that puts into another
 * queue: `encodeStaged` keeps the outer put's staging aside meanwhile.
 */
const putting: { staging: ChunkStaging | undefined } = { staging: undefined };

/**
 * The `stage` hook of a put into a thread queue at its home: one hook for every put, so
 * that a put without large copies allocates nothing for staging.
 */
export function stageForPut(byteLength: number): SharedArrayBuffer | undefined {
  putting.staging ??= new ChunkStaging();
  return putting.staging.stage(byteLength);
}

/** The slots of each staged message, until it is done (see `releasePayload`). */
const stagedPayloads = new WeakMap<object, ChunkStaging>();

/**
 * Encodes a put's data with `stageForPut` in its context: the payload holds the slots
 * staged meanwhile until `releasePayload`; an encoding that throws gives them back.
 */
export function encodeStaged(value: unknown, root: string, context: EncodeContext): Payload {
  const outer = putting.staging;
  putting.staging = undefined;
  let payload: Payload | undefined;
  try {
    payload = encode(value, root, context);
    return payload;
  } finally {
    // Set by stageForPut while encoding, which the compiler cannot see.
    const staging = putting.staging as ChunkStaging | undefined;
    putting.staging = outer;
    if (staging) {
      if (payload === undefined || typeof payload === "string") staging.release();
      else stagedPayloads.set(payload, staging);
    }
  }
}

/**
 * A message is done (acked, decoded at its home, or dropped): its staged slots go back to
 * the pool. Nothing for a message that staged nothing.
 */
export function releasePayload(payload: Payload): void {
  if (typeof payload === "string") return;
  const staging = stagedPayloads.get(payload);
  if (!staging) return;
  stagedPayloads.delete(payload);
  staging.release();
}
