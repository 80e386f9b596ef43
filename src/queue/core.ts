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
  /**
   * Messages that `get()` returned and that are not done yet. A message from `get()` is
   * done when this context calls `get()` again after receiving it, or when the task that
   * read it ends; until then it stays leased, so a reader that dies loses nothing. A list,
   * not one slot: several `get()` calls may be waiting at once.
   */
  readonly gotten: number[] = [];
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

  /** What `get()` returned so far is done. */
  ackGotten(): void {
    if (this.gotten.length === 0) return;
    const reader = this.reader;
    for (const id of this.gotten) reader.ack(id);
    this.gotten.length = 0;
  }

  /** The task that used this handle ended: what it read is done, what it did not is returned. */
  finish(): void {
    const reader = this.#reader;
    if (!reader) return;
    this.ackGotten();
    reader.flushAcks();
    reader.releaseUnread();
  }
}

const known = new Map<string, QueueCore>();
/** Queues encoded as task arguments since `collectSent` began, to tie them to the worker. */
let sent: QueueCore[] | undefined;
/** For each queue created here and passed to workers: how many of those are still alive. */
const holders = new Map<QueueCore, number>();

/** Remembers a queue that crossed this context. */
export function remember(core: QueueCore): void {
  known.set(core.id, core);
  sent?.push(core);
}

/** Runs `encode` and returns the queues it passed (as task arguments) along with its result. */
export function collectSent<T>(encode: () => T): [T, QueueCore[]] {
  const outer = sent;
  sent = [];
  try {
    const value = encode();
    return [value, sent];
  } finally {
    sent = outer;
  }
}

/**
 * Ties queues created here to a worker that received them: once every such worker is gone
 * (its own workers go with it), nothing can reach the queue from below, and it is no longer
 * remembered for routing. Without this, a program that passes a new queue to each of many
 * workers would remember every queue for its whole life.
 */
export function holdUntil(cores: QueueCore[], gone: Promise<unknown>): void {
  for (const core of new Set(cores)) {
    if (!core.home) continue;
    holders.set(core, (holders.get(core) ?? 0) + 1);
    void gone.then(() => {
      const left = (holders.get(core) ?? 1) - 1;
      if (left > 0) holders.set(core, left);
      else {
        holders.delete(core);
        known.delete(core.id);
      }
    });
  }
}

/** How many queues this context remembers for routing (for tests). */
export function knownQueueCount(): number {
  return known.size;
}

/** The queue with this id, if it crossed this context. */
export function knownQueue(id: string): QueueCore | undefined {
  return known.get(id);
}

/** Ends every reading this context did on queues from elsewhere (a task ended). */
export function finishRemoteQueues(): void {
  for (const core of known.values()) if (!core.home) core.finish();
}
