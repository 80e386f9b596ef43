/**
 * es-module-lexer, loaded on first need: most tasks never need it, and a worker should not
 * pay for it at startup. Its first `parse` compiles its WebAssembly synchronously (~2 ms,
 * once per worker).
 */
import { createRequire } from "node:module";
import { Lazy } from "../lazy.js";

type Lexer = typeof import("es-module-lexer");

const lexer = new Lazy(() => createRequire(import.meta.url)("es-module-lexer") as Lexer);

/** es-module-lexer's `parse`. */
export function parseModule(source: string): ReturnType<Lexer["parse"]> {
  return lexer.get().parse(source);
}
