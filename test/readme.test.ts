/**
 * Every TypeScript block of the README runs, and prints what its `// =>` comments say. The
 * blocks that show an example file are that file, to the letter (checked here), and
 * examples.test.ts runs each example and checks all it prints: they are not run twice.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT, runScript, TSX } from "./support/run-script.js";

const readme = readFileSync(`${ROOT}README.md`, "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
const examples = ["quickstart", "summer", "collatz", "words", "progress"].map((name) => {
  const source = readFileSync(`${ROOT}examples/${name}.ts`, "utf8");
  const body = source.startsWith("/**")
    ? source.slice(source.indexOf("*/") + 2).trimStart()
    : source;
  return { name, body };
});
const shown = new Set(examples.map((example) => example.body));

describe("README", () => {
  it("shows each example file as it is", () => {
    for (const { name, body } of examples) {
      expect(blocks, `README shows examples/${name}.ts`).toContain(body);
    }
  });

  const ownBlocks = blocks
    .map((code, i) => [i + 1, code] as const)
    .filter(([, code]) => !shown.has(code));
  it.each(ownBlocks)("block %i runs as shown", async (n, code) => {
    mkdirSync(`${ROOT}.tmp`, { recursive: true });
    const file = `.tmp/readme-${n}.ts`;
    writeFileSync(`${ROOT}${file}`, code);
    const result = await runScript(TSX, [file], { deadlineMs: 60_000 });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const expected = [...code.matchAll(/\/\/ => (.*)$/gm)].map((match) => match[1] as string);
    const printed = result.stdout.trim().split("\n");
    for (const line of expected) expect(printed).toContain(line);
  });
});
