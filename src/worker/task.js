/**
 * Turning a task into something another context can run. An inline function is sent as
 * its source text (TypeScript is already plain JS at run time under tsx, vitest or a
 * build); a task that needs its module's imports is sent as a reference to an export.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { ArgumentTypeError, preview, TaskSourceError } from "../errors.js";
import { CODE_ROOT } from "../paths.js";
import { expectString } from "../validate.js";
const specs = new WeakMap();
/**
 * A task given by reference: the export `exportName` of the module at `moduleUrl`. Use it
 * for a task that needs its module's imports. The worker imports the module, which runs
 * its top-level code there, so keep tasks in a module without side effects.
 *
 * @example
 * ```ts
 * import type { resize } from "./tasks.js";
 * const task = fromModule<typeof resize>(new URL("./tasks.js", import.meta.url), "resize");
 * await run(task, "photo.png").join();
 * ```
 */
export function fromModule(moduleUrl, exportName = "default") {
    const href = moduleHref(moduleUrl);
    expectString("fromModule exportName", exportName);
    const stub = () => {
        throw new TaskSourceError(`${exportName} from ${href} is a task reference: run it with run, runThread or map`);
    };
    const spec = { module: href, export: exportName };
    specs.set(stub, spec);
    return stub;
}
/**
 * Checks a task and returns what a worker needs to run it. Throws at the call for
 * anything that cannot be shipped, saying what to pass instead.
 */
export function describeTask(task, what = "task") {
    if (typeof task !== "function") {
        throw new ArgumentTypeError(`${what} must be a function, received ${preview(task)}`);
    }
    const known = specs.get(task);
    if (known)
        return known;
    const source = Function.prototype.toString.call(task);
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
        throw new TaskSourceError(`${what} ${task.name ? `(${task.name}) ` : ""}is a bound or native function, whose source ` +
            "cannot be sent to a worker. Pass an arrow function or function expression, and give " +
            "what you bound as arguments: run((x) => f(x), value).");
    }
    if (/^class\b/.test(source)) {
        throw new TaskSourceError(`${what} is a class; pass a function that creates and uses it instead`);
    }
    try {
        new Function(`return (${source}\n);`);
    }
    catch {
        throw new TaskSourceError(`${what} (${task.name || "anonymous"}) is a method written in shorthand (\`name() {}\`), ` +
            "which cannot be rebuilt on its own in a worker. Write it as an arrow function or a " +
            "function expression (`{ name: (x) => ... }`), or give it by reference with fromModule().");
    }
    const spec = { source, name: task.name, caller: callerUrl() };
    specs.set(task, spec);
    return spec;
}
/** The file URL of the first stack frame outside ezq: where the task was written. */
function callerUrl() {
    const lines = new Error().stack?.split("\n").slice(1) ?? [];
    for (const line of lines) {
        const match = /((?:file:\/\/)?\/[^\s():]+):\d+:\d+\)?\s*$/.exec(line);
        if (!match?.[1])
            continue;
        const url = toUrl(match[1]);
        if (!url.startsWith(CODE_ROOT))
            return url;
    }
    return undefined;
}
/** A module location as a URL: a URL, a `file:` URL string or an absolute path. */
function moduleHref(location) {
    if (location instanceof URL)
        return location.href;
    if (typeof location === "string" && (location.startsWith("file:") || isAbsolute(location))) {
        return toUrl(location);
    }
    throw new ArgumentTypeError(`fromModule(moduleUrl) takes a URL, a file: URL or an absolute path, received ${preview(location)}; ` +
        'for a module next to yours use new URL("./tasks.js", import.meta.url)');
}
function toUrl(path) {
    return path.startsWith("file:") ? path : pathToFileURL(path).href;
}
