const DRAINED = Promise.resolve();
/**
 * Counts IPC writes in flight, so that a process can wait for them before it exits:
 * `send` calls its callback once the write has left (or failed, when the channel closed).
 */
class WriteTracker {
    #pending = 0;
    #waiters = [];
    /** The callback for one `send`. */
    start() {
        this.#pending++;
        return () => {
            if (--this.#pending === 0)
                for (const resolve of this.#waiters.splice(0))
                    resolve();
        };
    }
    drained() {
        if (this.#pending === 0)
            return DRAINED;
        return new Promise((resolve) => this.#waiters.push(resolve));
    }
}
/** The parent's side of a worker thread. */
export function threadPort(worker) {
    return messagingPort(worker, "exit", () => void worker.terminate());
}
/** A thread's side of its link to the parent (`parentPort`). */
export function parentThreadPort(port) {
    return messagingPort(port, "close", () => port.close());
}
/** Either end of a thread's channel: both post, emit and hold the event loop alike. */
function messagingPort(end, closeEvent, close) {
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
export function processPort(child) {
    const writes = new WriteTracker();
    return {
        // A closed channel must not throw: comlink may still release a proxy after exit.
        post: (batch) => {
            if (child.connected)
                child.send(batch, writes.start());
        },
        onBatch: (listener) => child.on("message", listener),
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
            if (child.connected)
                child.disconnect();
        },
        drain: () => writes.drained(),
    };
}
/** A child process's side of its IPC link to the parent. */
export function parentProcessPort() {
    const writes = new WriteTracker();
    return {
        post: (batch) => {
            // A send that fails because the parent is gone is reported by the close event.
            if (process.connected)
                process.send?.(batch, undefined, undefined, writes.start());
        },
        onBatch: (listener) => process.on("message", listener),
        onClose: (listener) => process.once("disconnect", listener),
        ref: () => process.channel?.ref(),
        unref: () => process.channel?.unref(),
        close: () => {
            if (process.connected)
                process.disconnect();
        },
        drain: () => writes.drained(),
    };
}
