/**
 * The README's install line installs this package: the registry's `ezq` is an unrelated
 * package, so a bare `npm install ezq` would install that one.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/run-script.js";

const readme = readFileSync(`${ROOT}README.md`, "utf8");
const { name, version } = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
  name: string;
  version: string;
};
const install = /## Install\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
const commands = /```sh\n([\s\S]*?)```/.exec(install)?.[1]?.split("\n") ?? [];

describe("the README's install section", () => {
  it("installs this package from its packed tarball, not the registry's ezq", () => {
    const installs = commands.filter((line) => /^npm (install|i) /.test(line));
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) {
      expect(line).not.toMatch(/^npm (install|i)\s+ezq(@[^\s]*)?(\s|$)/);
      // What `npm pack` writes for this version of this package.
      expect(line).toContain(`${name}-${version}.tgz`);
    }
    expect(commands.some((line) => line.startsWith("npm pack"))).toBe(true);
  });

  it("says why, and that the import name stays ezq", () => {
    expect(install).toMatch(/unrelated package \(`ezq@0\.0\.1`\)/);
    expect(install).toContain('you import it as `"ezq"`');
  });
});
