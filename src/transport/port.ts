/**
 * A `Port` is the raw pipe under a link: either end of a worker thread's channel, a child
 * process, or this process's own IPC channel. It knows how to post a batch, deliver
 * batches, report closure, and hold or release the event loop.
 */
import type { ChildProcess } from "node:child_process";
import { readSync } from "node:fs";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import {
  type MessagePort,
  receiveMessageOnPort,
  type Worker as ThreadWorker,
} from "node:worker_threads";
import { BatchReader, BYTE_PIPE_FD, type WriteOptions, writeBatch } from "./byte-pipe.js";
import { childLanes, closeLanes, LaneReader, LaneWriter } from "./file-lane.js";
import type { Attached, Frame, Packed } from "./protocol.js";

const require = createRequire(import.meta.url);

/** The raw pipe under a `Link`. */
export interface Port {
  /** Posts a batch; `attached` are the packed payloads inside it, whose bytes go as bytes. */
  post(batch: Frame[], attached: Attached): void;
  onBatch(listener: (batch: Frame[]) => void): void;
  onClose(listener: () => void): void;
  /** Keep the event loop alive while this port has work. */
  ref(): void;
  /** Let the event loop end even though this port is open. */
  unref(): void;
  close(): void;
  /**
   * Delivers, now, the batches that have arrived and not been delivered yet, where the
   * pipe allows it (a thread's channel does; a process's IPC does not). A context busy in
   * a loop of large puts hears its readers' takes this way, so they are served meanwhile.
   */
  poll?(): void;
  /**
   * Posts a batch that may overtake the batches posted before it, where the pipe needs
   * that to be heard at once (a child process's urgent take: its parent reads the byte
   * pipe synchronously, never the IPC channel). Without it, `post`.
   */
  postUrgent?(batch: Frame[]): void;
  /**
   * True when the bytes of what is posted are copied into the pipe (a child process), not
   * handed over (a thread): a large message in flight then costs its size once more.
   */
  readonly copiesBytes?: boolean;
  /**
   * Resolves once every batch posted so far has left this context. IPC writes to a child
   * process are asynchronous, and a process that exits with writes pending loses them.
   */
  drain(): Promise<void>;
}

const DRAINED = Promise.resolve();

/**
 * Counts IPC writes in flight, so that a process can wait for them before it exits:
 * `send` calls its callback once the write has left (or failed, when the channel closed).
 */
class WriteTracker {
  #pending = 0;
  #waiters: Array<() => void> = [];

