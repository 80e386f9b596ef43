/**
 * Names that tools insert into the code they compile, which a task's source carries into
 * the worker. The worker compiles each task with these as parameters, so the task finds
 * them there. One entry per tool; each is tested by name in test/task-source.test.ts.
 */

/** What a shim may be built from: the task's own `import()` and `import.meta`. */
export interface ShimContext {
  importer: (specifier: string) => Promise<unknown>;
  meta: ImportMeta | Record<string, unknown>;
}

const setName = <F extends object>(fn: F, name: string): F =>
  Object.defineProperty(fn, "name", { value: name, configurable: true });

/** Each shim's parameter name, and how to build its value. */
export const TOOL_SHIMS: ReadonlyArray<readonly [name: string, make: (c: ShimContext) => unknown]> =
  [
    // tsx and esbuild (keepNames): `function f() {}` inside a task becomes `__name(f, "f")`.
    ["__name", () => setName],
    // vitest: `await import("x")` inside a task becomes `__vite_ssr_dynamic_import__("x")`.
    ["__vite_ssr_dynamic_import__", (c) => c.importer],
    // vitest: `import.meta` inside a task becomes `__vite_ssr_import_meta__`.
    ["__vite_ssr_import_meta__", (c) => c.meta],
  ];
