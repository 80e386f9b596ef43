/** Runs a script in a child process with a deadline: for examples and lifecycle checks. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TSX = `${ROOT}node_modules/.bin/tsx`;

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` in `cwd`; rejects if it is still running after `deadlineMs`. */
export function runScript(
  command: string,
  args: string[],
  {
    cwd = ROOT,
    deadlineMs = 60_000,
    maxBuffer = 16 * 1024 * 1024,
  }: { cwd?: string; deadlineMs?: number; maxBuffer?: number } = {},
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, timeout: deadlineMs, killSignal: "SIGKILL", maxBuffer },
      (error, stdout, stderr) => {
        if (error && (error as { killed?: boolean }).killed) {
          reject(new Error(`${args.join(" ")} did not exit within ${deadlineMs} ms\n${stderr}`));
          return;
        }
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
