/**
 * Batches that carry bytes, on a child process's extra stdio pipe. JSON IPC cannot carry
 * bytes (DESIGN.md), and advanced serialization would slow every small message; so a batch
 * whose frames hold packed payloads is written here as one frame, raw bytes and all, and
 * the IPC channel carries only a marker in its place, which keeps the order of batches.
 * Long texts in such a batch go as UTF-8 bytes too: inside JSON they would be escaped on
 * the way out and unescaped on the way in, which cost more than the text's own decoding.
 *
 * A frame: a 4-byte length (its top bit set for a frame out of band: one that overtakes
 * the batches before it, see `Port.postUrgent`), then a text: one entry per byte source,
 * comma-separated, a newline, and the batch as JSON, where a buffer is `{"\u0000b": index}`
 * and a long text `{"\u0000s": index}`. An entry is a length, whose bytes follow the text on
 * the pipe, one source after the other; or `length@offset`, bytes already written into the
 * bulk lane (file-lane.ts) at that offset.
 */
import type { Socket } from "node:net";
import type { LaneReader, LaneWriter } from "./file-lane.js";
import { type Frame, LONG_TEXT, type Packed } from "./protocol.js";

/** The key that stands for a buffer in a frame's text; no JSON the codec makes has it. */
const BUFFER_KEY = "\u0000b";
/** The key that stands for a long text, sent as its UTF-8 bytes. */
const TEXT_KEY = "\u0000s";

/** Byte sources of at least this size go through the bulk lane, if there is one; smaller ones on the pipe. */
const LANE_MIN = 64 * 1024;
/** The top bit of a frame's length word: the frame is out of band. */
const OUT_OF_BAND = 0x8000_0000;
/**
 * The longest header text a frame may have (its bulk is in the buffers after it): a longer
 * one is not a frame, and waiting for its end would wait forever.
 */
const MAX_HEADER = 256 * 1024 * 1024;

/** The fd of the byte pipe in a child process: after stdin, stdout, stderr and IPC. */
export const BYTE_PIPE_FD = 4;

/** How a batch is written: through a bulk lane, and out of band. */
export interface WriteOptions {
  readonly lane?: LaneWriter | undefined;
  readonly outOfBand?: boolean;
}

/**
 * Writes one batch with its buffers; `done` is called once it has left (or failed).
 * `attached` are the packed payloads inside the batch: only their buffers are looked for.
 */
export function writeBatch(
  socket: Socket,
  batch: Frame[],
  attached: Packed[],
  done: () => void,
  options: WriteOptions = {},
): void {
  const index = new Map<ArrayBufferLike, number>();
  const sources: Array<ArrayBufferLike | string> = [];
  for (const packed of attached) {
    for (const buffer of packed.b) {
      if (!index.has(buffer)) index.set(buffer, sources.push(buffer) - 1);
    }
  }
  const json = JSON.stringify(batch, (_key, value) => {
    if (typeof value === "string") {
      // A text with a lone surrogate has no UTF-8 form: it stays in the JSON, escaped.
      return value.length >= LONG_TEXT && isWellFormed(value)
        ? { [TEXT_KEY]: sources.push(value) - 1 }
        : value;
    }
    return value instanceof ArrayBuffer || isSharedBuffer(value)
      ? { [BUFFER_KEY]: index.get(value) }
      : value;
  });
  const entries: string[] = [];
  const inline: Buffer[] = [];
  for (const source of sources) {
    const size = typeof source === "string" ? source.length : source.byteLength;
    const bytes = typeof source === "string" ? source : new Uint8Array(source);
    const placed = size >= LANE_MIN ? options.lane?.write(bytes) : undefined;
    if (placed) {
      entries.push(`${placed[1]}@${placed[0]}`);
      continue;
    }
    // The bytes as they are: a view, not a copy (the payload owns them until they leave).
    const chunk = typeof source === "string" ? Buffer.from(source, "utf8") : Buffer.from(source);
    entries.push(`${chunk.length}`);
    if (chunk.length > 0) inline.push(chunk);
  }
  // JSON text never holds a raw newline, so the first one ends the entries.
  const text = `${entries.join(",")}\n${json}`;
  const head = Buffer.allocUnsafe(4 + Buffer.byteLength(text));
  head.writeUInt32LE((head.length - 4 + (options.outOfBand ? OUT_OF_BAND : 0)) >>> 0, 0);
  head.write(text, 4);
  socket.cork();
  socket.write(head);
  for (const chunk of inline) socket.write(chunk);
  socket.write(EMPTY, () => done());
  socket.uncork();
}

const EMPTY = Buffer.alloc(0);

/** True when `text` has no lone surrogate (`String.prototype.isWellFormed`, Node 20). */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function isSharedBuffer(value: unknown): boolean {
  return typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer;
}

/** A frame whose header has arrived, and the buffers it waits for. */
interface Filling {
  readonly batchText: string;
  readonly outOfBand: boolean;
  readonly buffers: ArrayBuffer[];
  /** The buffers whose bytes follow on the pipe (the others came from the lane). */
  readonly views: Uint8Array[];
  /** The buffer being filled, and how many of its bytes have arrived. */
  at: number;
  filled: number;
}

