/**
 * One `map` call's share of a warm pool. Calls of different sizes share one pool per
 * kind and worker options; `num` limits how many of its workers one call keeps busy.
 */
import type { ChunkWork, PoolCall } from "./call.js";
import type { Member } from "./member.js";

/** What a lease asks of its pool. */
export interface LeaseHost {
  call(lease: Lease, work: ChunkWork): PoolCall;
  release(lease: Lease): void;
}

/** A share of a pool: at most `limit` workers at a time. */
export class Lease {
  /** The most workers this call runs on at once (`map`'s `num`). */
  readonly limit: number;
  /** How long the workers this call used stay once idle, in milliseconds. */
  readonly idleTimeout: number;
  readonly #host: LeaseHost;
  /** The workers running this lease's calls now, with how many each. */
  readonly #using = new Map<Member, number>();
  #open = true;

  constructor(host: LeaseHost, limit: number, idleTimeout: number) {
    this.#host = host;
    this.limit = limit;
    this.idleTimeout = idleTimeout;
  }

  /** Runs one chunk on a worker of the pool. */
  call(work: ChunkWork): PoolCall {
    return this.#host.call(this, work);
  }

  /** The call is over: its limit no longer counts toward the pool's size. */
  release(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#host.release(this);
  }

  /** True when this lease already uses as many workers as it may. */
  get full(): boolean {
    return this.#using.size >= this.limit;
  }

  /** May `member` take one more of this lease's calls? */
  admits(member: Member): boolean {
    return this.#using.has(member) || !this.full;
  }

  /** `member` took one of this lease's calls. */
  add(member: Member): void {
    this.#using.set(member, (this.#using.get(member) ?? 0) + 1);
  }

  /** `member` finished one of this lease's calls. */
  remove(member: Member): void {
    const left = (this.#using.get(member) ?? 1) - 1;
    if (left > 0) this.#using.set(member, left);
    else this.#using.delete(member);
  }

  /** `member` is gone, with whatever it held. */
  drop(member: Member): void {
    this.#using.delete(member);
  }
}
