/**
 * An agent: serves jobs from Redis on a warm local pool (`ezq worker`). It takes as many
 * jobs as its pool can hold (the credit of its take), checks each envelope's signature
 * before it parses anything, refuses stale and replayed ones (saying why on its log),
 * runs the rest, puts each reply, and only then acks the job: an agent that dies
 * mid-job leaves it to another agent, and the caller keeps the first reply of each job.
 */
import { encode } from "../codec/codec.js";
import type { ContextName } from "../constants.js";
import { ChunkError, WorkerExitError } from "../errors.js";
import { DEPTH } from "../pool/pool.js";
import { closePools, poolFor } from "../pool/pools.js";
import { RedisBackend, type TakeRequest } from "../redis/backend.js";
import { payloadFromText, payloadToText } from "../redis/entry.js";
import { closeLinks } from "../redis/links.js";
import { sleep } from "../redis/retry.js";
import { isFresh, open, seal, secretFromEnv } from "../redis/sign.js";
import type { RedisTarget } from "../redis/url.js";
import type { Item } from "../transport/protocol.js";
import { JOBS_QUEUE, type JobBody, type ReplyBody } from "../worker/cluster-protocol.js";
import { encodeThrown } from "../worker/outcome.js";

/** How an agent runs. */
export interface AgentOptions {
  readonly target: RedisTarget;
  /** Workers in its pool. */
  readonly concurrency: number;
  readonly kind: ContextName;
  /** Where it says what it does and what it refused. */
  readonly log: (line: string) => void;
}

/** A running agent. */
export interface Agent {
  /** Stops taking jobs, finishes those it holds, and lets go of Redis and its pool. */
  stop(): Promise<void>;
}

/** The agent's reads of the jobs queue. */
const OWNER = Object.freeze({ tracked: true });
/** How long a nonce is remembered: far longer than an envelope stays fresh. */
const NONCE_TTL_MS = String(60 * 60 * 1000);
const REPLY_TTL_MS = 60 * 60 * 1000;
/**
 * How often an agent tells Redis its worker count again, for a server that restarted
 * without persistence and forgot it (callers size their chunks for the count).
 */
const ANNOUNCE_MS = 10_000;

/** Starts an agent; throws a `SecretError` without a good `EZQ_SECRET`. */
export function startAgent({ target, concurrency, kind, log }: AgentOptions): Agent {
  const secret = secretFromEnv("ezq worker");
  const jobs = new RedisBackend({ name: JOBS_QUEUE, target });
  const lease = poolFor(kind).lease(concurrency, Number.POSITIVE_INFINITY);
  const replies = new Map<string, RedisBackend>();
  const running = new Set<Promise<void>>();
  let free = concurrency * DEPTH;
  let taking: TakeRequest | undefined;
  let stopping = false;
  jobs.waiting(1); // an agent waits for work: it keeps its process alive
  let announced = jobs.announce(concurrency);
  const announcing = setInterval(() => {
    announced = announced.then(() => jobs.announce(concurrency));
  }, ANNOUNCE_MS).unref();

  const replyQueue = (name: string) => {
    let queue = replies.get(name);
    if (!queue) {
      queue = new RedisBackend({ name, target, noDedupe: true, ttlMs: REPLY_TTL_MS });
      replies.set(name, queue);
      if (replies.size > 1000) replies.delete(replies.keys().next().value as string);
    }
    return queue;
  };

  const take = () => {
    if (taking || stopping || free <= 0) return;
    const request: TakeRequest = {
      owner: OWNER,
      n: free,
      done: (items: Item[]) => {
        taking = undefined;
        for (const item of items) {
          free--;
          const job = serve(item)
            .catch((error: unknown) => {
              // Not acked: the job goes to another agent once this one is gone.
              log(
                `could not finish a job: ${error instanceof Error ? error.message : String(error)}`,
              );
            })
            .finally(() => {
              running.delete(job);
              free++;
              take();
            });
          running.add(job);
        }
        take();
      },
    };
    taking = request;
    jobs.take(request);
  };

  const serve = async (item: Item): Promise<void> => {
    const [id, payload] = item;
    const streamId = jobs.streamId(OWNER, id) ?? "?";
    const refuse = (reason: string) => {
      log(`refused job ${streamId}: ${reason}`);
      jobs.ack(OWNER, [id]);
    };
    // The payload is the codec's string form, "s" + text: the envelope is checked as text.
    if (typeof payload !== "string" || !payload.startsWith("s"))
      return refuse("not a signed ezq envelope (unsigned or malformed)");
    const verdict = open(secret, payload.slice(1));
    if (!verdict.ok) return refuse(verdict.reason);
    const { envelope } = verdict;
    const nonceKey = `ezq:{${JOBS_QUEUE}}:nonce:${envelope.nonce}`;
    const first = await jobs.command("nonce", [
      "SET",
      nonceKey,
      streamId,
      "NX",
      "PX",
      NONCE_TTL_MS,
    ]);
    if (first === null) {
      // Seen before: the same entry again is a redelivery (its agent died); any other is a replay.
      const seenAt = await jobs.command("nonce", ["GET", nonceKey]);
      if (seenAt !== streamId) return refuse(`replayed (nonce first seen in entry ${seenAt})`);
    } else if (!isFresh(envelope.time)) {
      const age = Math.round((Date.now() - envelope.time) / 1000);
      const job = JSON.parse(envelope.body) as JobBody;
      await reply(job, { seq: job.seq, refused: `stale: signed ${age} s ago` });
      return refuse(`stale (signed ${age} s ago)`);
    }
    const job = JSON.parse(envelope.body) as JobBody;
    let answer: ReplyBody;
    try {
      const items = payloadFromText(job.items);
      const done = await lease.call({ spec: job.spec, items, count: job.count, queues: [] }).result;
      answer = { seq: job.seq, done: { values: payloadToText(done.values), ms: done.ms } };
    } catch (error) {
      if (error instanceof ChunkError) {
        // The task threw: the caller's map fails as a local pool's would.
        answer = { seq: job.seq, error: payloadToText(encodeThrown(error)) };
      } else if (error instanceof WorkerExitError) {
        answer = {
          seq: job.seq,
          died: { label: "a worker of an agent", code: error.exitCode, signal: error.signal },
        };
      } else {
        throw error;
      }
    }
    await reply(job, answer);
    jobs.ack(OWNER, [id]);
  };

  const reply = async (job: JobBody, body: ReplyBody) => {
    const queue = replyQueue(job.reply);
    queue.put([[encode(seal(secret, JSON.stringify(body))), "", 0]]);
    await queue.flushed();
  };

  take();
  log(`serving ${JOBS_QUEUE} at ${target.publicUrl} on ${concurrency} ${kind} workers`);

  return {
    async stop() {
      stopping = true;
      if (taking) jobs.cancel(taking);
      await Promise.allSettled(running);
      clearInterval(announcing);
      // The last announcement lands before the goodbye that forgets it (a server that is
      // gone never answers: the goodbye is not held up for it).
      await Promise.race([announced, sleep(1000, false)]);
      jobs.waiting(-1);
      await jobs.close();
      lease.release();
      await closePools();
      closeLinks();
    },
  };
}
