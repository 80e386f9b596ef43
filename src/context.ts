/**
 * This context: the main thread, a worker thread or a child process. A context has at
 * most one parent link (set by the worker entry) and knows the queues that crossed it,
 * so that requests from its own children can be served or relayed upward.
 */
import { threadId } from "node:worker_threads";
import type { QueueClient } from "./queue/remote.js";

/** How this context was started. */
export type ContextRole = "main" | "thread" | "process";

interface ContextState {
  /** Unique among live contexts of the tree: process id and thread id. */
  readonly id: string;
  role: ContextRole;
  /** The link to the parent, in a worker; `null` in the main thread of the top process. */
  parent: QueueClient | null;
  nextQueue: number;
}

/** The state of this context. */
export const context: ContextState = {
  id: `${process.pid}-${threadId}`,
  role: "main",
  parent: null,
  nextQueue: 1,
};

/** A fresh queue id, unique across the tree of contexts. */
export function newQueueId(): string {
  return `${context.id}-${context.nextQueue++}`;
}
