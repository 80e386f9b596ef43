/**
 * A child process's bulk lane: an unlinked file in shared memory (`/dev/shm`, tmpfs) that a
 * parent opens and hands to its child as a stdio fd, one per direction. The bytes of a large
 * batch are written there with `pwrite`, and only a small header travels on the byte pipe
 * (byte-pipe.ts), saying where they are.
 *
 * Why a file and not the pipe itself: a socket holds about 200 KB in flight, and the rest
 * of a write waits for the event loop. A context busy in a loop of large puts never returns
 * to it, so its reader got the first 200 KB of a message and waited for the loop's end. A
 * write into tmpfs is a memory copy that completes at once, however busy the writer, so the
 * reader decodes one message while the writer encodes the next.
 *
 * Space is reused without a lock, as a ring: the reader adds up the bytes it has read in the
 * file's first 8 bytes, and the writer frees each region once that total has passed the
 * region's own. Totals only grow, so a stale count never frees too much. Memory comes
 * back once the reader has read everything and the lane has been still for a second.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from "node:fs";

/** The fds of a child process's lanes: the parent writes to 5 and reads 6. */
export const DOWN_LANE_FD = 5;
export const UP_LANE_FD = 6;

/** Where the data begins: the first page holds the reader's count, away from the data. */
const DATA_START = 4096;
/**
 * The ring's size. More unread than this goes on the pipe instead: shared memory is RAM.
 * A single batch larger than the ring still goes through the lane, when it is empty.
 */
const RING_BYTES = 64 * 1024 * 1024;
/** How long the lane is still before it gives its memory back. */
const IDLE_MS = 1000;
/** Where shared memory files live; a system without it has no lanes (bytes go on the pipe). */
const SHM_DIR = "/dev/shm";

/** A region of the ring not yet read: where it starts, and the writer's total at its end. */
interface Region {
  readonly at: number;
  readonly total: number;
}

/** The writing end of a lane. */
export class LaneWriter {
  readonly #fd: number;
  /** Regions written and not yet read, oldest first. */
  readonly #unread: Region[] = [];
  #head = DATA_START;
  /** Bytes written, ever; the reader's count is compared with region totals. */
  #written = 0;
  readonly #count = new Float64Array(1);
  readonly #end: number;
  #idle: NodeJS.Timeout | undefined;
  #closed = false;

  /** @param ringBytes - the ring's size (smaller in tests). */
  constructor(fd: number, ringBytes = RING_BYTES) {
    this.#fd = fd;
    this.#end = DATA_START + ringBytes;
  }

