/**
 * A task's error names the file that defined the task and the task's own lines (the
 * TypeScript lines, under vitest and under tsx), as if it had run in place, without ezq's
 * or comlink's frames.
 */
import { readFileSync } from "node:fs";
import { closePools, map, TaskScopeError } from "ezq";
import { afterAll, describe, expect, it } from "vitest";
import { KINDS } from "./support/kinds.js";
import { runScript, TSX } from "./support/run-script.js";

afterAll(() => closePools());

/** The 1-based line of this file that holds `marker` (written split, so this line does not). */
function lineOf(file: string, ...marker: string[]): number {
  const lines = readFileSync(new URL(file, import.meta.url), "utf8").split("\n");
  const line = lines.findIndex((text) => text.includes(marker.join("")));
  expect(line, `${marker.join("")} in ${file}`).toBeGreaterThanOrEqual(0);
  return line + 1;
}

/** The stack's frames: what follows the message. */
function frames(stack: string | undefined): string[] {
  return (stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
}

function expectNoMachinery(stack: string | undefined): void {
  for (const frame of frames(stack)) {
    expect(frame).not.toMatch(
      /src\/worker|dist\/|comlink|<anonymous>:|eval at|ezq-task|node:internal/,
    );
  }
}

const HERE = "./task-stack.test.ts";

describe.each(KINDS)("a %s task's error", (_kind, start) => {
  it("names this file and the line that threw, then the call that started the task", async () => {
    const error = (await start((x: number) => {
      const half = x / 2;
      if (half > 1) throw new RangeError(`too big: ${half}`); // @throw-line
      return half;
    }, 8)
      .join()
      .catch((e: unknown) => e)) as Error;
    const [first, second] = frames(error.stack);
    expect(first).toContain(`task-stack.test.ts:${lineOf(HERE, "@throw", "-line")}:`);
    expect(second).toContain(
      `task-stack.test.ts:${lineOf(HERE, "const error = (await start((x: number)")}:`,
    );
    expectNoMachinery(error.stack);
    expect(error.stack).toMatch(/^RangeError: too big: 4\n/);
  });

  it("names the lines of functions inside the task, and of its error's cause", async () => {
    const error = (await start(() => {
      const inner = () => {
        throw new Error("inner", { cause: new TypeError("the cause") }); // @inner-line
      };
      try {
        inner();
      } catch (e) {
        throw new Error("outer", { cause: e }); // @outer-line
      }
    })
      .join()
      .catch((e: unknown) => e)) as Error;
    expect(frames(error.stack)[0]).toContain(`:${lineOf(HERE, "@outer", "-line")}:`);
    const cause = error.cause as Error;
    expect(frames(cause.stack)[0]).toMatch(/at inner \(.*task-stack\.test\.ts:/);
    expect(frames(cause.stack)[0]).toContain(`:${lineOf(HERE, "@inner", "-line")}:`);
    expectNoMachinery(cause.stack);
    expect(frames((cause.cause as Error).stack)[0]).toContain(
      `:${lineOf(HERE, "@inner", "-line")}:`,
    );
  });

  it("keeps the frames between the task's own (a callback called by Array.map)", async () => {
    const error = (await start(() =>
      [1, 2].map((x) => {
        if (x === 2) throw new Error("in a callback"); // @callback-line
        return x;
      }),
    )
      .join()
      .catch((e: unknown) => e)) as Error;
    const [callback, arrayMap, task] = frames(error.stack);
    expect(callback).toContain(`:${lineOf(HERE, "@callback", "-line")}:`);
    expect(arrayMap).toMatch(/at Array\.map \(<anonymous>\)$/);
    expect(task).toContain("task-stack.test.ts:");
  });

  it("tells apart the same task text written twice, by the line that started it", async () => {
    const failure = (worker: { join(): Promise<unknown> }) =>
      worker.join().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    const first = await failure(start(() => JSON.parse("{"))); // @twice-1
    const second = await failure(start(() => JSON.parse("{"))); // @twice-2
    expect(frames(first?.stack)[1]).toContain(`test.ts:${lineOf(HERE, "@twice", "-1")}:`);
    expect(frames(second?.stack)[1]).toContain(`test.ts:${lineOf(HERE, "@twice", "-2")}:`);
  });

  it("points a TaskScopeError at the line that used the caller's variable", async () => {
    const rate = 2;
    const error = (await start((x: number) => {
      return x * rate; // @scope-line
    }, 1)
      .join()
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TaskScopeError);
    expect(frames(error.stack)[0]).toContain(
      `task-stack.test.ts:${lineOf(HERE, "@scope", "-line")}:`,
    );
    expectNoMachinery(error.stack);
  });
});

describe("a map task's error", () => {
  it("names this file and the line that threw", async () => {
    const error = (await map(
      (x: number) => {
        if (x === 3) throw new Error(`item ${x}`); // @map-line
        return x;
      },
      [1, 2, 3, 4],
    ).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(frames(error.stack)[0]).toContain(
      `task-stack.test.ts:${lineOf(HERE, "@map", "-line")}:`,
    );
    expectNoMachinery(error.stack);
  });
});

describe("under tsx, in a script", () => {
  it("names the script's TypeScript lines", async () => {
    const fixture = "./fixtures/task-stack.ts";
    const result = await runScript(TSX, ["test/fixtures/task-stack.ts"]);
    expect(result.stderr).toBe("");
    const [thread, process, mapped] = result.stdout.split(/\n\n/);
    for (const stack of [thread, process]) {
      const [check, task, site] = frames(stack);
      expect(check).toMatch(
        new RegExp(`at check \\(.*task-stack\\.ts:${lineOf(fixture, "// nested", " line")}:24\\)$`),
      );
      expect(task).toContain(`task-stack.ts:${lineOf(fixture, "return check", "(x)")}:12`);
      expect(site).toContain(
        `task-stack.ts:${lineOf(fixture, "const error: Error = await start(")}:`,
      );
      expectNoMachinery(stack);
    }
    expect(frames(mapped)[0]).toContain(`task-stack.ts:${lineOf(fixture, "// map", " line")}:`);
    expectNoMachinery(mapped);
  });
});
