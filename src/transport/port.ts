/**
 * A `Port` is the raw pipe under a link: a worker thread, its `parentPort`, a child
 * process, or this process's own IPC channel. It knows how to post a batch, deliver
 * batches, report closure, and hold or release the event loop.
 */
import type { ChildProcess } from "node:child_process";
import type { MessagePort, Worker as ThreadWorker } from "node:worker_threads";
import type { Frame } from "./protocol.js";

/** The raw pipe under a `Link`. */
export interface Port {
  post(batch: Frame[]): void;
  onBatch(listener: (batch: Frame[]) => void): void;
  onClose(listener: () => void): void;
  /** Keep the event loop alive while this port has work. */
  ref(): void;
  /** Let the event loop end even though this port is open. */
  unref(): void;
  close(): void;
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

/** The parent's side of a worker thread. */
export function threadPort(worker: ThreadWorker): Port {
  return messagingPort(worker, "exit", () => void worker.terminate());
}

/** A thread's side of its link to the parent (`parentPort`). */
export function parentThreadPort(port: MessagePort): Port {
  return messagingPort(port, "close", () => port.close());
}

/** Either end of a thread's channel: both post, emit and hold the event loop alike. */
function messagingPort(
  end: ThreadWorker | MessagePort,
  closeEvent: "exit" | "close",
  close: () => void,
): Port {
  return {
    post: (batch) => end.postMessage(batch),
    onBatch: (listener) => end.on("message", listener),
    onClose: (listener) => end.once(closeEvent, listener),
    ref: () => end.ref(),
    unref: () => end.unref(),
    close,
    // postMessage hands the batch over synchronously; nothing is left to wait for.
    drain: () => DRAINED,
  };
}

/** The parent's side of a child process (IPC with JSON serialization). */
export function processPort(child: ChildProcess): Port {
  const writes = new WriteTracker();
  return {
    // A closed channel must not throw: comlink may still release a proxy after exit.
    post: (batch) => {
      if (child.connected) child.send(batch, writes.start());
    },
    onBatch: (listener) => child.on("message", listener as (m: unknown) => void),
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
    drain: () => writes.drained(),
  };
}

/** A child process's side of its IPC link to the parent. */
export function parentProcessPort(): Port {
  const writes = new WriteTracker();
  return {
    post: (batch) => {
      // A send that fails because the parent is gone is reported by the close event.
      if (process.connected) process.send?.(batch, undefined, undefined, writes.start());
    },
    onBatch: (listener) => process.on("message", listener as (m: unknown) => void),
    onClose: (listener) => process.once("disconnect", listener),
    ref: () => process.channel?.ref(),
    unref: () => process.channel?.unref(),
    close: () => {
      if (process.connected) process.disconnect();
    },
    drain: () => writes.drained(),
  };
}
