/**
 * A task's source reaches the worker byte for byte: text that looks like `import(` in
 * strings, templates, comments, regexes and property names stays as written, and only real
 * `import()` calls and `import.meta` are routed to the task's own file.
 */
import { closePools, map, runThread } from "ezq";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

afterAll(() => closePools());

/** A function made from source text at run time: vitest does not transform it. */
function taskFrom<F>(source: string, ...shims: [name: string, value: unknown][]): F {
  const names = shims.map(([name]) => name);
  return new Function(...names, `return (${source});`)(...shims.map(([, value]) => value)) as F;
}

describe("a task's text", () => {
  it("keeps `import(` inside strings and templates", async () => {
    const y = "ignored";
    expect(await runThread(() => ["import(x)", `import(y)`, `import(${"z"})`]).join()).toEqual([
      "import(x)",
      "import(y)",
      "import(z)",
    ]);
    expect(y).toBe("ignored");
  });

  it("keeps a method named import", async () => {
    const task = () => {
      const shapes = {
        import(x: number) {
          return x * 2;
        },
      };
      class Loader {
        import(name: string) {
          return `loaded ${name}`;
        }
      }
      return [shapes.import(21), new Loader().import("a")];
    };
    expect(await runThread(task).join()).toEqual([42, "loaded a"]);
  });

  it("keeps everything but the import keyword, byte for byte (property)", async () => {
    const tricky = fc.constantFrom(
      "import(",
      "import (x)",
      "import(`y`)",
      "import.meta",
      "import . meta",
      "__name(",
      "__ezq_",
      "__vite_ssr_dynamic_import__(",
      "__vite_ssr_import_0__.x",
      "*/",
      "//",
      "${",
      "`",
      "'",
      '"',
      "\\",
      "/",
      "\n",
      "ü€😀",
    );
    const text = fc
      .array(fc.oneof(tricky, fc.string({ maxLength: 4 })), { maxLength: 6 })
      .map((parts) => parts.join(""));
    const holder = fc.oneof(
      text.map((t) => JSON.stringify(t)),
      text.map((t) => `'${t.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`),
      text.map(
        (t) => `\`${t.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${")}\``,
      ),
      text.map((t) => `\`a\${${JSON.stringify(t)}}b\``),
      text.map(
        (t) =>
          `/(?:${t.replace(/[\\/()[\]{}.*+?^$|\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))})/u.source`,
      ),
      text.map((t) => `(/* ${t.replace(/\*\//g, "* /")} */ 1)`),
      text.map((t) => `(1 // ${t.replace(/\n/g, " ")}\n)`),
      text.map((t) => `({ ${JSON.stringify(t)}: 1, import: 2, __name: 3, meta: 4 })`),
      fc.constant("({ import(x) { return x; } }).import(7)"),
      fc.constant("new (class { import() { return 8; } })().import()"),
      fc.constant("10 / 2 / 5"),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(holder, { minLength: 1, maxLength: 4 }), async (holders) => {
        const source = `function self() {\n  return [${holders.join(",\n    ")}, self.toString()];\n}`;
        const task = taskFrom<(item: number) => unknown[]>(source);
        const [inWorker] = await map(task, [0], { kind: "thread" });
        expect(inWorker).toEqual(task(0));
        expect((inWorker as string[]).at(-1)).toBe(source);
      }),
      { numRuns: 60 },
    );
  });

  it("routes real import() calls to the task's own file, wherever they are", async () => {
    const task = taskFrom<() => Promise<unknown[]>>(
      `async () => {
        const { double } = await import("./fixtures/source-helper.ts");
        const path = await import /* the real thing */ ("node:path");
        return [double(21), path.basename("/a/import(b)"), "import('x')"];
      }`,
    );
    expect(await runThread(task).join()).toEqual([42, "import(b)", "import('x')"]);
  });
});

describe("a task that cannot be shipped", () => {
  it("is called a bound function or a native one, by name", () => {
    const anonymous = ((x: number) => x).bind(null);
    const named = function scale(x: number) {
      return x;
    }.bind(null);
    expect(() => runThread(anonymous, 1)).toThrow(
      /^runThread\(task\) is a bound function \(made with `\.bind\(\)`\): the source/,
    );
    expect(() => map(named, [1])).toThrow(
      /^map\(task\) is a bound function \(`scale\.bind\(\.\.\.\)`\)/,
    );
    expect(() => runThread(Math.max)).toThrow(/^runThread\(task\) is a native function \(max\)/);
    expect(() => runThread(anonymous, 1)).not.toThrow(/\(bound \)/);
  });
});

describe("tool shims in the worker", () => {
  it("tsx and esbuild (keepNames): __name(fn, name)", async () => {
    const keepNames = (fn: object, name: string) =>
      Object.defineProperty(fn, "name", { value: name, configurable: true });
    const task = taskFrom<(x: number) => unknown[]>(
      `(x) => { const f = __name(() => x * 2, "twice"); function g() {} __name(g, "g"); return [f(), f.name, g.name]; }`,
      ["__name", keepNames],
    );
    expect(task(1)).toEqual([2, "twice", "g"]);
    expect(await runThread(task, 4).join()).toEqual([8, "twice", "g"]);
  });

  it("vitest: __vite_ssr_dynamic_import__(specifier), relative to the task's file", async () => {
    const task = taskFrom<() => Promise<number>>(
      `async () => (await __vite_ssr_dynamic_import__("./fixtures/source-helper.ts")).double(5)`,
      ["__vite_ssr_dynamic_import__", () => Promise.resolve({ double: (x: number) => x * 2 })],
    );
    expect(await runThread(task).join()).toBe(10);
  });

  it("vitest: __vite_ssr_import_meta__ is the task file's import.meta", async () => {
    // vitest compiles `import.meta` in this file to __vite_ssr_import_meta__.
    const seen = await runThread(() => [import.meta.url, import.meta.filename]).join();
    expect(seen).toEqual([import.meta.url, import.meta.filename]);
  });
});
