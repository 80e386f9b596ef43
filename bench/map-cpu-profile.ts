/**
 * Where the time goes in `map` of 2,000 CPU tasks of ~1 ms on 2 workers: runs it under
 * `node --cpu-prof` (every thread is profiled) and prints each thread's top functions by
 * self time, in ms. Compare the workers' time in the task with the map's duration. Usage: npm run build && npx tsx bench/map-cpu-profile.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { calibrate, spinTask } from "./calibrate.js";

if (process.env.EZQ_PROFILED) {
  const { closePools, map } = await import("ezq");
  const spin = Number(process.env.EZQ_PROFILED);
  const inputs = Array.from({ length: 2000 }, () => ({ spin }));
  await map(spinTask, inputs.slice(0, 20), { num: 2 });
  const start = performance.now();
  await map(spinTask, inputs, { num: 2 });
  console.log(`map of 2,000 tasks: ${Math.round(performance.now() - start)} ms`);
  await closePools();
} else {
  const dir = mkdtempSync(join(tmpdir(), "ezq-profile-"));
  const output = execFileSync(
    process.execPath,
    ["--cpu-prof", `--cpu-prof-dir=${dir}`, ...process.execArgv, fileURLToPath(import.meta.url)],
    { env: { ...process.env, EZQ_PROFILED: String(calibrate()) }, encoding: "utf8" },
  );
  console.log(output.trim());
  for (const file of readdirSync(dir).sort()) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const nodes = new Map<number, { callFrame: { functionName: string } }>(
      profile.nodes.map((node: { id: number }) => [node.id, node]),
    );
    const self = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id: number, i: number) => {
      const name = nodes.get(id)?.callFrame.functionName || "(anonymous)";
      self.set(name, (self.get(name) ?? 0) + profile.timeDeltas[i]);
      total += profile.timeDeltas[i];
    });
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 4);
    const thread = file.split(".").slice(3, 5).join(".");
    console.log(
      `${thread} (${Math.round(total / 1000)} ms): ${top.map(([name, us]) => `${name} ${Math.round(us / 1000)} ms`).join(", ")}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
