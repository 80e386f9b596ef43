/**
 * A task that uses an import of its caller's module fails with a TaskScopeError that names
 * the import as the caller wrote it and shows how to import it inside the task.
 */
import { createHash } from "node:crypto";
import { readFile as read } from "node:fs/promises";
import os from "node:os";
import * as path from "node:path";
import { runThread, TaskScopeError } from "ezq";
import { describe, expect, it } from "vitest";
import { runScript, TSX } from "./support/run-script.js";

async function scopeError(worker: { join(): Promise<unknown> }): Promise<TaskScopeError> {
  const error = await worker.join().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TaskScopeError);
  return error as TaskScopeError;
}

describe("a task that uses the caller's import", () => {
  it("names a named import and shows how to import it in the task", async () => {
    const error = await scopeError(
      runThread((text: string) => createHash("sha1").update(text), "x"),
    );
    expect(error.variable).toBe("createHash");
    expect(error.imported).toEqual({
      from: "node:crypto",
      statement: 'const { createHash } = await import("node:crypto")',
    });
    expect(error.message).toContain(
      '`createHash` is imported by the caller\'s module from "node:crypto": import it inside the task instead (`const { createHash } = await import("node:crypto")`)',
    );
    expect(error.message).not.toContain("as an argument");
  });

  it("keeps the caller's alias, namespace and default import", async () => {
    const aliased = await scopeError(runThread(() => read("x")));
    expect(aliased.variable).toBe("read");
    expect(aliased.imported?.statement).toBe(
      'const { readFile: read } = await import("node:fs/promises")',
    );
    const namespace = await scopeError(runThread(() => path.basename("/a/b")));
    expect(namespace.variable).toBe("path");
    expect(namespace.imported?.statement).toBe('const path = await import("node:path")');
    const byDefault = await scopeError(runThread(() => os.cpus()));
    expect(byDefault.variable).toBe("os");
    expect(byDefault.imported?.statement).toBe('const { default: os } = await import("node:os")');
  });

  it("still says to pass a plain variable as an argument", async () => {
    const factor = 3;
    const error = await scopeError(runThread((x: number) => x * factor, 2));
    expect(error.variable).toBe("factor");
    expect(error.imported).toBeUndefined();
    expect(error.message).toMatch(/Pass `factor` as an argument/);
  });

  it("under tsx, names the import the same way", async () => {
    const result = await runScript(TSX, ["test/fixtures/task-scope.ts"]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim().split("\n")).toEqual([
      'thread createHash const { createHash } = await import("node:crypto")',
      'process createHash const { createHash } = await import("node:crypto")',
      'thread join const { join } = await import("node:path")',
    ]);
  });
});
