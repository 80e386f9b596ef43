import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { PACKAGE_ROOT } from "./paths.js";
/** The context names, for validation. */
export const CONTEXT_NAMES = ["process", "thread"];
/** The number of CPUs Node may use at once (`os.availableParallelism()`). */
export const NUM_CPUS = availableParallelism();
/** The default number of thread workers: `min(32, NUM_CPUS + 4)`, CPython's default. */
export const NUM_THREADS = Math.min(32, NUM_CPUS + 4);
/** `true` on macOS. */
export const IS_MACOS = process.platform === "darwin";
/** The version of ezq, read from its package.json. */
export const version = JSON.parse(readFileSync(new URL("package.json", PACKAGE_ROOT), "utf8")).version;
