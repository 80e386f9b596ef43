/**
 * The state behind a `Q` in one context: its id and kind, its backend (the store at
 * home, a remote backend elsewhere), and its reader. Every queue that crossed this
 * context is remembered by id, so requests from children can be routed to it.
 */
import type { ContextName } from "../constants.js";
import type { Backend, Owner } from "./backend.js";
import { HOME_OWNER } from "./backend.js";
import { Reader } from "./reader.js";

/** Reads made in this context, when the queue lives elsewhere. */
const LOCAL_OWNER: Owner = Object.freeze({ label: "local reader", tracked: true });

/** The state behind a queue handle. */
export class QueueCore {
  readonly id: string;
  readonly kind: ContextName;
  readonly backend: Backend;
  /** True in the context that created the queue, where its messages live. */
  readonly home: boolean;
  /** The message the last `get()` returned: done when `get()` is called again. */
  lastGot: number | undefined;
  #reader: Reader | undefined;

  constructor(id: string, kind: ContextName, backend: Backend, home: boolean) {
    this.id = id;
    this.kind = kind;
    this.backend = backend;
    this.home = home;
  }

  get reader(): Reader {
    this.#reader ??= new Reader(this.backend, this.home ? HOME_OWNER : LOCAL_OWNER, !this.home);
    return this.#reader;
  }

  /** The task that used this handle ended: what it read is done, what it did not is returned. */
  finish(): void {
    const reader = this.#reader;
    if (!reader) return;
    if (this.lastGot !== undefined) reader.ack(this.lastGot);
    this.lastGot = undefined;
    reader.flushAcks();
    reader.releaseUnread();
  }
}

const known = new Map<string, QueueCore>();

/** Remembers a queue that crossed this context. */
export function remember(core: QueueCore): void {
  known.set(core.id, core);
}

/** The queue with this id, if it crossed this context. */
export function knownQueue(id: string): QueueCore | undefined {
  return known.get(id);
}

/** Ends every reading this context did on queues from elsewhere (a task ended). */
export function finishRemoteQueues(): void {
  for (const core of known.values()) if (!core.home) core.finish();
}