  /** The callback for one `send`. */
  start(): () => void {
    this.#pending++;
    return () => {
      if (--this.#pending === 0) for (const resolve of this.#waiters.splice(0)) resolve();
    };
  }

  drained(): Promise<void> {
    if (this.#pending === 0) return DRAINED;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** The key of `workerData` under which a thread finds its end of the link's channel. */
export const LINK_PORT = "ezq:link";

/**
 * The parent's side of a worker thread: a channel of its own rather than the worker's
 * built-in port, because a `MessagePort` can be read synchronously (`poll`). Node drains
 * the built-in port before "exit"; this one is drained at "exit", so that a thread's last
 * messages are still delivered before its exit is.
 */
export function threadPort(worker: ThreadWorker, port: MessagePort): Port {
  return channelPort(port, {
    closed: (report) =>
      worker.once("exit", () => {
        report();
        port.close();
      }),
    close: () => void worker.terminate(),
    holder: worker,
    pollable: true,
  });
}

/**
 * A thread's side of its link to the parent: the channel the parent made for it. Not
 * pollable: what a parent sends may start a task, which must not run inside a put.
 */
export function parentThreadPort(port: MessagePort): Port {
  return channelPort(port, {
    closed: (report) => port.once("close", report),
    close: () => port.close(),
  });
}

/**
 * Either end of a thread's channel. `holder`, if any, holds the event loop beside the port;
 * `pollable` offers `poll`, which only a parent's side may: a child sends it queue requests,
 * replies and life signals, none of which runs a task.
 */
function channelPort(
  port: MessagePort,
  ends: {
    closed: (report: () => void) => void;
    close: () => void;
    holder?: { ref(): void; unref(): void };
    pollable?: boolean;
  },
): Port {
  const listeners: Array<(batch: Frame[]) => void> = [];
  const deliver = (batch: Frame[]) => {
    for (const listener of listeners) listener(batch);
  };
  const poll = () => {
    for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) {
      deliver(next.message as Frame[]);
    }
  };
  port.on("message", deliver);
  return {
    post: (batch, attached) => postWithBytes(port, batch, attached),
    onBatch: (listener) => listeners.push(listener),
    // What arrived before the close is delivered before it.
    onClose: (listener) =>
      ends.closed(() => {
        poll();
        listener();
      }),
    ref: () => {
      ends.holder?.ref();
      port.ref();
    },
    unref: () => {
      ends.holder?.unref();
      port.unref();
    },
    close: ends.close,
    ...(ends.pollable && { poll }),
    // postMessage hands the batch over synchronously; nothing is left to wait for.
    drain: () => DRAINED,
  };
}

/**
 * Below this size a buffer is cloned: a transfer's fixed cost is more than a small copy
 * (measured: 64 bytes cloned in 3.4 µs, copied and transferred in 6.1 µs; 64 KB in 106 µs
 * against 43 µs).
 */
export const TRANSFER_MIN = 64 * 1024;

/**
 * Posts a batch to a thread with its large bytes transferred rather than cloned (a clone
 * copies twice: into a serialization buffer and out of it). Moved and given buffers go as
 * they are; a kept payload lends its place to a private copy of each buffer for the length
 * of the (synchronous) `postMessage`, so that it stays whole for a later delivery. Shared
 * buffers stay shared.
 */
function postWithBytes(end: MessagePort, batch: Frame[], attached: Attached): void {
  const { kept, given } = attached;
  if (kept.length === 0 && given.length === 0) {
    end.postMessage(batch);
    return;
  }
  const transfer = new Set<ArrayBuffer>();
  for (const packed of given) {
    for (const buffer of packed.b) {
      if (buffer instanceof ArrayBuffer && buffer.byteLength >= TRANSFER_MIN) transfer.add(buffer);
    }
    if (packed.m) for (const buffer of packed.m) transfer.add(buffer);
    // A relayed payload's destinations (see `destinations`) are its own: they go on, not cloned.
    if (packed.d) for (const buffer of packed.d) transfer.add(buffer);
  }
  const lent: Array<
    [buffers: Array<ArrayBuffer | SharedArrayBuffer>, index: number, own: ArrayBuffer]
  > = [];
  const copies = new Map<ArrayBuffer, ArrayBuffer>();
  const destined: Array<[packed: Packed, before: ArrayBuffer[] | undefined]> = [];
  for (const packed of kept) {
    if (packed.s) {
      destined.push([packed, packed.d]);
      packed.d = destinations(packed.s);
      for (const buffer of packed.d) transfer.add(buffer);
    }
    const moved = packed.m;
    const buffers = packed.b;
    for (let i = 0; i < buffers.length; i++) {
      const own = buffers[i];
      if (!(own instanceof ArrayBuffer) || transfer.has(own)) continue;
      if (moved?.includes(own)) {
        transfer.add(own); // delivered once: the bytes go, nothing is kept
        continue;
      }
      if (own.byteLength < TRANSFER_MIN) continue;
      let copy = copies.get(own);
      if (!copy) {
        copy = own.slice(0);
        copies.set(own, copy);
        transfer.add(copy);
      }
      buffers[i] = copy;
      lent.push([buffers, i, own]);
    }
  }
  try {
    end.postMessage(batch, [...transfer]);
  } finally {
    for (const [buffers, index, own] of lent) buffers[index] = own;
    for (const [packed, before] of destined) {
      if (before) packed.d = before;
      else delete packed.d;
    }
  }
}

/**
 * Buffers for a thread to copy a payload's staged slots into, allocated here and
 * transferred with it. Where the copies' memory comes from is most of their cost: a
 * worker thread's own allocations of large buffers were faulted in afresh far more often
 * than this thread's (glibc gives a thread's emptied heaps back), at ~10 ms per 8 MB
 * against ~0.6 ms for the copy (BENCHMARKS.md, issue 11 sixth step). Not zeroed: the
 * receiver overwrites every byte.
 */
function destinations(staged: NonNullable<Packed["s"]>): ArrayBuffer[] {
  return staged.map(([, byteLength]) => Buffer.allocUnsafeSlow(byteLength).buffer as ArrayBuffer);
}

/** The IPC message that stands for the next batch of the byte pipe. */
const ON_PIPE = 1;

/**
 * Sends batches of one side of a child process: on the IPC channel as JSON, or, when they
 * carry bytes, on the byte pipe with a marker on the channel in their place.
 */
function sendBatch(
  send: (message: unknown, done: () => void) => void,
  pipe: Socket | undefined,
  writes: WriteTracker,
  lane: LaneWriter | undefined,
): (batch: Frame[], attached: Attached) => void {
  const options: WriteOptions = { lane };
  return (batch, attached) => {
    const { kept, given } = attached;
    if (kept.length + given.length > 0 && pipe && !pipe.destroyed) {
      // Bytes first: the marker usually finds them there already. Kept or given is all one
      // to a pipe: its bytes are written, never taken from the sender.
      const packed = given.length === 0 ? kept : kept.concat(given);
      writeBatch(pipe, batch, packed, writes.start(), options);
      send(ON_PIPE, writes.start());
    } else send(batch, writes.start());
  };
}

/** Posts a batch out of band on the byte pipe, with no marker: it is delivered as it arrives. */
function sendUrgent(
  pipe: Socket | undefined,
  writes: WriteTracker,
  post: (batch: Frame[], attached: Attached) => void,
): (batch: Frame[]) => void {
  const options: WriteOptions = { outOfBand: true };
  return (batch) => {
    if (pipe && !pipe.destroyed) writeBatch(pipe, batch, [], writes.start(), options);
    else post(batch, NOTHING_ATTACHED);
  };
}

const NOTHING_ATTACHED: Attached = Object.freeze({ kept: [], given: [] });

/**
 * Delivers batches in the order they were sent, whichever way they came: a marker from
 * the IPC channel holds back what follows it until its batch arrives on the pipe. A batch
 * sent out of band is delivered as soon as it is whole.
 */
function orderedReceiver(lane?: LaneReader): {
  onIpc(message: unknown): void;
  listen(listener: (batch: Frame[]) => void): void;
  /** Reads the byte pipe's frames: fed its chunks, or reading straight into its buffers. */
  reader: BatchReader;
} {
  const waiting: Array<Frame[] | typeof ON_PIPE> = [];
  const fromPipe: Frame[][] = [];
  const listeners: Array<(batch: Frame[]) => void> = [];
  const deliver = (batch: Frame[]) => {
    for (const listener of listeners) listener(batch);
  };
  const pump = () => {
    while (waiting.length > 0) {
      if (waiting[0] === ON_PIPE) {
        const batch = fromPipe.shift();
        if (!batch) return;
        waiting.shift();
        deliver(batch);
      } else deliver(waiting.shift() as Frame[]);
    }
  };
  const reader = new BatchReader((batch, outOfBand) => {
    if (outOfBand) {
      deliver(batch);
      return;
    }
    fromPipe.push(batch);
    pump();
  }, lane);
  return {
    reader,
    onIpc: (message) => {
      if (waiting.length === 0 && message !== ON_PIPE) deliver(message as Frame[]);
      else {
        waiting.push(message as Frame[] | typeof ON_PIPE);
        pump();
      }
    },
    listen: (listener) => listeners.push(listener),
  };
}

/** The byte pipe as a socket that never holds the event loop (the IPC channel does) and never throws. */
function quietPipe(pipe: Socket | undefined): Socket | undefined {
  if (!pipe) return undefined;
  pipe.unref();
  pipe.on("error", () => {}); // the IPC channel's close reports a dead peer
  return pipe;
}

/**
 * The parent's side of a child process (IPC with JSON serialization, a byte pipe, and the
 * bulk lanes if it has them, whose fds this side closes when the child is gone).
 */
export function processPort(
  child: ChildProcess,
  lanes?: { readonly down: number; readonly up: number },
): Port {
  const writes = new WriteTracker();
  const pipe = quietPipe(child.stdio[BYTE_PIPE_FD] as Socket | undefined);
  const receiver = orderedReceiver(lanes && new LaneReader(lanes.up));
  const lane = lanes && new LaneWriter(lanes.down);
  // Node made this socket: its chunks are copied into the frame's buffers. A child that
  // writes what is not a frame there (its task wrote to fd 4, or tampered with a lane) is
  // stopped: its link cannot be trusted, and what it held goes back to its queues.
  const read = (chunk: Buffer) => {
    try {
      receiver.reader.push(chunk);
    } catch {
      child.kill("SIGKILL");
    }
  };
  pipe?.on("data", read);
  child.on("message", receiver.onIpc);
  // At "close", not "exit": the pipe's last frames, which may point into a lane, come before it.
  if (lanes) {
    child.once("close", () => {
      lane?.close();
      closeLanes(lanes);
    });
  }
  const poll = pipePoller(pipe, read);
  return {
    // A closed channel must not throw: comlink may still release a proxy after exit.
    post: sendBatch(
      (message, done) => {
        if (child.connected) child.send(message as object, done);
        else done();
      },
      pipe,
      writes,
      lane,
    ),
    onBatch: (listener) => receiver.listen(listener),
    onClose: (listener) => child.once("exit", listener),
    ref: () => {
      child.ref();
      child.channel?.ref();
    },
    unref: () => {
      child.unref();
      child.channel?.unref();
    },
    close: () => {
      if (child.connected) child.disconnect();
    },
    ...(poll && { poll }),
    copiesBytes: true,
    drain: () => writes.drained(),
  };
}

/** Where a synchronous read of the pipe lands. */
const POLL_BYTES = 64 * 1024;

/**
 * Reads what a child has written on the byte pipe now, without the event loop: its urgent
 * takes come this way while this context is busy in a loop of puts. Only while the
 * socket holds nothing unread, so bytes reach the reader in the order they came; the
 * fd is non-blocking (libuv's), so an empty pipe ends the read at once (EAGAIN).
 */
function pipePoller(
  pipe: Socket | undefined,
  read: (chunk: Buffer) => void,
): (() => void) | undefined {
  const fd = (pipe as { _handle?: { fd?: unknown } } | undefined)?._handle?.fd;
  if (!pipe || typeof fd !== "number" || fd < 0) return undefined;
  const into = Buffer.allocUnsafe(POLL_BYTES);
  return () => {
    if (pipe.destroyed || pipe.readableLength > 0) return;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, into, 0, POLL_BYTES, null);
      } catch {
        return; // EAGAIN: nothing more now
      }
      if (n === 0) return;
      read(Buffer.from(into.subarray(0, n)));
      if (n < POLL_BYTES) return;
    }
  };
}

