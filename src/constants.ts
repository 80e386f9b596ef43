import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { PACKAGE_ROOT } from "./paths.js";

/** Where ezq runs work: a child process or a worker thread. */
export type ContextName = "process" | "thread";

/** The context names, for validation. */
export const CONTEXT_NAMES: readonly ContextName[] = ["process", "thread"];

/** The number of CPUs Node may use at once (`os.availableParallelism()`). */
export const NUM_CPUS: number = availableParallelism();

/** The default number of thread workers: `min(32, NUM_CPUS + 4)`, CPython's default. */
export const NUM_THREADS: number = Math.min(32, NUM_CPUS + 4);

/** `true` on macOS. */
export const IS_MACOS: boolean = process.platform === "darwin";

/** The version of ezq, read from its package.json. */
export const version: string = JSON.parse(
  readFileSync(new URL("package.json", PACKAGE_ROOT), "utf8"),
).version;
