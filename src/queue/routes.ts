/**
 * Which queues this context can reach by id, to serve or relay the requests of its own
 * workers: queues created here, for as long as a worker that received them lives, and
 * queues that arrived from the parent, whose operations are forwarded up the parent link.
 * There is one per context (`routes`); the worker entry connects it to the parent.
 */
import { threadId } from "node:worker_threads";
import type { ContextName } from "../constants.js";
import { QueueUnreachableError } from "../errors.js";
import type { Link } from "../transport/link.js";
import type { Backend } from "./backend.js";
import { QueueCore } from "./core.js";
import { QueueClient, RemoteBackend } from "./remote.js";

/** The queues of one context, by id. */
export class Routes {
  /** Unique among the live contexts of the tree: process id and thread id. */
  readonly #contextId = `${process.pid}-${threadId}`;
  #nextQueue = 1;
  #parent: QueueClient | undefined;
  readonly #queues = new Map<string, QueueCore>();
  /** For each queue created here and passed to workers: how many of those are still alive. */
  readonly #holders = new Map<QueueCore, number>();

  /** A fresh queue id, unique across the tree of contexts. */
  newQueueId(): string {
    return `${this.#contextId}-${this.#nextQueue++}`;
  }

  /** Links this context to its parent: queues that arrive from it are reached through `link`. */
  connectParent(link: Link): void {
    this.#parent = new QueueClient(link);
  }

  /** The core of a queue that arrived as a task argument: known already, or reached through the parent. */
  arrived(id: string, kind: ContextName, maxsize: number): QueueCore {
    const known = this.#queues.get(id);
    if (known) return known;
    if (!this.#parent) throw new QueueUnreachableError(id);
    const backend = new RemoteBackend(this.#parent, id, maxsize);
    const core = new QueueCore(id, kind, backend, false, maxsize);
    this.#queues.set(id, core);
    return core;
  }

  /**
   * The one core here of a queue that lives outside the tree of contexts (in Redis), which
   * arrived as `id`: known, or made by `make` and kept, so that the end of a task settles
   * what it read (`finishRemoteReads`).
   */
  outside(id: string, make: () => QueueCore): QueueCore {
    const known = this.#queues.get(id);
    if (known) return known;
    const core = make();
    this.#queues.set(id, core);
    return core;
  }

  /** The backend that serves a child's requests to the queue `id`, if it is reachable here. */
  backendOf(id: string): Backend | undefined {
    return this.#queues.get(id)?.backend;
  }

  /**
   * Makes queues created here reachable for a worker that received them, until `gone`
   * settles (the worker exited, and its own workers with it). Once no such worker is left,
   * nothing can reach the queue from below and it is forgotten: a program that passes a
   * new queue to each of many workers does not keep every queue for its whole life.
   * Queues from elsewhere stay reachable while this context lives.
   */
  holdUntil(cores: Iterable<QueueCore>, gone: Promise<unknown>): void {
    for (const core of new Set(cores)) {
      if (!core.home) continue;
      this.#queues.set(core.id, core);
      this.#holders.set(core, (this.#holders.get(core) ?? 0) + 1);
      void gone.then(() => this.#release(core));
    }
  }

  /** Ends every reading this context did on queues from elsewhere (a task ended). */
  finishRemoteReads(): void {
    for (const core of this.#queues.values()) if (!core.home) core.finish();
  }

  /** How many queues are reachable by id here. */
  get size(): number {
    return this.#queues.size;
  }

  #release(core: QueueCore): void {
    const left = (this.#holders.get(core) ?? 1) - 1;
    if (left > 0) {
      this.#holders.set(core, left);
      return;
    }
    this.#holders.delete(core);
    this.#queues.delete(core.id);
  }
}

/** This context's routes. */
export const routes = new Routes();
