/** Agents (`ezq worker`) started by tests: each a child process the test stops. */
import { type ChildProcess, spawn } from "node:child_process";
import { ROOT } from "../../support/run-script.js";

/** A secret for tests: 32 bytes of hex. */
export const TEST_SECRET = "0123456789abcdef0123456789abcdef";

/** A running agent and what it logged. */
export interface TestAgent {
  readonly process: ChildProcess;
  /** Its stderr so far. */
  log(): string;
  /** Resolves once its log matches `pattern`. */
  logged(pattern: RegExp): Promise<void>;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
}

/** Starts `ezq worker url ...args` with the test secret and fast heartbeats. */
export function startAgent(
  url: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): TestAgent {
  // node itself with tsx's loader, not the tsx command: one process, so a kill reaches the agent.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/ezq.ts", "worker", url, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, EZQ_SECRET: TEST_SECRET, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let text = "";
  const waiters: Array<[RegExp, () => void]> = [];
  child.stderr?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
    for (const [pattern, resolve] of [...waiters]) {
      if (pattern.test(text)) {
        waiters.splice(waiters.indexOf([pattern, resolve] as never), 1);
        resolve();
      }
    }
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    process: child,
    log: () => text,
    logged: (pattern) =>
      pattern.test(text)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push([pattern, resolve])),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
