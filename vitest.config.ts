import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests import "ezq" as users do, and get the TypeScript source.
    alias: { ezq: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // The type tests (test/*.test-d.ts) are checked by `tsc -p tsconfig.json`, the step of
    // npm test before this one: vitest's typecheck mode would run the same compiler again.
    globalSetup: ["test/support/no-leftovers.ts", "test/redis/support/notice.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    coverage: { provider: "v8", include: ["src/**"] },
  },
});
