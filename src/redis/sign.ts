/**
 * Signed envelopes: what travels between callers and agents through Redis. Anyone who can
 * write to Redis could otherwise make agents run code, so every task (and every reply) is
 * signed with HMAC-SHA256 under `EZQ_SECRET`, with an id, a time and a nonce. The
 * signature is checked before anything in the envelope is parsed; then its age. Replays
 * are caught by the agent with the nonce (see agent.ts).
 *
 * Format: `ezq1.<id>.<time ms>.<nonce>.<signature hex>.<body>`; the signature covers
 * everything but itself.
 */
import { createHmac, randomFillSync, timingSafeEqual } from "node:crypto";
import { SecretError } from "../errors.js";

const VERSION = "ezq1";
/** The least secret accepted: 32 bytes, as HMAC-SHA256's own output. */
const MIN_SECRET_BYTES = 32;
/** How old (or how far ahead, for clocks that differ) a signed envelope may be when first seen. */
export const MAX_AGE_MS = 5 * 60 * 1000;
const HEAD = /^ezq1\.([0-9a-f]{16})\.(\d{1,15})\.([0-9a-f]{32})\.([0-9a-f]{64})\./;

/** The secret from `EZQ_SECRET`, checked; `what` names who needs it in the error. */
export function secretFromEnv(what: string): Buffer {
  const text = process.env.EZQ_SECRET;
  if (text === undefined || text === "") throw new SecretError(what, "is not set");
  const secret = Buffer.from(text, "utf8");
  if (secret.length < MIN_SECRET_BYTES) {
    throw new SecretError(what, `is only ${secret.length} bytes long`);
  }
  return secret;
}

/** A checked envelope. */
export interface Envelope {
  readonly id: string;
  readonly time: number;
  readonly nonce: string;
  readonly body: string;
}

/**
 * Random bytes for ids and nonces, drawn from the system 4 KB at a time: each draw is a
 * system call, which cost 50-100 us on a 2-core VM, and a map on agents seals a job and a
 * reply per chunk.
 */
const random = { pool: Buffer.alloc(4096), used: 4096 };

function randomHex(bytes: number): string {
  if (random.used + bytes > random.pool.length) {
    randomFillSync(random.pool);
    random.used = 0;
  }
  const hex = random.pool.toString("hex", random.used, random.used + bytes);
  random.used += bytes;
  return hex;
}

/** Signs `body` now; returns the envelope's text. */
export function seal(secret: Buffer, body: string, now = Date.now()): string {
  const head = `${VERSION}.${randomHex(8)}.${now}.${randomHex(16)}`;
  const signature = createHmac("sha256", secret).update(`${head}.${body}`).digest("hex");
  return `${head}.${signature}.${body}`;
}

/** The outcome of checking an envelope. */
export type Verdict = { ok: true; envelope: Envelope } | { ok: false; reason: string };

/**
 * Checks the signature (the age is for the agent to judge: a redelivered job may be old).
 * Nothing of the body is looked at before the
 * signature matched.
 */
export function open(secret: Buffer, text: string): Verdict {
  const head = HEAD.exec(text);
  if (!head) return { ok: false, reason: "not a signed ezq envelope (unsigned or malformed)" };
  const [whole, id, time, nonce, signature] = head as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const signed = `${whole.slice(0, whole.length - signature.length - 2)}.${text.slice(whole.length)}`;
  const expected = createHmac("sha256", secret).update(signed).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
    return { ok: false, reason: "bad signature (forged, or signed with another EZQ_SECRET)" };
  }
  const envelope = { id, time: Number(time), nonce, body: text.slice(whole.length) };
  return { ok: true, envelope };
}

/** True when an envelope signed at `time` is fresh enough to be run for the first time. */
export function isFresh(time: number, now = Date.now()): boolean {
  return Math.abs(now - time) <= MAX_AGE_MS;
}
