/**
 * The caller's side of a cluster: jobs go out on the agents' queue, signed; replies come
 * back on a queue of this context's own, checked, and each settles the job it names (the
 * first reply wins: a job run again after its agent died may answer twice). `map` gets a
 * lease that runs chunks on agents; `run.with({ cluster })` gets a worker whose task runs
 * on an agent.
 */
import { randomBytes } from "node:crypto";
import { decode, type EncodeContext, encode } from "../codec/codec.js";
import { ChunkError, ClusterRefusedError, WorkerExitError } from "../errors.js";
import { RedisBackend } from "../redis/backend.js";
import { payloadFromText, payloadToText } from "../redis/entry.js";
import { Inbox } from "../redis/inbox.js";
import { open, seal, secretFromEnv } from "../redis/sign.js";
import { type RedisTarget, resolveTarget } from "../redis/url.js";
import type { Payload } from "../transport/protocol.js";
import type { ChunkDone } from "./api.js";
import type { Child, ExitInfo } from "./child.js";
import { JOBS_QUEUE, type JobBody, type ReplyBody } from "./cluster-protocol.js";
import { asError, decodeThrown } from "./outcome.js";
import type { TaskSpec } from "./task.js";

/**
 * Values bound for an agent on another machine (a `map` chunk's items, a `run` task's
 * arguments): as for a process worker, but only queues in Redis can go along.
 */
export const FOR_AGENT: EncodeContext = Object.freeze({ target: "process", remote: true });

/** The server of `cluster: url | true` (`true`: `EZQ_REDIS_URL`, then the default). */
export function clusterTarget(what: string, cluster: string | true): RedisTarget {
  return resolveTarget(what, cluster === true ? undefined : cluster);
}

/**
 * Submits jobs to the agents of one server and routes their replies. Replies come back on
 * a stream that this context alone reads (an `Inbox`), not a queue: see redis/inbox.ts.
 */
class ClusterClient {
  readonly #secret: Buffer;
  readonly #jobs: RedisBackend;
  readonly #replies: Inbox;
  readonly #replyName = `ezq-reply-${randomBytes(8).toString("hex")}`;
  readonly #pending = new Map<number, (body: ReplyBody) => void>();
  #seq = 0;

