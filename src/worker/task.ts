/**
 * Turning a task into something another context can run. An inline function is sent as
 * its source text (TypeScript is already plain JS at run time under tsx, vitest or a
 * build); a task that needs its module's imports is sent as a reference to an export.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { ArgumentTypeError, preview, TaskSourceError } from "../errors.js";
import { expectString } from "../validate.js";
import { isMachinery, rememberTask, untagged } from "./stack.js";

/**
 * A worker function: plain, sync or async, taking data and queues.
 *
 * @typeParam A - its parameters.
 * @typeParam R - what it returns (a promise is awaited in the worker).
 * @param args - data that can cross to a worker, and queues.
 */
// biome-ignore lint/suspicious/noExplicitAny: a task may take any arguments
export type Task<A extends unknown[] = any[], R = unknown> = (...args: A) => R;

/**
 * What a worker needs to rebuild a task: an inline task's source, the URL of the file it
 * was written in, and the tag its stack frames carry back (see stack.ts); or a module
 * export.
 */
export type TaskSpec =
  | { source: string; name: string; caller: string | undefined; tag: number }
  | { module: string; export: string };

const specs = new WeakMap<object, TaskSpec>();

/**
 * A task given by reference: the export `exportName` of the module at `moduleUrl`. Use it
 * for a task that needs its module's imports. The worker imports the module, which runs
 * its top-level code there, so keep tasks in a module without side effects.
 *
 * @typeParam F - the function's type (`typeof resize`), so that `run` and `map` check the
 *   arguments given to it.
 * @param moduleUrl - the module: a `URL`, a `file:` URL or an absolute path. For a module
 *   beside yours, `new URL("./tasks.js", import.meta.url)` (under tsx, `./tasks.js` finds
 *   `tasks.ts`).
 * @param exportName - the name of the exported function. Default `"default"`.
 * @returns a stand-in to give to `run`, `runThread` or `map` (calling it throws).
 *
 * @example
 * ```ts
 * import type { resize } from "./tasks.js";
 * const task = fromModule<typeof resize>(new URL("./tasks.js", import.meta.url), "resize");
 * await run(task, "photo.png").join();
 * ```
 */
export function fromModule<F extends Task>(moduleUrl: string | URL, exportName = "default"): F {
  const href = moduleHref(moduleUrl);
  expectString("fromModule exportName", exportName);
  const stub = () => {
    throw new TaskSourceError(
      `${exportName} from ${href} is a task reference: run it with run, runThread or map`,
    );
  };
  const spec: TaskSpec = { module: href, export: exportName };
  specs.set(stub, spec);
  return stub as unknown as F;
}

/**
 * Checks a task and returns what a worker needs to run it. Throws at the call for
 * anything that cannot be shipped, saying what to pass instead.
 */
export function describeTask(task: unknown, what = "task"): TaskSpec {
  if (typeof task !== "function") {
    throw new ArgumentTypeError(`${what} must be a function, received ${preview(task)}`);
  }
  const known = specs.get(task);
  if (known) return known;
  const source = Function.prototype.toString.call(task);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) throw unsendable(what, task.name);
  if (/^class\b/.test(source)) {
    throw new TaskSourceError(
      `${what} is a class; pass a function that creates and uses it instead`,
    );
  }
  try {
    new Function(`return (${source}\n);`);
  } catch {
    throw new TaskSourceError(
      `${what} (${task.name || "anonymous"}) is a method written in shorthand (\`name() {}\`), ` +
        "which cannot be rebuilt on its own in a worker. Write it as an arrow function or a " +
        "function expression (`{ name: (x) => ... }`), or give it by reference with fromModule().",
    );
  }
  const origin = callerFrame();
  const spec: TaskSpec = {
    source,
    name: task.name,
    caller: origin && toUrl(untagged(origin.file)),
    tag: rememberTask(source, origin),
  };
  specs.set(task, spec);
  return spec;
}

/** A bound function's source is `[native code]`; so is a built-in's. Say which it is. */
function unsendable(what: string, name: string): TaskSourceError {
  const bound = name.startsWith("bound ");
  const target = bound ? name.slice("bound ".length) : name;
  const kind = bound
    ? `a bound function (${target ? `\`${target}.bind(...)\`` : "made with `.bind()`"})`
    : `a native function${target ? ` (${target})` : ""}`;
  return new TaskSourceError(
    `${what} is ${kind}: the source of a bound or native function cannot be sent to a ` +
      "worker. Pass an arrow function " +
      "or function expression, and give what you bound as arguments: run((x) => f(x), value).",
  );
}

/** The first stack frame outside ezq: the call that started the task, in the task's file. */
function callerFrame(): { url: string; file: string; site: string } | undefined {
  const lines = new Error().stack?.split("\n").slice(1) ?? [];
  for (const line of lines) {
    const match = /((?:file:\/\/)?\/[^\s():]+):\d+:\d+\)?\s*$/.exec(line);
    if (!match?.[1] || isMachinery(match[1])) continue;
    return { url: toUrl(match[1]), file: match[1], site: line };
  }
  return undefined;
}

/** A module location as a URL: a URL, a `file:` URL string or an absolute path. */
function moduleHref(location: unknown): string {
  if (location instanceof URL) return location.href;
  if (typeof location === "string" && (location.startsWith("file:") || isAbsolute(location))) {
    return toUrl(location);
  }
  throw new ArgumentTypeError(
    `fromModule(moduleUrl) takes a URL, a file: URL or an absolute path, received ${preview(location)}; ` +
      'for a module next to yours use new URL("./tasks.js", import.meta.url)',
  );
}

function toUrl(path: string): string {
  return path.startsWith("file:") ? path : pathToFileURL(path).href;
}
