/**
 * es-module-lexer, loaded on first need: most tasks never need it, and a worker should not
 * pay for it at startup. Its first `parse` compiles its WebAssembly synchronously (~2 ms,
 * once per worker).
 */
import { createRequire } from "node:module";

type Lexer = typeof import("es-module-lexer");

let loaded: Lexer | undefined;

/** es-module-lexer's `parse`. */
export function parseModule(source: string): ReturnType<Lexer["parse"]> {
  loaded ??= createRequire(import.meta.url)("es-module-lexer") as Lexer;
  return loaded.parse(source);
}
