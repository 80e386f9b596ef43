/**
 * Explaining a task that used a name from its caller's scope. The `ReferenceError` alone
 * says "x is not defined"; the useful answer depends on what `x` was in the caller's file.
 * When it was an import, the fix is to import it inside the task, and the error shows how.
 * The caller's file is read and lexed only then, when such an error happens.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TaskScopeError } from "../errors.js";
import { parseModule } from "./lexer.js";
import { taskFile } from "./stack.js";
import type { TaskSpec } from "./task.js";

/** How vitest renames a module's Nth import: `__vite_ssr_import_0__.createHash`. */
const VITE_IMPORT = /^__vite_ssr_import_(\d+)__$/;

/**
 * A `ReferenceError` raised by the task's own code for a name it does not define means
 * the task used something from the caller's scope: say so, and name it as the user wrote
 * it. Any other error is returned as it is.
 */
export function explainScopeError(error: unknown, spec: TaskSpec): unknown {
  if (!(error instanceof ReferenceError) || "module" in spec) return error;
  const match = /^(\S+) is not defined$/.exec(error.message);
  const frames = error.stack?.split("\n").filter((line) => /^\s+at /.test(line)) ?? [];
  if (!match?.[1] || !frames[0]?.includes(`${taskFile(spec.caller, spec.tag)}:`)) return error;
  const written = match[1];
  const vite = VITE_IMPORT.exec(written);
  // vitest keeps what follows the renamed import: `.createHash`, `.default`, or a namespace's member.
  const member = vite ? new RegExp(`${written}\\.([\\w$]+)`).exec(spec.source)?.[1] : undefined;
  const imported = findImport(spec.caller, vite ? { index: Number(vite[1]), member } : written);
  const name = imported?.local ?? member ?? written;
  const explained = new TaskScopeError(name, {
    cause: error,
    ...(imported && { imported: { from: imported.from, statement: imported.statement } }),
  });
  // The error is about the task's line, not about this function.
  explained.stack = [`${explained.name}: ${explained.message}`, ...frames].join("\n");
  return explained;
}

interface Binding {
  local: string;
  /** The exported name, `default`, or `*` for a namespace. */
  imported: string;
  from: string;
  /** Which of the module's runtime imports this is (the N of vitest's renaming). */
  index: number;
}

/** The import that binds the name the task used, in the caller's file, if it is one. */
function findImport(
  caller: string | undefined,
  used: string | { index: number; member: string | undefined },
): { local: string; from: string; statement: string } | undefined {
  let bindings: Binding[];
  try {
    bindings = importBindings(readFileSync(fileURLToPath(caller as string), "utf8"));
  } catch {
    return undefined;
  }
  let found: Binding | undefined;
  if (typeof used === "string") {
    found = bindings.find((binding) => binding.local === used);
  } else {
    const ofMember = bindings.filter((binding) => binding.imported === used.member);
    const namespaces = bindings.filter((binding) => binding.imported === "*");
    for (const candidates of [ofMember, namespaces]) {
      found =
        candidates.find((b) => b.index === used.index) ??
        (candidates.length === 1 ? candidates[0] : undefined);
      if (found) break;
    }
  }
  return found && { local: found.local, from: found.from, statement: importStatement(found) };
}

/** How to import `binding` inside the task. */
function importStatement({ local, imported, from }: Binding): string {
  const target = `await import(${JSON.stringify(from)})`;
  if (imported === "*") return `const ${local} = ${target}`;
  const key = /^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u.test(imported)
    ? imported
    : JSON.stringify(imported);
  return `const { ${imported === local ? local : `${key}: ${local}`} } = ${target}`;
}

/** The names a module's static imports bind, from its source (TypeScript or JavaScript). */
function importBindings(source: string): Binding[] {
  const [imports] = parseModule(source);
  const bindings: Binding[] = [];
  let index = 0;
  for (const found of imports) {
    if (found.type !== "static" || found.typeOnly) continue;
    const statement = source.slice(found.importStart, found.importEnd);
    const clause = /^import\s+([\s\S]*?)\s*from\s*["']/.exec(statement)?.[1];
    if (clause === undefined) {
      index++; // `import "x"` and `export ... from` count in vitest's numbering too
      continue;
    }
    const at = index++;
    const add = (local: string, imported: string) =>
      bindings.push({ local, imported, from: found.specifier, index: at });
    const namespace = /\*\s*as\s+([\w$]+)/.exec(clause);
    if (namespace?.[1]) add(namespace[1], "*");
    const named = /\{([\s\S]*)\}/.exec(clause);
    for (const part of named?.[1]?.split(",") ?? []) {
      const spec = /^\s*(?:type\s+)?([\w$]+|"[^"]*"|'[^']*')(?:\s+as\s+([\w$]+))?\s*$/.exec(part);
      if (!spec?.[1] || /^\s*type\s/.test(part)) continue;
      const imported = spec[1].replace(/^["']|["']$/g, "");
      add(spec[2] ?? imported, imported);
    }
    const first = /^([\w$]+)\s*(?:,|$)/.exec(clause.replace(/^type\s+/, ""));
    if (first?.[1]) add(first[1], "default");
  }
  return bindings;
}
