/**
 * The packed tarball works where users put it: installed into an empty project, the
 * quick start runs under plain node (compiled JS), under tsx, inside a vitest test, and
 * from CommonJS; publint and are-the-types-wrong find nothing wrong with it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runScript, TSX } from "./support/run-script.js";

let project: string;
let tarball: string;
const BIN = `${ROOT}node_modules/.bin/`;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "ezq-package-"));
  // npm test has just built dist/: packing skips prepack's second build.
  const packed = await runScript(
    "npm",
    ["pack", "--ignore-scripts", "--pack-destination", project],
    { deadlineMs: 120_000 },
  );
  expect(packed.code, packed.stderr).toBe(0);
  tarball = readdirSync(project).find((name) => name.endsWith(".tgz")) as string;
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "try-ezq", private: true, type: "module" }),
  );
  const installed = await runScript(
    "npm",
    [
      "install",
      `./${tarball}`,
      "vitest@4.1.12",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
    ],
    { cwd: project, deadlineMs: 120_000 },
  );
  expect(installed.code, installed.stderr).toBe(0);
}, 240_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

const quickstartJs = `import * as ezq from "ezq";
console.log(await ezq.map((x) => x * 2, [0, 1, 2, 3, 4, 5]));
const worker = ezq.run(async (q) => { let n = 0; for await (const msg of q) n += msg.data; return n; }, new ezq.Q().put(1).put(2).end());
console.log(await worker.join());
console.log(await ezq.runThread((a, b) => a + b, 20, 22).join());
`;

describe("the packed package", () => {
  it("ships only the build, README, CHANGELOG and LICENSE", () => {
    const names = readdirSync(join(project, "node_modules", "ezq"));
    expect(names.sort()).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "dist", "package.json"]);
  });

  it("runs the quick start under plain node from compiled JS", async () => {
    writeFileSync(join(project, "quickstart.mjs"), quickstartJs);
    const result = await runScript(process.execPath, ["quickstart.mjs"], { cwd: project });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("[ 0, 2, 4, 6, 8, 10 ]\n3\n42\n");
  });

  it("runs the quick start under tsx", async () => {
    writeFileSync(
      join(project, "quickstart.ts"),
      `import type { Q } from "ezq";\n${quickstartJs.replace("async (q)", "async (q: Q<number>)")}`,
    );
    const result = await runScript(TSX, ["quickstart.ts"], { cwd: project });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("[ 0, 2, 4, 6, 8, 10 ]\n3\n42\n");
  });

  it("runs TypeScript modules in threads and processes under tsx (and the README's fromModule example)", async () => {
    const readme = readFileSync(`${ROOT}README.md`, "utf8");
    const block = (name: string) =>
      new RegExp(`\`\`\`ts ${name}\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1] as string;
    writeFileSync(join(project, "tasks.ts"), block("tasks.ts"));
    writeFileSync(join(project, "main.ts"), block("main.ts"));
    writeFileSync(
      join(project, "helper.ts"),
      "export const triple = (x: number): number => x * 3;\n",
    );
    writeFileSync(
      join(project, "typescript-tasks.ts"),
      `import { fromModule, run, runThread } from "ezq";
import type { wordCount } from "./tasks.ts";
const task = fromModule<typeof wordCount>(new URL("./tasks.ts", import.meta.url), "wordCount");
for (const start of [runThread, run]) {
  console.log(await start(task, "a b c").join());
  console.log(await start(async (x: number) => (await import("./helper.ts")).triple(x), 2).join());
}
`,
    );
    const result = await runScript(TSX, ["typescript-tasks.ts"], { cwd: project });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("3\n6\n3\n6\n");
    const example = await runScript(TSX, ["main.ts"], { cwd: project });
    expect(example.stderr).toBe("");
    const expected = [...block("main.ts").matchAll(/\/\/ => (.*)$/gm)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThan(0);
    expect(example.stdout.trim().split("\n")).toEqual(expected);
  });

  it("runs from CommonJS with require (Node 20.19+ loads ES modules from require)", async () => {
    writeFileSync(
      join(project, "quickstart.cjs"),
      `const ezq = require("ezq");\n(async () => {\n${quickstartJs.split("\n").slice(1).join("\n")}})();\n`,
    );
    const result = await runScript(process.execPath, ["quickstart.cjs"], { cwd: project });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("[ 0, 2, 4, 6, 8, 10 ]\n3\n42\n");
  });

  it("runs inside a vitest test of the user's project", async () => {
    writeFileSync(
      join(project, "quickstart.test.mjs"),
      `import { expect, test } from "vitest";
import * as ezq from "ezq";
test("ezq in vitest", async () => {
  expect(await ezq.map((x) => x * 2, [0, 1, 2])).toEqual([0, 2, 4]);
  const q = new ezq.Q().put(5).end();
  expect(await ezq.runThread(async (q) => { let n = 0; for await (const m of q) n += m.data; return n; }, q).join()).toBe(5);
});
`,
    );
    const result = await runScript(
      join(project, "node_modules/.bin/vitest"),
      ["run", "--root", project],
      {
        cwd: project,
      },
    );
    expect(result.stdout + result.stderr).toMatch(/1 passed/);
    expect(result.code).toBe(0);
  });

  it("passes publint and are-the-types-wrong", async () => {
    const publint = await runScript(`${BIN}publint`, [
      "--pack",
      "false",
      join(project, "node_modules/ezq"),
    ]);
    expect(publint.stdout).toMatch(/All good!/);
    expect(publint.code).toBe(0);
    // require("ezq") resolves to ESM, which Node loads since 20.19 (the README says so);
    // every other rule applies.
    const attw = await runScript(`${BIN}attw`, [
      join(project, tarball),
      "--ignore-rules",
      "cjs-resolves-to-esm",
    ]);
    expect(attw.stdout).toMatch(/No problems found/);
    expect(attw.code).toBe(0);
  });
});