  constructor(target: RedisTarget) {
    this.#secret = secretFromEnv("map and run with the cluster option");
    this.#jobs = new RedisBackend({ name: JOBS_QUEUE, target });
    this.#replies = new Inbox(target, this.#replyName, (payloads) => {
      for (const payload of payloads) this.#settle(payload);
    });
  }

  /** Sends a job; resolves with its first reply. */
  submit(
    t: JobBody["t"],
    spec: TaskSpec,
    items: Payload,
    count: number,
  ): [number, Promise<ReplyBody>] {
    const seq = ++this.#seq;
    const body: JobBody = {
      t,
      spec,
      items: payloadToText(items),
      count,
      reply: this.#replyName,
      seq,
    };
    const reply = new Promise<ReplyBody>((resolve) => this.#pending.set(seq, resolve));
    this.#replies.expect(true); // a reply is awaited: read, and stay alive
    this.#jobs.put([[encode(seal(this.#secret, JSON.stringify(body))), "", 0]]);
    return [seq, reply];
  }

  /** The workers of the agents alive now, as they announced them; 0 when none did. */
  workers(): Promise<number> {
    return this.#jobs.capacity();
  }

  /** Stops waiting for a job's reply (its map was stopped). */
  forget(seq: number): void {
    if (this.#pending.delete(seq) && this.#pending.size === 0) this.#replies.expect(false);
  }

  #settle(payload: Payload): void {
    const text = decode(payload);
    if (typeof text !== "string") return;
    const verdict = open(this.#secret, text);
    if (!verdict.ok) return; // not from an agent that has the secret: ignored
    const body = JSON.parse(verdict.envelope.body) as ReplyBody;
    const resolve = this.#pending.get(body.seq);
    if (!resolve) return; // a second reply to a job run twice, or a forgotten one
    this.forget(body.seq);
    resolve(body);
  }
}

const clients = new Map<string, ClusterClient>();

function clientFor(target: RedisTarget): ClusterClient {
  let client = clients.get(target.url);
  if (!client) {
    client = new ClusterClient(target);
    clients.set(target.url, client);
  }
  return client;
}

/**
 * A chunk's results from its reply; as in a local pool, a task's error rejects with the
 * `ChunkError` the agent's worker raised, and a dead agent worker is a `WorkerExitError`.
 */
function doneOf(body: ReplyBody): ChunkDone {
  if (body.done) return { values: payloadFromText(body.done.values), ms: body.done.ms };
  if (body.error !== undefined) throw decodeThrown(payloadFromText(body.error));
  if (body.died) throw new WorkerExitError(body.died.label, body.died.code, body.died.signal);
  throw new ClusterRefusedError(body.refused ?? "no reason given");
}

/** One chunk sent to the agents, as `map` sees a pool's call. */
export interface ClusterCall {
  readonly result: Promise<ChunkDone>;
  cancel(): void;
}

/** What `map` needs of where its chunks run: a pool's lease, or the agents of a server. */
export interface ChunkRunner {
  call(work: {
    spec: TaskSpec;
    items: Payload;
    count: number;
    queues?: readonly unknown[];
  }): ClusterCall;
  release(): void;
  /**
   * How many workers run the chunks, when the runner learns it on its own (the agents of a
   * cluster announce theirs): `map` sizes its chunks for them unless given `num`.
   */
  readonly workers?: Promise<number>;
}

/** Runs `map`'s chunks on the agents of `target`. Checks `EZQ_SECRET` now. */
export function clusterLease(target: RedisTarget): ChunkRunner {
  const client = clientFor(target);
  return {
    workers: client.workers(),
    call({ spec, items, count }) {
      const [seq, reply] = client.submit("map", spec, items, count);
      return { result: reply.then(doneOf), cancel: () => client.forget(seq) };
    },
    release() {},
  };
}

/** Encodes a `run` task's arguments for an agent: a chunk of one tuple. */
export function encodeRunArgs(args: unknown[]): Payload {
  return encode([args], "args", FOR_AGENT);
}

/** A stand-in for a child context: the task runs on an agent, and this waits for its reply. */
export function clusterChild(target: RedisTarget): Child {
  const client = clientFor(target);
  let alive = true;
  let stopped = false;
  let seq = 0;
  let exit: (info: ExitInfo) => void = () => {};
  const exited = new Promise<ExitInfo>((resolve) => {
    exit = (info) => {
      alive = false;
      resolve(info);
    };
  });
  const child = {
    kind: "process",
    label: `a task on an agent at ${target.publicUrl}`,
    pid: undefined,
    threadId: undefined,
    exited,
    isAlive: () => alive,
    get stopped() {
      return stopped;
    },
    api: {
      async run(spec: TaskSpec, items: Payload): Promise<Payload> {
        const [id, reply] = client.submit("run", spec, items, 1);
        seq = id;
        const body = await reply;
        if (body.died) {
          exit({ code: body.died.code, signal: body.died.signal });
          return new Promise<never>(() => {});
        }
        if (body.error !== undefined) {
          // The task threw: a chunk of one item fails with the task's own error as its cause.
          const error = decodeThrown(payloadFromText(body.error));
          throw error instanceof ChunkError ? asError(error.cause) : error;
        }
        const done = doneOf(body);
        return encode((decode(done.values) as unknown[])[0], "result");
      },
    },
    // The agent's worker cannot be stopped from here: the reply is no longer awaited.
    async kill() {
      stopped = true;
      client.forget(seq);
      exit({ code: null, signal: null });
    },
    async close(_graceMs?: number) {
      exit({ code: 0, signal: null });
    },
  };
  return child as unknown as Child;
}
