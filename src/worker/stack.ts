/**
 * Stack traces of inline tasks that name the caller's file and lines, as if the task had
 * run in place. The worker compiles a task as a "file" named after the caller's file and a
 * tag (`file:///app/main.ts?ezq-task=3`), its source starting at line 1, column 1, so its
 * frames give positions within the task. When the task's error reaches the parent, which
 * has the caller's module loaded, the parent finds where that source sits in the caller's
 * compiled script (through `node:inspector`), maps the position through the script's
 * source map (TypeScript lines under tsx or vitest), and drops ezq's and comlink's frames.
 *
 * Nothing here runs on the way to a task: the parent only remembers each task's source,
 * file and call site under a tag; the inspector work happens when an error arrives, once
 * per caller file (~40 ms), and then costs a lookup per frame.
 */
import { readFileSync } from "node:fs";
import { createRequire, findSourceMap, SourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import { PACKAGE_ROOT } from "../paths.js";

/** Where an inline task comes from: its source, the caller's file, and the call site. */
interface Origin {
  source: string;
  /** The caller's file as a URL (what the inspector and source maps know it by). */
  url: string;
  /** The caller's file as the caller's own stack frames print it (a path or a URL). */
  file: string;
  /** The caller's stack frame of the call that started the task. */
  site: string;
}

/** Where a task's source starts in its caller's compiled script, and that script's map. */
interface Placement {
  line: number;
  column: number;
  map: SourceMap | undefined;
}

/** Tags are remembered for this many distinct tasks (oldest forgotten first). */
const MAX_ORIGINS = 1000;
const origins = new Map<number, Origin>();
const tags = new Map<string, number>();
const placements = new Map<number, Placement | undefined>();
/** The next tag to give; an object, so that the module keeps no `let`. */
const tagCounter = { next: 1 };

/** The tag under which the worker names `source`'s frames (the same for the same task). */
export function rememberTask(source: string, origin: Omit<Origin, "source"> | undefined): number {
  if (!origin) return 0;
  const key = `${origin.site}\n${source}`;
  const known = tags.get(key);
  if (known) return known;
  const tag = tagCounter.next++;
  tags.set(key, tag);
  origins.set(tag, { source, ...origin });
  if (origins.size > MAX_ORIGINS) {
    const [oldest] = origins.keys();
    const forgotten = origins.get(oldest as number) as Origin;
    origins.delete(oldest as number);
    placements.delete(oldest as number);
    tags.delete(`${forgotten.site}\n${forgotten.source}`);
  }
  return tag;
}

const TASK_FILE = /^(.*)\?ezq-task=(\d+)$/;

/** The file name a worker gives the task tagged `tag` from `caller`. */
export function taskFile(caller: string | undefined, tag: number): string {
  return `${caller ?? "ezq:task"}?ezq-task=${tag}`;
}

/** A caller's file without the task tag: a task that starts a task is in the same file. */
export function untagged(file: string): string {
  return TASK_FILE.exec(file)?.[1] ?? file;
}

const FRAME = /^(\s+at (?:.*? \()?)(.+?):(\d+):(\d+)(\)?)$/;
const OWN_CODE = ["src/", "dist/"].map((folder) => new URL(folder, PACKAGE_ROOT));
const OWN_PREFIXES = OWN_CODE.flatMap((url) => [url.href, fileURLToPath(url)]);

/** True for a frame file inside ezq's code or comlink's: machinery, not the user's code. */
export function isMachinery(file: string): boolean {
  return (
    OWN_PREFIXES.some((prefix) => file.startsWith(prefix)) ||
    file.includes("/node_modules/comlink/")
  );
}

/**
 * Rewrites the stack of an error that came from a worker (and of its causes) so that its
 * task frames name the caller's file and lines, without ezq's frames.
 */
export function placeStack(error: unknown, depth = 0): void {
  if (!(error instanceof Error) || depth > 8) return;
  const stack = Object.getOwnPropertyDescriptor(error, "stack")?.value;
  if (typeof stack === "string") {
    const placed = place(stack);
    if (placed !== stack) {
      Object.defineProperty(error, "stack", { value: placed, configurable: true, writable: true });
    }
  }
  placeStack(error.cause, depth + 1);
  if (error instanceof AggregateError)
    for (const inner of error.errors) placeStack(inner, depth + 1);
}

function place(stack: string): string {
  const out: string[] = [];
  // Frames after a task frame wait: kept if another task frame follows (the task called
  // them), dropped if not (they are the worker running the task).
  let pending: string[] = [];
  let site: string | undefined;
  for (const line of stack.split("\n")) {
    if (!/^\s+at /.test(line)) {
      out.push(...pending, line);
      pending = [];
      continue;
    }
    const frame = FRAME.exec(line);
    const file = frame?.[2] ?? "";
    const task = TASK_FILE.exec(file);
    if (frame && task) {
      const tag = Number(task[2]);
      const where = locate(tag, Number(frame[3]), Number(frame[4]));
      out.push(...pending, where ? `${frame[1]}${where}${frame[5]}` : line);
      pending = [];
      site = origins.get(tag)?.site ?? site;
    } else if (!isMachinery(file)) {
      (site === undefined ? out : pending).push(line);
    }
  }
  if (site === undefined) out.push(...pending);
  else out.push(site);
  return out.join("\n");
}

/** `file:line:column` in the caller for a position within the task tagged `tag`. */
function locate(tag: number, line: number, column: number): string | undefined {
  const origin = origins.get(tag);
  if (!origin) return undefined;
  if (!placements.has(tag)) placements.set(tag, placement(origin));
  const start = placements.get(tag);
  if (!start) return undefined;
  const generatedLine = start.line + line - 1;
  const generatedColumn = line === 1 ? start.column + column - 1 : column - 1;
  const entry = start.map?.findEntry(generatedLine, generatedColumn) as
    | { originalLine?: number; originalColumn?: number }
    | undefined;
  if (entry?.originalLine !== undefined && entry.originalColumn !== undefined) {
    return `${origin.file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  }
  return start.map ? undefined : `${origin.file}:${generatedLine + 1}:${generatedColumn + 1}`;
}

function placement(origin: Origin): Placement | undefined {
  const script = compiledScript(origin.url, origin.source);
  if (!script) return undefined;
  const map = script.map();
  // The same text may be there more than once: take the one at or after the call site.
  const siteLine = Number(/:(\d+):\d+\)?$/.exec(origin.site)?.[1] ?? 1) - 1;
  let best: Placement | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let offset = script.text.indexOf(origin.source); offset >= 0; ) {
    const before = script.text.slice(0, offset);
    const line = before.split("\n").length - 1;
    const start = { line, column: offset - (before.lastIndexOf("\n") + 1), map };
    const entry = map?.findEntry(start.line, start.column) as { originalLine?: number } | undefined;
    const original = entry?.originalLine ?? line;
    const distance = original >= siteLine ? original - siteLine : siteLine - original + 1e6;
    if (distance < bestDistance) [best, bestDistance] = [start, distance];
    offset = script.text.indexOf(origin.source, offset + 1);
  }
  return best;
}

interface Script {
  text: string;
  map(): SourceMap | undefined;
}

/** The caller's scripts as the engine runs them (compiled by tsx or vitest), per file. */
const scripts = new Map<string, string[]>();

/** The compiled script of `url` that holds `source`, and its source map. */
function compiledScript(url: string, source: string): Script | undefined {
  let texts = scripts.get(url);
  if (!texts) {
    texts = loadedScripts(url);
    scripts.set(url, texts);
  }
  const text = texts.find((candidate) => candidate.includes(source));
  if (text === undefined) return undefined;
  let map: SourceMap | undefined | null = null;
  return {
    text,
    map: () => {
      if (map === null) map = sourceMapOf(text, url);
      return map;
    },
  };
}

/**
 * The texts of every script loaded from `url`, through the inspector (the only place a
 * script compiled in memory by a loader can be read back); the file itself without it.
 */
function loadedScripts(url: string): string[] {
  const path = url.startsWith("file:") ? fileURLToPath(url) : url;
  const texts: string[] = [];
  try {
    const { Session } = createRequire(import.meta.url)(
      "node:inspector",
    ) as typeof import("node:inspector");
    const session = new Session();
    session.connect();
    const ids: string[] = [];
    try {
      // The session answers synchronously: every loaded script is announced during enable.
      session.on("Debugger.scriptParsed", ({ params }) => {
        if (params.url === url || params.url === path) ids.push(params.scriptId);
      });
      session.post("Debugger.enable");
      for (const scriptId of ids) {
        session.post("Debugger.getScriptSource", { scriptId }, (error, result) => {
          if (!error) texts.push(result.scriptSource);
        });
      }
      session.post("Debugger.disable");
    } finally {
      session.disconnect();
    }
  } catch {
    // No inspector in this build of Node: plain JavaScript is what is on disk.
  }
  if (texts.length === 0) {
    try {
      texts.push(readFileSync(path, "utf8"));
    } catch {}
  }
  return texts;
}

const INLINE_MAP =
  /\/\/# sourceMappingURL=data:application\/json[^,]*;base64,([A-Za-z0-9+/=]+)\s*/g;

/** The script's own inline source map, or the one Node keeps for its file, if any. */
function sourceMapOf(text: string, url: string): SourceMap | undefined {
  const inline = [...text.matchAll(INLINE_MAP)].pop()?.[1];
  if (inline) {
    try {
      return new SourceMap(JSON.parse(Buffer.from(inline, "base64").toString("utf8")));
    } catch {}
  }
  return findSourceMap(url) ?? findSourceMap(url.startsWith("file:") ? fileURLToPath(url) : url);
}
