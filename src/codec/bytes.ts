/**
 * Bytes in encoded data: an `ArrayBuffer`, a `SharedArrayBuffer`, a typed array, a
 * `DataView` or a `Buffer` leaves an index in the codec's text and its bytes in a side
 * list, so that they cross as bytes (DESIGN.md: devalue's base64 took ~100 ms for 8 MB).
 * A copied value is copied once, here, so the sender may change it after the call; a
 * moved one (`move`) is detached from the sender and handed over; a shared one stays
 * shared, where it can be (threads).
 */
import { ArgumentTypeError, preview } from "../errors.js";

/** Marks a value handed over with `move`; a registered symbol, so every copy of ezq in a context agrees. */
const MOVED = Symbol.for("ezq.move");

/** An `ArrayBuffer` or a view of one: what `move` takes. */
export type Movable = ArrayBuffer | ArrayBufferView;

/**
 * Hands `value` over instead of copying it: returns the same `ArrayBuffer`, typed array,
 * `DataView` or `Buffer`, marked. Put it in `q.put` data, `run` arguments, `map` items or a
 * task's return value. Once that call returns, the sender's buffer is detached (its
 * `byteLength` is 0; a view of it has length 0): the bytes belong to the message. To a
 * thread they are transferred, not copied; to a child process they are copied (a process
 * cannot share memory). A moved queue message is delivered at most once: if the reader
 * that took it dies or gives it back unread, it is dropped, as its bytes went with it; a
 * `map` chunk with moved items is not run again when its worker dies (the `map` rejects).
 *
 * @example
 * ```ts
 * const pixels = new Float64Array(1_000_000);
 * q.put({ id: 1, pixels: move(pixels) }); // pixels.length is now 0
 * ```
 */
export function move<T extends Movable>(value: T): T {
  const buffer = ArrayBuffer.isView(value) ? value.buffer : value;
  if (!(buffer instanceof ArrayBuffer)) {
    throw new ArgumentTypeError(
      `move(value): value must be an ArrayBuffer or a view of one, received ${preview(value)} ` +
        "(a SharedArrayBuffer is shared with threads as it is: pass it without move)",
    );
  }
  Object.defineProperty(value, MOVED, { value: true, configurable: true });
  return value;
}

function isMarked(value: object): boolean {
  return (value as { [MOVED]?: boolean })[MOVED] === true;
}

/** What the text holds for one value: its kind, the index of its buffer, and for a view its offset and length. */
type Ref = [kind: string, index: number, byteOffset?: number, length?: number];

/** The view constructors the codec rebuilds, by name. */
const VIEWS: Record<
  string,
  new (
    buffer: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ) => ArrayBufferView
> = Object.assign(Object.create(null), {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
});

function viewKind(view: ArrayBufferView): string | undefined {
  if (Buffer.isBuffer(view)) return "Buffer";
  const name = Object.prototype.toString.call(view).slice(8, -1);
  return name in VIEWS ? name : undefined;
}

function lengthOf(view: ArrayBufferView): number {
  return view instanceof DataView ? view.byteLength : (view as Uint8Array).length;
}

/** Collects the bytes of one encoding. */
export class ByteSink {
  readonly buffers: Array<ArrayBuffer | SharedArrayBuffer> = [];
  /** Buffers whose own bytes go (moved or shared, or a whole `ArrayBuffer`), by identity. */
  readonly #index = new Map<ArrayBufferLike, number>();
  /** Moved buffers still attached to the sender, detached by `seal` once encoding succeeded. */
  readonly #moved: ArrayBuffer[] = [];
  readonly #share: boolean;
  readonly #stage: ((byteLength: number) => SharedArrayBuffer | undefined) | undefined;
  /** Copies made in staged slots, as [index in `buffers`, byteLength] (see `EncodeContext.stage`). */
  readonly staged: Array<[index: number, byteLength: number]> = [];

  /**
   * `share`: false when the value may reach a child process, where memory cannot be
   * shared; `stage`: where copies may go instead of private buffers.
   */
  constructor(share: boolean, stage?: (byteLength: number) => SharedArrayBuffer | undefined) {
    this.#share = share;
    this.#stage = stage;
  }

  /** The reference for a bytes value, `undefined` for any other value (or a shared one that cannot go). */
  reduce(value: unknown): Ref | undefined {
    if (value instanceof ArrayBuffer) {
      return [
        "ArrayBuffer",
        isMarked(value) ? this.#own(value, true) : this.#copy(value, 0, value.byteLength),
      ];
    }
    if (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer) {
      return this.#share ? ["SharedArrayBuffer", this.#own(value, false)] : undefined;
    }
    if (!ArrayBuffer.isView(value)) return undefined;
    const kind = viewKind(value);
    if (!kind) return undefined;
    const { buffer, byteOffset, byteLength } = value;
    const length = lengthOf(value);
    if (buffer instanceof ArrayBuffer) {
      if (isMarked(value) || isMarked(buffer))
        return [kind, this.#own(buffer, true), byteOffset, length];
      // Only the view's own bytes: a Buffer from Node's pool must not carry the whole slab.
      return [kind, this.#copy(buffer, byteOffset, byteLength), 0, length];
    }
    return this.#share ? [kind, this.#own(buffer, false), byteOffset, length] : undefined;
  }

  /** Called once the text is made: detaches the moved buffers from the sender, now that nothing can fail. */
  seal(): ArrayBuffer[] | undefined {
    if (this.#moved.length === 0) return undefined;
    const moved: ArrayBuffer[] = [];
    for (const original of this.#moved) {
      const index = this.#index.get(original) as number;
      // A transfer to ourselves: the sender's buffer is detached, the bytes are not copied.
      const owned = structuredClone(original, { transfer: [original] });
      this.buffers[index] = owned;
      moved.push(owned);
    }
    return moved;
  }

  #own(buffer: ArrayBufferLike, moved: boolean): number {
    let index = this.#index.get(buffer);
    if (index === undefined) {
      index = this.buffers.push(buffer) - 1;
      this.#index.set(buffer, index);
      if (moved) this.#moved.push(buffer as ArrayBuffer);
    }
    return index;
  }

  #copy(buffer: ArrayBuffer, byteOffset: number, byteLength: number): number {
    const slot = this.#stage?.(byteLength);
    if (!slot) return this.buffers.push(buffer.slice(byteOffset, byteOffset + byteLength)) - 1;
    new Uint8Array(slot, 0, byteLength).set(new Uint8Array(buffer, byteOffset, byteLength));
    const index = this.buffers.push(slot) - 1;
    this.staged.push([index, byteLength]);
    return index;
  }
}

/** True for a shared buffer or a view of one: what cannot reach a child process. */
export function isShared(value: unknown): boolean {
  if (typeof SharedArrayBuffer !== "function") return false;
  if (value instanceof SharedArrayBuffer) return true;
  return ArrayBuffer.isView(value) && value.buffer instanceof SharedArrayBuffer;
}

/** Rebuilds a bytes value from its reference and the buffers that arrived. */
export function reviveBytes(ref: Ref, buffers: ReadonlyArray<ArrayBufferLike>): unknown {
  const [kind, index, byteOffset = 0, length = 0] = ref;
  const buffer = buffers[index] as ArrayBufferLike;
  if (kind === "ArrayBuffer" || kind === "SharedArrayBuffer") return buffer;
  if (kind === "Buffer") return Buffer.from(buffer, byteOffset, length);
  const View = VIEWS[kind];
  if (!View) throw new TypeError(`unknown bytes kind ${kind}`);
  return new View(buffer, byteOffset, length);
}
