/**
 * The worker's side of task shipping: rebuild the function from its source with the
 * helpers that tools insert into compiled code (`__name` from tsx/esbuild's keepNames,
 * `__vite_ssr_dynamic_import__` from vitest), and route `import()` so that relative
 * specifiers resolve against the file the task was written in, and `"ezq"` is this
 * worker's own ezq (the same queues, the same parent link).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TaskScopeError, TaskSourceError } from "../errors.js";
import { OWN_INDEX } from "../paths.js";
import type { Task, TaskSpec } from "./task.js";

/** `import(` as a call, not `x.import(` or `importFoo(`. */
const IMPORT_CALL = /(?<![.\w$])import\s*\(/g;
const compiled = new Map<string, Task>();
const loading = new Map<string, Promise<Task>>();

const setName = <F extends object>(fn: F, name: string): F =>
  Object.defineProperty(fn, "name", { value: name, configurable: true });

/** The task for `spec`: synchronously when it was loaded before, else a promise. */
export function loadTask(spec: TaskSpec): Task | Promise<Task> {
  const key = "module" in spec ? `${spec.module}#${spec.export}` : `${spec.caller}\n${spec.source}`;
  const ready = compiled.get(key);
  if (ready) return ready;
  if (!("module" in spec)) {
    const task = compile(spec.source, spec.caller);
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

function compile(source: string, caller: string | undefined): Task {
  const importer = (specifier: string) => importFrom(specifier, caller);
  const factory = new Function(
    "__name",
    "__vite_ssr_dynamic_import__",
    "__ezq_import__",
    `"use strict";\nreturn (${source.replace(IMPORT_CALL, "__ezq_import__(")}\n);`,
  );
  return factory(setName, importer, importer) as Task;
}

async function importExport(moduleUrl: string, name: string): Promise<Task> {
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
  try {
    return await import(target);
  } catch (error) {
    // ezq resolves bare names from its own folder; the task's file may see other packages.
    if (!caller || (error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    return import(pathToFileURL(createRequire(caller).resolve(specifier)).href);
  }
}

/**
 * A `ReferenceError` raised by the task's own code for a name it does not define means
 * the task used something from the caller's scope: say so, and name it as the user wrote
 * it (vitest renames imports to `__vite_ssr_import_N__`).
 */
export function explainScopeError(error: unknown, spec: TaskSpec): unknown {
  if (!(error instanceof ReferenceError) || "module" in spec) return error;
  const match = /^(\S+) is not defined$/.exec(error.message);
  const firstFrame = error.stack?.split("\n").find((line) => line.trim().startsWith("at "));
  if (!match?.[1] || !firstFrame?.includes("<anonymous>")) return error;
  let name = match[1];
  const imported = new RegExp(`${name.replace(/\$/g, "\\$")}\\.(\\w+)`).exec(spec.source);
  if (/^__vite_ssr_import_\d+__$/.test(name) && imported?.[1]) name = imported[1];
  return new TaskScopeError(name, { cause: error });
}
