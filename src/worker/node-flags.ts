/**
 * What a child needs to load ezq's worker entry. From the build, nothing; when ezq itself
 * runs from TypeScript source (under vitest or tsx), the entry is a `.ts` file: threads load
 * it through a tiny bootstrap that registers tsx first, and processes get `--import tsx`.
 */
import { createRequire } from "node:module";
import { FROM_SOURCE, WORKER_ENTRY } from "../paths.js";

const require = createRequire(import.meta.url);

/** Flags a child process inherits, minus those that would make it run something else. */
export function childExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (
      ["-e", "-p", "--eval", "--print", "-r", "--require", "--import", "--loader"].includes(arg)
    ) {
      const next = argv[++i] as string;
      // Loaders (tsx among them) are kept; code to evaluate is not.
      if (["-r", "--require", "--import", "--loader"].includes(arg)) out.push(arg, next);
      continue;
    }
    if (/^--(input-type|eval|print|inspect|debug|test|watch)/.test(arg)) continue;
    out.push(arg);
  }
  if (FROM_SOURCE && !out.some((arg) => arg.includes("tsx"))) {
    out.push("--import", require.resolve("tsx"));
  }
  return out;
}

/** Threads cannot load a `.ts` entry on Node 20: register tsx in the thread, then import it. */
export function tsxBootstrap(): string {
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(WORKER_ENTRY.href);
  return `import(${api}).then((m) => { (m.register ?? m.default.register)(); return import(${entry}); });`;
}
