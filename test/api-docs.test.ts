/**
 * The API reference (TypeDoc) reads well: parameters have names and descriptions, and each
 * of `map`'s overloads says what it is for.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runScript } from "./support/run-script.js";

interface Reflection {
  name: string;
  comment?: { summary: { text: string }[] };
  signatures?: Reflection[];
  parameters?: Reflection[];
  children?: Reflection[];
}

let dir: string;
let api: Reflection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ezq-docs-"));
  const result = await runScript(
    `${ROOT}node_modules/.bin/typedoc`,
    ["--json", join(dir, "api.json")],
    {
      deadlineMs: 120_000,
    },
  );
  expect(result.code, result.stdout + result.stderr).toBe(0);
  api = JSON.parse(readFileSync(join(dir, "api.json"), "utf8")) as Reflection;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function find(path: string): Reflection {
  let node: Reflection | undefined = api;
  for (const name of path.split(".")) node = node?.children?.find((child) => child.name === name);
  expect(node, path).toBeDefined();
  return node as Reflection;
}

const text = (reflection: Reflection) =>
  reflection.comment?.summary.map((part) => part.text).join("") ?? "";

describe("the API reference", () => {
  it.each(["map", "fromModule", "Q.items", "Q.put", "Q.sorted", "Q.stop"])(
    "names and describes every parameter of %s",
    (path) => {
      for (const signature of find(path).signatures ?? []) {
        for (const parameter of signature.parameters ?? []) {
          expect(parameter.name).not.toBe("__namedParameters");
          expect(text(parameter), `${path}(${parameter.name})`).not.toBe("");
        }
      }
    },
  );

  it("describes each overload of map for what it is", () => {
    const [plain, withOptions] = find("map").signatures ?? [];
    expect(text(plain as Reflection)).toMatch(/^Applies `task`/);
    expect(text(withOptions as Reflection)).toMatch(/^`map` with options after the iterables/);
  });
});
