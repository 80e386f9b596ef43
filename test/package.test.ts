/**
 * The packed tarball works where users put it: installed into an empty project, the
 * quick start runs under plain node (compiled JS) and under tsx.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript, TSX } from "./support/run-script.js";

let project: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "ezq-package-"));
  const packed = await runScript("npm", ["pack", "--pack-destination", project], {
    deadlineMs: 120_000,
  });
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = readdirSync(project).find((name) => name.endsWith(".tgz"));
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "try-ezq", private: true, type: "module" }),
  );
  const installed = await runScript(
    "npm",
    ["install", `./${tarball}`, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
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
});
