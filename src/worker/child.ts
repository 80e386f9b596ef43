/**
 * A started child context (a worker thread or a child process) as its parent sees it: the
 * link to it, its API over comlink, the queues it may use served from here, and its life:
 * alive, stopped on purpose, let go, or gone.
 */
import type { Remote } from "comlink";
import type { ContextName } from "../constants.js";
import { routes } from "../queue/routes.js";
import { serveQueues } from "../queue/server.js";
import { Link } from "../transport/link.js";
import type { Port } from "../transport/port.js";
import { Channel, type ControlFrame } from "../transport/protocol.js";
import { remoteApi, type WorkerApi } from "./api.js";

/** How a child ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** An error the child reported or raised outside any task, if any. */
  error?: unknown;
}

/** What starting a child gave: its ids, how it ends, and how to stop it. */
export interface Started {
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  /** Settles when the child is gone. */
  readonly exited: Promise<ExitInfo>;
  /** Stops it now; resolves once it is gone. */
  stop(): Promise<void>;
}

/** A started child context. */
export class Child {
  readonly kind: ContextName;
  /** How errors name it: `thread worker 3`, `process worker "resizer" (pid 123)`. */
  readonly label: string;
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  readonly link: Link;
  readonly api: Remote<WorkerApi>;
  /** Settles when the child is gone. */
  readonly exited: Promise<ExitInfo>;
  readonly #stop: () => Promise<void>;
  #alive = true;
  #stopped = false;

  constructor(kind: ContextName, label: string, port: Port, started: Started) {
    this.kind = kind;
    this.label = label;
    this.pid = started.pid;
    this.threadId = started.threadId;
    this.exited = started.exited;
    this.#stop = started.stop;
    this.link = new Link(port);
    serveQueues(this.link, { tracked: true }, (qid) => routes.backendOf(qid));
    this.api = remoteApi(this.link);
    void this.exited.then(() => {
      this.#alive = false;
    });
  }

  isAlive(): boolean {
    return this.#alive;
  }

  /** True once this side stopped the child (`kill`), so its end is no failure of its own. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Stops the child now. */
  kill(): Promise<void> {
    this.#stopped = true;
    return this.#stop();
  }

  /**
   * Lets the child go: it exits once what it sent has left and its output is flushed.
   * One that is still alive after `graceMs` is stopped.
   */
  async close(graceMs: number): Promise<void> {
    this.link.send(Channel.control, ["exit"] satisfies ControlFrame);
    this.link.flush();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.exited, grace]);
    clearTimeout(timer);
    if (this.#alive) await this.kill();
  }
}
