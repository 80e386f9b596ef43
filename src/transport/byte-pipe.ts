/**
 * Batches that carry bytes, on a child process's extra stdio pipe. JSON IPC cannot carry
 * bytes (DESIGN.md), and advanced serialization would slow every small message; so a batch
 * whose frames hold packed payloads is written here as one frame, raw bytes and all, and
 * the IPC channel carries only a marker in its place, which keeps the order of batches.
 *
 * A frame: a 4-byte length, then a text: the buffers' lengths (comma-separated), a newline,
 * and the batch as JSON, where each buffer is `{"\u0000b": index}`; then the buffers' bytes,
 * one after the other, as they are.
 */
import type { Socket } from "node:net";
import type { Frame, Packed } from "./protocol.js";

/** The key that stands for a buffer in a frame's text; no JSON the codec makes has it. */
const BUFFER_KEY = "\u0000b";

/** The fd of the byte pipe in a child process: after stdin, stdout, stderr and IPC. */
export const BYTE_PIPE_FD = 4;

/**
 * Writes one batch with its buffers; `done` is called once it has left (or failed).
 * `attached` are the packed payloads inside the batch: only their buffers are looked for.
 */
export function writeBatch(
  socket: Socket,
  batch: Frame[],
  attached: Packed[],
  done: () => void,
): void {
  const index = new Map<ArrayBufferLike, number>();
  const buffers: ArrayBufferLike[] = [];
  for (const packed of attached) {
    for (const buffer of packed.b) {
      if (!index.has(buffer)) index.set(buffer, buffers.push(buffer) - 1);
    }
  }
  // JSON text never holds a raw newline, so the first one ends the lengths.
  const lengths = buffers.map((b) => b.byteLength).join(",");
  const text = `${lengths}\n${JSON.stringify(batch, (_key, value) =>
    value instanceof ArrayBuffer || isSharedBuffer(value)
      ? { [BUFFER_KEY]: index.get(value) }
      : value,
  )}`;
  const head = Buffer.allocUnsafe(4 + Buffer.byteLength(text));
  head.writeUInt32LE(head.length - 4, 0);
  head.write(text, 4);
  socket.cork();
  socket.write(head);
  // The bytes as they are: a view, not a copy (the payload owns them until they leave).
  for (const buffer of buffers) if (buffer.byteLength > 0) socket.write(Buffer.from(buffer));
  socket.write(EMPTY, () => done());
  socket.uncork();
}

const EMPTY = Buffer.alloc(0);

function isSharedBuffer(value: unknown): boolean {
  return typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer;
}

/** A frame whose header has arrived, and the buffers it waits for. */
interface Filling {
  readonly batchText: string;
  readonly buffers: ArrayBuffer[];
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
  readonly #onBatch: (batch: Frame[]) => void;
  #scratch: Uint8Array | undefined;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** The frame whose buffers are being filled. */
  #current: Filling | undefined;

  constructor(onBatch: (batch: Frame[]) => void) {
    this.#onBatch = onBatch;
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
    const length = joined.readUInt32LE(0);
    if (joined.length < 4 + length) return undefined;
    const text = joined.toString("utf8", 4, 4 + length);
    const newline = text.indexOf("\n");
    const lengths = newline > 0 ? text.slice(0, newline).split(",") : [];
    const batchText = text.slice(newline + 1);
    const buffers = lengths.map((n) => new ArrayBuffer(Number(n)));
    this.#current = {
      batchText,
      buffers,
      views: buffers.map((b) => new Uint8Array(b)),
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
    const batch = JSON.parse(current.batchText, (_key, value) =>
      value !== null && typeof value === "object" && BUFFER_KEY in value
        ? buffers[value[BUFFER_KEY]]
        : value,
    ) as Frame[];
    this.#onBatch(batch);
  }
}
