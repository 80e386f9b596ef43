/**
 * Where ezq's own files are. The build bundles modules into shared chunks, so a module
 * cannot find its siblings relative to itself; everything is found from the package root
 * (the nearest folder above this module that holds package.json) instead.
 */
import { existsSync } from "node:fs";
/** True when ezq runs from its TypeScript source (under vitest or tsx), not from `dist`. */
export const FROM_SOURCE = import.meta.url.endsWith(".ts");
function findRoot(from) {
    for (let dir = new URL(".", from);; dir = new URL("..", dir)) {
        if (existsSync(new URL("package.json", dir)))
            return dir;
        if (dir.pathname === "/")
            throw new Error(`ezq: no package.json above ${from.href}`);
    }
}
/** The package root, as a folder URL. */
export const PACKAGE_ROOT = findRoot(new URL(import.meta.url));
/** ezq's code folder (`src/` or `dist/`): stack frames inside it are not the caller's. */
export const CODE_ROOT = new URL(FROM_SOURCE ? "src/" : "dist/", PACKAGE_ROOT).href;
/** The file every worker runs. */
export const WORKER_ENTRY = new URL(FROM_SOURCE ? "src/worker/entry.ts" : "dist/worker/entry.js", PACKAGE_ROOT);
/** ezq's public module, as source and as build: a task that imports it gets its worker's instance. */
export const OWN_INDEX = ["src/index.ts", "dist/index.js"].map((path) => new URL(path, PACKAGE_ROOT).href);