  /**
   * Writes `bytes` (or a text, as UTF-8) into the lane; returns where they are and how many
   * bytes they took, or `undefined` when the lane cannot take them now (too much unread, or
   * the shared memory is full): the caller sends them on the pipe instead.
   */
  write(bytes: Uint8Array | string): [offset: number, length: number] | undefined {
    if (this.#closed) return undefined;
    try {
      const size = typeof bytes === "string" ? Buffer.byteLength(bytes, "utf8") : bytes.length;
      const at = this.#place(size);
      if (at === undefined) return undefined;
      const length =
        typeof bytes === "string"
          ? writeSync(this.#fd, bytes, at, "utf8")
          : writeAll(this.#fd, bytes, at);
      // A short write of a text (a full shared memory) would cut it: the pipe takes it whole.
      if (length !== size) throw new Error("short write");
      this.#head = at + length;
      this.#written += length;
      this.#unread.push({ at, total: this.#written });
      this.#armIdle();
      return [at, length];
    } catch {
      // ENOSPC (a small /dev/shm, as in a container), or a closed fd: the pipe still works.
      this.close();
      return undefined;
    }
  }

  /** No more writes: the fd is about to close (and its number may be reused). */
  close(): void {
    this.#closed = true;
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  /** Where `size` bytes go in the ring, or `undefined` if they do not fit now. */
  #place(size: number): number | undefined {
    this.#reclaim();
    const oldest = this.#unread[0];
    if (!oldest) return DATA_START;
    const head = this.#head;
    if (head > oldest.at) {
      // Not wrapped: after the newest region, or back at the front, before the oldest.
      if (head + size <= this.#end) return head;
      return DATA_START + size <= oldest.at ? DATA_START : undefined;
    }
    return head + size <= oldest.at ? head : undefined;
  }

  /** Frees the regions the reader has read. */
  #reclaim(): void {
    if (this.#unread.length === 0) return;
    readSync(this.#fd, this.#count, 0, 8, 0);
    const read = this.#count[0] as number;
    // More read than was ever written: the count page was written by someone else.
    if (!(read <= this.#written)) throw new Error("the bulk lane's count is not its reader's");
    let freed = 0;
    while (freed < this.#unread.length && (this.#unread[freed] as Region).total <= read) freed++;
    if (freed > 0) this.#unread.splice(0, freed);
    if (this.#unread.length === 0) this.#head = DATA_START;
  }

  /** Once the lane is still and read, its memory goes back (tmpfs pages are RAM). */
  #armIdle(): void {
    if (this.#idle) {
      this.#idle.refresh();
      return;
    }
    this.#idle = setTimeout(() => {
      this.#idle = undefined;
      if (this.#closed) return;
      try {
        this.#reclaim();
        if (this.#unread.length > 0) {
          this.#armIdle();
          return;
        }
        ftruncateSync(this.#fd, DATA_START);
      } catch {
        this.close();
      }
    }, IDLE_MS);
    this.#idle.unref();
  }
}

function writeAll(fd: number, bytes: Uint8Array, at: number): number {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, bytes.length - done, at + done);
  }
  return done;
}

/** The reading end of a lane. */
export class LaneReader {
  readonly #fd: number;
  readonly #count = new Float64Array(1);

  constructor(fd: number) {
    this.#fd = fd;
  }

  /** The `length` bytes at `offset`, in a buffer of their own. */
  read(offset: number, length: number): ArrayBuffer {
    const buffer = new ArrayBuffer(length);
    const view = new Uint8Array(buffer);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, view, done, length - done, offset + done);
      if (n === 0) throw new Error(`the bulk lane ended at ${offset + done} of ${offset + length}`);
      done += n;
    }
    this.#count[0] = (this.#count[0] as number) + length;
    return buffer;
  }

  /**
   * Tells the writer how much has been read, once a batch's bytes are all in. If that
   * fails, the writer frees nothing more, and its lane fills and hands over to the pipe.
   */
  report(): void {
    try {
      writeSync(this.#fd, this.#count, 0, 8, 0);
    } catch {
      // the writer sends on the pipe once its ring is full
    }
  }
}

/** A parent's two lane files for a new child, or `undefined` where there is no shared memory. */
export function openLanes(): { down: number; up: number } | undefined {
  const down = openLaneFile();
  if (down === undefined) return undefined;
  const up = openLaneFile();
  if (up === undefined) {
    closeSync(down);
    return undefined;
  }
  return { down, up };
}

/** A fresh file in shared memory, readable by this user only, unlinked at once: it lives as long as its fds. */
function openLaneFile(): number | undefined {
  const path = `${SHM_DIR}/ezq-${process.pid}-${randomBytes(8).toString("hex")}`;
  try {
    const fd = openSync(path, "wx+", 0o600);
    unlinkSync(path);
    try {
      // The count's page, allocated now: a full shared memory refuses the lane, not a report.
      writeSync(fd, new Float64Array(1), 0, 8, 0);
    } catch {
      closeSync(fd);
      return undefined;
    }
    return fd;
  } catch {
    return undefined;
  }
}

/** Closes a parent's lanes once its child is gone (their memory goes with the last fd). */
export function closeLanes(lanes: { down: number; up: number }): void {
  for (const fd of [lanes.down, lanes.up]) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
}

/** This child process's lanes, if its parent opened them (both fds are regular files). */
export function childLanes(): { reader: LaneReader; writer: LaneWriter } | undefined {
  try {
    if (!fstatSync(DOWN_LANE_FD).isFile() || !fstatSync(UP_LANE_FD).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return { reader: new LaneReader(DOWN_LANE_FD), writer: new LaneWriter(UP_LANE_FD) };
}