/** Where reads land while no buffer is being filled (a header, or small frames). */
const SCRATCH_BYTES = 64 * 1024;

/**
 * Reads frames from the pipe and hands each batch over, its buffers in place. It is fed
 * chunks (`push`), or it tells where the next read should land (`target`, then `read`).
 */
export class BatchReader {
  readonly #onBatch: (batch: Frame[], outOfBand: boolean) => void;
  readonly #lane: LaneReader | undefined;
  #scratch: Uint8Array | undefined;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** The frame whose buffers are being filled. */
  #current: Filling | undefined;

  /** `lane`: where the other side writes the bytes of large batches, if it does. */
  constructor(onBatch: (batch: Frame[], outOfBand: boolean) => void, lane?: LaneReader) {
    this.#onBatch = onBatch;
    this.#lane = lane;
  }

  /**
   * Where the next read should land: the unfilled rest of the buffer being filled, so that
   * its bytes need no copy, or a scratch buffer while a header is read.
   */
  target(): Uint8Array {
    const current = this.#current;
    if (current) {
      const view = current.views[current.at] as Uint8Array;
      return view.subarray(current.filled);
    }
    this.#scratch ??= new Uint8Array(SCRATCH_BYTES);
    return this.#scratch;
  }

  /** `n` bytes were read into `into`, which `target` returned. */
  read(n: number, into: Uint8Array): void {
    const current = this.#current;
    if (into === this.#scratch || !current) {
      // A copy: the scratch buffer is read into again, and a header may wait in pending.
      this.push(Buffer.from(into.subarray(0, n)));
      return;
    }
    current.filled += n;
    if (current.filled === (current.views[current.at] as Uint8Array).length) {
      current.at++;
      current.filled = 0;
      this.#skipEmpty(current);
    }
  }

  /** Takes the next chunk read from the pipe. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const current = this.#current;
      if (current) {
        offset = this.#fill(current, chunk, offset);
        continue;
      }
      // Header: gather until its length and text are whole.
      this.#pending.push(offset === 0 ? chunk : chunk.subarray(offset));
      this.#pendingBytes += chunk.length - offset;
      offset = chunk.length;
      const rest = this.#takeHeader();
      if (rest) {
        offset = 0;
        chunk = rest;
      }
    }
  }

  /** Parses a whole header from what is pending; returns the bytes after it, if any. */
  #takeHeader(): Buffer | undefined {
    if (this.#pendingBytes < 4) return undefined;
    const joined =
      this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    this.#pending = [joined];
    const word = joined.readUInt32LE(0);
    const length = word & ~OUT_OF_BAND;
    if (length > MAX_HEADER) throw new Error(`not a frame: a header of ${length} bytes`);
    if (joined.length < 4 + length) return undefined;
    const text = joined.toString("utf8", 4, 4 + length);
    const newline = text.indexOf("\n");
    const entries = newline > 0 ? text.slice(0, newline).split(",") : [];
    const buffers: ArrayBuffer[] = [];
    const views: Uint8Array[] = [];
    let fromLane = false;
    for (const entry of entries) {
      const at = entry.indexOf("@");
      if (at < 0) {
        const buffer = new ArrayBuffer(Number(entry));
        buffers.push(buffer);
        views.push(new Uint8Array(buffer));
        continue;
      }
      if (!this.#lane) throw new Error("a frame refers to a bulk lane this side does not have");
      buffers.push(this.#lane.read(Number(entry.slice(at + 1)), Number(entry.slice(0, at))));
      fromLane = true;
    }
    // Read: the writer may use that space again.
    if (fromLane) this.#lane?.report();
    this.#current = {
      batchText: text.slice(newline + 1),
      outOfBand: (word & OUT_OF_BAND) !== 0,
      buffers,
      views,
      at: 0,
      filled: 0,
    };
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#skipEmpty(this.#current);
    return joined.length > 4 + length ? joined.subarray(4 + length) : Buffer.alloc(0);
  }

  /** Copies bytes of `chunk` from `offset` into the current frame's buffers; returns the new offset. */
  #fill(current: Filling, chunk: Buffer, offset: number): number {
    const view = current.views[current.at] as Uint8Array;
    const n = Math.min(view.length - current.filled, chunk.length - offset);
    view.set(chunk.subarray(offset, offset + n), current.filled);
    current.filled += n;
    if (current.filled === view.length) {
      current.at++;
      current.filled = 0;
      this.#skipEmpty(current);
    }
    return offset + n;
  }

  #skipEmpty(current: Filling): void {
    while (
      current.at < current.views.length &&
      (current.views[current.at] as Uint8Array).length === 0
    ) {
      current.at++;
    }
    if (current.at < current.views.length) return;
    this.#current = undefined;
    const { buffers } = current;
    const batch = JSON.parse(current.batchText, (_key, value) => {
      if (value === null || typeof value !== "object") return value;
      if (BUFFER_KEY in value) return buffers[value[BUFFER_KEY]];
      if (TEXT_KEY in value) return Buffer.from(buffers[value[TEXT_KEY]] as ArrayBuffer).toString();
      return value;
    }) as Frame[];
    this.#onBatch(batch, current.outOfBand);
  }
}
