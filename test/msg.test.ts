import { readFileSync } from "node:fs";
import * as ezq from "ezq";
import { END_MSG, Msg } from "ezq";
import { describe, expect, it } from "vitest";

describe("Msg", () => {
  it("defaults to undefined data, empty kind and order 0", () => {
    const msg = new Msg();
    expect(msg).toMatchObject({ data: undefined, kind: "", order: 0 });
  });

  it("keeps data, kind and order", () => {
    expect(new Msg({ a: 1 }, { kind: "job", order: 7 })).toMatchObject({
      data: { a: 1 },
      kind: "job",
      order: 7,
    });
  });

  it("refuses a kind that is not a string and an order that is not an integer", () => {
    expect(() => new Msg(1, { kind: 3 as never })).toThrow(/Msg kind must be a string, received 3/);
    expect(() => new Msg(1, { order: 1.5 })).toThrow(RangeError);
    expect(() => new Msg(1, { order: "1" as never })).toThrow(
      /Msg order must be an integer, received "1"/,
    );
  });

  it("END_MSG is a frozen message of kind END", () => {
    expect(END_MSG).toBeInstanceOf(Msg);
    expect(END_MSG.kind).toBe("END");
    expect(Object.isFrozen(END_MSG)).toBe(true);
  });
});

describe("constants", () => {
  it("mirror Python's", async () => {
    const os = await import("node:os");
    expect(ezq.NUM_CPUS).toBe(os.availableParallelism());
    expect(ezq.NUM_THREADS).toBe(Math.min(32, ezq.NUM_CPUS + 4));
    expect(ezq.IS_MACOS).toBe(process.platform === "darwin");
  });

  it("version matches package.json, and the CHANGELOG has its release notes", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(ezq.version).toBe(pkg.version);
    const changelog = readFileSync(new URL("../CHANGELOG.md", import.meta.url), "utf8");
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toMatch(
      new RegExp(`^## \\[${pkg.version.replaceAll(".", "\\.")}\\] - \\d{4}-\\d{2}-\\d{2}$`, "m"),
    );
  });
});
