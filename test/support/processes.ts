/** Looking at processes from tests: alive or not, and waiting for a condition. */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { TSX } from "./run-script.js";

/** Alive and not a zombie (an exited process its parent has not reaped yet). */
export function isRunning(pid: number): boolean {
  try {
    return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** The process exists at all, zombie or not: a zombie is a child nobody reaped. */
export function exists(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

/** A process's state and command line, for a failure message. */
export function describeProcess(pid: number): string {
  try {
    const state = /State:\s+(.*)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return `${pid} (${state}): ${cmdline}`;
  } catch {
    return `${pid} (gone while looking)`;
  }
}

/** The direct children of a process. */
export function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

/**
 * Starts `tsx fixture`, and resolves with the script's process (tsx runs the script in a
 * child node process) and the first line it prints, parsed as JSON.
 */
export async function startFixture(
  fixture: string,
): Promise<{ pids: number[]; line: unknown; kill: (signal: NodeJS.Signals) => void }> {
  const parent = spawn(process.execPath, [TSX, fixture], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let text = "";
    parent.stdout.on("data", (chunk: Buffer) => {
      text += chunk;
      if (text.includes("\n")) resolve(text.trim());
    });
    parent.once("exit", () => reject(new Error(`the fixture exited early: ${text}`)));
  });
  const pids = [...childrenOf(parent.pid as number), parent.pid as number];
  return {
    pids,
    line: JSON.parse(line),
    kill: (signal) => {
      for (const pid of pids) {
        try {
          process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
    },
  };
}
