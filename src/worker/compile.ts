/**
 * The worker's side of task shipping: rebuild the function from its source. The source is
 * compiled as it was written, byte for byte, except for the `import` keyword of `import()`
 * and `import.meta` (see rewrite.ts), with the helpers tools insert (see shims.ts) and a
 * file name that lets the parent place the task's stack frames in the caller's file (see
 * stack.ts). `import()` resolves relative specifiers against the file the task was written
 * in, and `"ezq"` is this worker's own ezq (the same queues, the same parent link).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileFunction } from "node:vm";
import { TaskSourceError } from "../errors.js";
import { OWN_INDEX } from "../paths.js";
import { IMPORT, rewriteImports } from "./rewrite.js";
import { TOOL_SHIMS } from "./shims.js";
import { taskFile } from "./stack.js";
import type { Task, TaskSpec } from "./task.js";
import { readyToImport } from "./tsx.js";

export { explainScopeError } from "./scope.js";

const compiled = new Map<string, Task>();
const loading = new Map<string, Promise<Task>>();

/** The task for `spec`: synchronously when it was loaded before, else a promise. */
export function loadTask(spec: TaskSpec): Task | Promise<Task> {
  const key =
    "module" in spec
      ? `${spec.module}#${spec.export}`
      : `${spec.tag}\n${spec.caller}\n${spec.source}`;
  const ready = compiled.get(key);
  if (ready) return ready;
  if (!("module" in spec)) {
    const task = compile(rewriteImports(spec.source), spec);
    compiled.set(key, task);
    return task;
  }
  let pending = loading.get(key);
  if (!pending) {
    pending = importExport(spec.module, spec.export).then((task) => {
      compiled.set(key, task);
      return task;
    });
    loading.set(key, pending);
  }
  return pending;
}

/** Compiles the task's source in this context, as a function of its tools' shims. */
function compile(source: string, spec: Extract<TaskSpec, { source: string }>): Task {
  const importer = (specifier: string) => importFrom(specifier, spec.caller);
  const context = { importer, meta: importMeta(spec.caller) };
  const names = [...TOOL_SHIMS.map(([name]) => name), IMPORT];
  const values = [
    ...TOOL_SHIMS.map(([, make]) => make(context)),
    Object.assign(importer, { meta: context.meta }),
  ];
  // The source starts at line 1, column 1 of the task's own "file", so the frames of its
  // errors give positions within the task, which the parent turns into the caller's.
  const prefix = '"use strict"; return (';
  const factory = compileFunction(`${prefix}${source}\n);`, names, {
    filename: taskFile(spec.caller, spec.tag),
    columnOffset: -prefix.length,
  });
  return factory(...values) as Task;
}

async function importExport(moduleUrl: string, name: string): Promise<Task> {
  await readyToImport(moduleUrl);
  const mod = (await import(moduleUrl)) as Record<string, unknown>;
  const task = mod[name];
  if (typeof task !== "function") {
    throw new TaskSourceError(`${moduleUrl} has no exported function ${JSON.stringify(name)}`);
  }
  return task as Task;
}

/** `import(specifier)` as the task's own file would resolve it. */
async function importFrom(specifier: string, caller: string | undefined): Promise<unknown> {
  let target = specifier;
  // vitest rewrites aliased imports to paths relative to its root (the working directory).
  if (target.startsWith("/") && !existsSync(target)) target = join(process.cwd(), target);
  if (target.startsWith("/")) target = pathToFileURL(target).href;
  if (caller && /^\.\.?\//.test(target)) target = new URL(target, caller).href;
  if (target === "ezq" || OWN_INDEX.includes(target)) return import("../index.js");
  await readyToImport(target);
  try {
    return await import(target);
  } catch (error) {
    // ezq resolves bare names from its own folder; the task's file may see other packages.
    if (!caller || (error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    return import(pathToFileURL(createRequire(caller).resolve(specifier)).href);
  }
}

/** What `import.meta` is in the task's own file (as far as a worker can know it). */
function importMeta(caller: string | undefined): Record<string, unknown> {
  if (!caller?.startsWith("file:")) return { url: caller };
  const filename = fileURLToPath(caller);
  return {
    url: caller,
    filename,
    dirname: dirname(filename),
    resolve: (specifier: string) =>
      /^\.{0,2}\//.test(specifier)
        ? new URL(specifier, caller).href
        : pathToFileURL(createRequire(caller).resolve(specifier)).href,
  };
}
