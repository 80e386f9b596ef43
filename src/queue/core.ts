/**
 * The state behind a `Q` in one context: its id and kind, its backend (the store at home,
 * a remote backend elsewhere), and its reader.
 */
import type { ContextName } from "../constants.js";
import type { Backend, Owner } from "./backend.js";
import { HOME_OWNER } from "./backend.js";
import { Reader } from "./reader.js";

/** Reads made in this context, when the queue lives elsewhere. */
const LOCAL_OWNER: Owner = Object.freeze({ tracked: true });

/** The state behind a queue handle. */
export class QueueCore {
  readonly id: string;
  readonly kind: ContextName;
  readonly backend: Backend;
  /** True in the context that created the queue, where its messages live. */
  readonly home: boolean;
  /** The most messages that may wait in the queue (`Infinity`: no bound). */
  readonly maxsize: number;
  /**
   * Messages that `get()` returned and that are not done yet. A message from `get()` is
   * done when this context calls `get()` again after receiving it, or when the task that
   * read it ends; until then it stays leased, so a reader that dies loses nothing. A list,
   * not one slot: several `get()` calls may be waiting at once.
   */
  readonly gotten: number[] = [];
  #reader: Reader | undefined;
  #handle: object | undefined;

  constructor(
    id: string,
    kind: ContextName,
    backend: Backend,
    home: boolean,
    maxsize = Number.POSITIVE_INFINITY,
  ) {
    this.id = id;
    this.kind = kind;
    this.backend = backend;
    this.home = home;
    this.maxsize = maxsize;
  }

  get reader(): Reader {
    this.#reader ??= new Reader(this.backend, this.home ? HOME_OWNER : LOCAL_OWNER, !this.home);
    return this.#reader;
  }

  /**
   * The one handle of this queue here, made by `make` the first time: a queue that arrives
   * in several task arguments or map items is one handle.
   */
  handle<H extends object>(make: () => H): H {
    this.#handle ??= make();
    return this.#handle as H;
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
