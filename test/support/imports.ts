/**
 * The import graph of `src/`, read from the import statements themselves (no bundler, no
 * type checker): enough to hold the layers to their order and to find cycles.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/** The layers, lowest first: a file may import its own layer and those below it. */
export const LAYERS = [
  "base",
  "transport",
  "codec",
  "redis",
  "queue",
  "worker",
  "pool",
  "face",
  "cli",
] as const;
export type Layer = (typeof LAYERS)[number];

/** One import of one ezq file by another, both relative to `src/`. */
export interface Edge {
  from: string;
  to: string;
  /** `import("...")` at run time rather than a static import. */
  dynamic: boolean;
  /** `import type` / `export type`: gone at run time. */
  typeOnly: boolean;
}

/** The layer of a file (a path relative to `src/`): its folder, or base / face at the top. */
export function layerOf(file: string): Layer {
  if (file === "index.ts") return "face";
  const folder = file.includes("/") ? file.slice(0, file.indexOf("/")) : "base";
  if (!(LAYERS as readonly string[]).includes(folder)) {
    throw new Error(`${file}: the folder ${folder}/ is in no layer; add it to LAYERS`);
  }
  return folder as Layer;
}

/** Every `.ts` file under `root`, relative to it. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) out.push(relative(root, path));
    }
  };
  walk(root);
  return out.sort();
}

const STATIC = /^\s*(?:import|export)\s+(type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** The imports of one file's source text that lead to other ezq files. */
export function importsOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  const add = (specifier: string, dynamic: boolean, typeOnly: boolean) => {
    if (!specifier.startsWith(".")) return; // node: built-ins and packages
    const to = normalize(join(dirname(file), specifier)).replace(/\.js$/, ".ts");
    edges.push({ from: file, to, dynamic, typeOnly });
  };
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  for (const match of code.matchAll(STATIC)) add(match[2] as string, false, match[1] !== undefined);
  for (const match of code.matchAll(DYNAMIC)) add(match[1] as string, true, false);
  return edges;
}

/** Every import between the files under `root`. */
export function importGraph(root: string): Edge[] {
  return sourceFiles(root).flatMap((file) =>
    importsOf(file, readFileSync(join(root, file), "utf8")),
  );
}

/** Imports that go up a layer. */
export function upwardImports(edges: Edge[]): Edge[] {
  return edges.filter(
    (edge) => LAYERS.indexOf(layerOf(edge.to)) > LAYERS.indexOf(layerOf(edge.from)),
  );
}

/** The cycles of the graph, each as the files around it (first file repeated at the end). */
export function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    path.push(file);
    for (const to of next.get(file) ?? []) {
      if (state.get(to) === "open") found.push([...path.slice(path.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of [...next.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

/**
 * Module-level `let` declarations: state that lives beside the functions that use it.
 * Template literals are skipped: code held as text (the watchdog's) is not this module's.
 */
export function moduleLets(file: string, text: string): string[] {
  const code = text.replace(/`[^`]*`/g, "``");
  return [...code.matchAll(/^(?:export\s+)?let\s+(\w+)/gm)].map(
    (match) => `${file}: let ${match[1]}`,
  );
}