/** A child process's side of its IPC link to the parent. */
export function parentProcessPort(): Port {
  const writes = new WriteTracker();
  const lanes = childLanes();
  const receiver = orderedReceiver(lanes?.reader);
  const pipe = quietPipe(openBytePipe(receiver.reader));
  process.on("message", receiver.onIpc);
  const post = sendBatch(
    (message, done) => {
      // A send that fails because the parent is gone is reported by the close event.
      if (process.connected) process.send?.(message, undefined, undefined, done);
      else done();
    },
    pipe,
    writes,
    lanes?.writer,
  );
  return {
    post,
    postUrgent: sendUrgent(pipe, writes, post),
    onBatch: (listener) => receiver.listen(listener),
    onClose: (listener) => process.once("disconnect", listener),
    ref: () => process.channel?.ref(),
    unref: () => process.channel?.unref(),
    close: () => {
      if (process.connected) process.disconnect();
    },
    drain: () => writes.drained(),
  };
}

/**
 * This child process's end of the byte pipe its parent opened, if it did. Reads land
 * straight in the buffers of the frame being read (`onread`), where Node's chunks would be
 * copied there once more: on a large message the copy was most of this side's time.
 */
function openBytePipe(reader: BatchReader): Socket | undefined {
  const { Socket } = require("node:net") as typeof import("node:net");
  try {
    // Node takes `onread` here too (as for `connect`); its types list it for `connect` only.
    const onread = {
      buffer: () => reader.target(),
      callback: (n: number, into: Uint8Array) => {
        reader.read(n, into);
      },
    };
    return new Socket({
      fd: BYTE_PIPE_FD,
      readable: true,
      writable: true,
      onread,
    } as ConstructorParameters<typeof Socket>[0]);
  } catch {
    return undefined;
  }
}
