/**
 * The structure of `src/`: layers import only downward (base <- transport <- codec <- redis <- queue
 * <- worker <- pool <- face <- cli), no import closes a cycle, and no module-level `let` holds
 * state that other modules reach behind each other's backs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  cycles,
  type Edge,
  importGraph,
  importsOf,
  layerOf,
  moduleLets,
  sourceFiles,
  upwardImports,
} from "./support/imports.js";
import { ROOT } from "./support/run-script.js";

const SRC = `${ROOT}src/`;

/**
 * The one import allowed to go up: a task's own `import("ezq")` is resolved by the worker
 * to the worker's instance of the public face (the same queues, the same parent link). It
 * is the user's import, made on the user's behalf, not a dependency of the worker layer.
 */
const TASK_IMPORT_OF_EZQ: Edge = {
  from: "worker/compile.ts",
  to: "index.ts",
  dynamic: true,
  typeOnly: false,
};
const isAllowed = (edge: Edge) =>
  edge.from === TASK_IMPORT_OF_EZQ.from && edge.to === TASK_IMPORT_OF_EZQ.to && edge.dynamic;
const show = (edge: Edge) =>
  `${edge.from} (${layerOf(edge.from)}) imports ${edge.to} (${layerOf(edge.to)})`;

describe("the architecture of src/", () => {
  const edges = importGraph(SRC);

  it("reads the imports of every file, into a known layer", () => {
    expect(edges.length).toBeGreaterThan(50);
    for (const file of sourceFiles(SRC)) expect(() => layerOf(file)).not.toThrow();
  });

  it("imports only downward: base <- transport <- codec <- redis <- queue <- worker <- pool <- face <- cli", () => {
    expect(
      upwardImports(edges)
        .filter((edge) => !isAllowed(edge))
        .map(show),
    ).toEqual([]);
  });

  // Types that refer to each other (a pool's calls, leases and members) are no cycle: they
  // are gone at run time, where a cycle decides which module runs first.
  it("has no import cycle at run time", () => {
    const runtime = edges.filter((edge) => !edge.typeOnly && !isAllowed(edge));
    expect(cycles(runtime).map((cycle) => cycle.join(" -> "))).toEqual([]);
  });

  it("keeps no module-level let", () => {
    const lets = sourceFiles(SRC).flatMap((file) =>
      moduleLets(file, readFileSync(`${SRC}${file}`, "utf8")),
    );
    expect(lets).toEqual([]);
  });
});

describe("the import check itself", () => {
  it("finds an import that goes up a layer", () => {
    const edges = importsOf("queue/q.ts", 'import { Worker } from "../worker/worker.js";\n');
    expect(upwardImports(edges).map(show)).toEqual([
      "queue/q.ts (queue) imports worker/worker.ts (worker)",
    ]);
  });

  it("finds a cycle through re-exports and dynamic imports, and tells type-only imports", () => {
    const edges = [
      ...importsOf("queue/a.ts", 'import { B } from "./b.js";\n'),
      ...importsOf("queue/b.ts", 'export { c } from "./c.js";\n'),
      ...importsOf("queue/c.ts", 'const a = await import("./a.js");\n'),
    ];
    expect(cycles(edges)).toEqual([["queue/a.ts", "queue/b.ts", "queue/c.ts", "queue/a.ts"]]);
    const typeOnly = importsOf("queue/d.ts", 'import type { B } from "./b.js";\n');
    expect(typeOnly).toEqual([
      { from: "queue/d.ts", to: "queue/b.ts", dynamic: false, typeOnly: true },
    ]);
  });

  it("reads multi-line, side-effect and re-export imports, and skips packages and comments", () => {
    const text = [
      "// import { x } from './commented.js';",
      "import {",
      "  a,",
      "  type B,",
      '} from "../codec/codec.js";',
      'import "./side-effect.js";',
      'import { readFileSync } from "node:fs";',
      'export * from "../errors.js";',
    ].join("\n");
    expect(importsOf("queue/q.ts", text).map((edge) => edge.to)).toEqual([
      "codec/codec.ts",
      "queue/side-effect.ts",
      "errors.ts",
    ]);
  });

  it("finds a module-level let", () => {
    expect(
      moduleLets("codec/codec.ts", "let current = null;\nfunction f() {\n  let local = 1;\n}\n"),
    ).toEqual(["codec/codec.ts: let current"]);
  });
});
