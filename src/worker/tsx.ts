/**
 * TypeScript in the threads of a parent run by tsx. Node 20 does not carry the module
 * hooks that tsx registers in the main thread over to worker threads, so a thread could
 * not import a `.ts` file (`Unknown file extension ".ts"`): neither a `fromModule` task
 * nor `await import("./helper.ts")` inside a task. A forked child inherits `--import tsx`
 * and needs nothing.
 *
 * A thread inherits its parent's Node flags, so it can tell that its parent runs under
 * tsx and which tsx. It registers that tsx itself, the way spawn.ts's bootstrap does for
 * ezq's own source, but only before it first imports something that is not built into
 * Node: registering costs ~300 ms per thread, which a task that imports nothing, or only
 * `node:` modules, should not pay.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";
import { Lazy } from "../lazy.js";
import { FROM_SOURCE } from "../paths.js";

/** Registering the parent's tsx in this thread: done once, when first needed. */
const registration = new Lazy((): Promise<void> | undefined => {
  const api = parentTsx();
  if (!api) return undefined;
  return import(api).then((tsx: { register?: () => void; default?: { register(): void } }) => {
    (tsx.register ?? tsx.default?.register)?.();
  });
});

/**
 * Settles when this thread can import `specifier` as its parent would: at once, except
 * in a thread of a parent run by tsx, which registers that tsx first (once).
 */
export function readyToImport(specifier: string): Promise<void> | undefined {
  if (registration.made) return registration.get();
  // The main thread has the hooks already; ezq's own source mode registers tsx at start.
  if (isMainThread || FROM_SOURCE || isBuiltin(specifier)) return undefined;
  return registration.get();
}

const LOADER_FLAGS = ["--import", "--loader", "--experimental-loader", "--require", "-r"];

/** tsx's `esm/api`, found from the tsx that the Node flags load (`tsx x.ts`, `--import tsx`). */
function parentTsx(): string | undefined {
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes("=") ? arg.split(/=(.*)/s) : [arg, undefined];
    if (!LOADER_FLAGS.includes(flag as string)) continue;
    const value = inline ?? argv[++i];
    const root = value ? tsxRoot(value) : undefined;
    if (root) return esmApi(root);
  }
  return undefined;
}

/** The folder of the tsx package that `specifier` (a flag's value) belongs to. */
function tsxRoot(specifier: string): string | undefined {
  try {
    if (specifier === "tsx" || specifier.startsWith("tsx/")) {
      // Node resolves a bare --import from the working directory.
      const manifest = createRequire(join(process.cwd(), "noop.js")).resolve("tsx/package.json");
      return dirname(manifest);
    }
    if (!/[/\\]tsx[/\\]/.test(specifier)) return undefined;
    let dir = dirname(specifier.startsWith("file:") ? fileURLToPath(specifier) : specifier);
    for (; dir !== dirname(dir); dir = dirname(dir)) {
      const manifest = join(dir, "package.json");
      if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "tsx") {
        return dir;
      }
    }
  } catch {
    // Not a tsx we can find: the thread imports as it would without it.
  }
  return undefined;
}

/** The file tsx's own package.json exports as `tsx/esm/api` for `import`. */
function esmApi(root: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const exported = manifest.exports?.["./esm/api"];
  const target = typeof exported === "string" ? exported : exported?.import?.default;
  return typeof target === "string" ? pathToFileURL(join(root, target)).href : undefined;
}
