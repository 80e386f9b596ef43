/**
 * The one rewrite a task's source needs. `import(...)` and `import.meta` cannot be left as
 * they are: code compiled in the worker would resolve `import("./x.js")` against ezq's own
 * file, and `import.meta` is a syntax error outside a module. A lexer finds exactly those
 * tokens (not the same text inside strings, templates, comments, regexes or property
 * names), and each keyword is replaced by an identifier of the same length, so every other
 * byte, and every line and column, stays where the caller wrote it.
 */
import { parseModule } from "./lexer.js";

/**
 * Stands for the keyword `import` in `import(...)` and `import.meta`: a function that
 * imports as the task's own file would, whose `meta` is that file's `import.meta`.
 */
export const IMPORT = "__ezq_";

/** The task's source with the keyword of `import(...)` and `import.meta` replaced. */
export function rewriteImports(source: string): string {
  // Most tasks never mention the word: they need no lexer at all.
  if (!source.includes("import")) return source;
  // Wrapped in parentheses the function is an expression statement: what a module may hold.
  const [imports] = parseModule(`(${source}\n)`);
  let out = "";
  let from = 0;
  for (const found of imports) {
    if (found.type !== "dynamic" && found.type !== "import-meta") continue;
    const start = found.importStart - 1; // back to the task's own offsets
    out += source.slice(from, start) + IMPORT;
    from = start + "import".length;
  }
  return out + source.slice(from);
}
