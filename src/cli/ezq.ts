#!/usr/bin/env node
/**
 * The `ezq` command. `ezq worker [url] [--concurrency N] [--kind thread|process]` starts an
 * agent that serves `map(..., { cluster })` and `run.with({ cluster })` from the Redis
 * server at `url` (default `EZQ_REDIS_URL`, then redis://127.0.0.1:6379) on a warm pool of
 * N workers (default: the CPUs). It refuses to start without `EZQ_SECRET`.
 */
import "../index.js";
import { CONTEXT_NAMES, type ContextName, NUM_CPUS } from "../constants.js";
import { resolveTarget } from "../redis/url.js";
import { startAgent } from "./agent.js";

const USAGE = `usage: ezq worker [url] [--concurrency N] [--kind thread|process]

Serves map(..., { cluster }) and run.with({ cluster }) from Redis on a local pool.
  url            redis://[user:password@]host[:port][/db] or rediss:// (default EZQ_REDIS_URL,
                 then redis://127.0.0.1:6379)
  --concurrency  workers in the pool (default ${NUM_CPUS}, the CPUs)
  --kind         thread (default) or process
Needs EZQ_SECRET (at least 32 bytes), the same as the callers'.`;

function fail(message: string): never {
  process.stderr.write(`ezq: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv: string[]): { url?: string; concurrency: number; kind: ContextName } {
  let url: string | undefined;
  let concurrency = NUM_CPUS;
  let kind: ContextName = "thread";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith("--") ? arg.split("=", 2) : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    if (flag === "--concurrency") {
      concurrency = Number(value());
      if (!Number.isInteger(concurrency) || concurrency < 1)
        fail("--concurrency must be a whole number >= 1");
    } else if (flag === "--kind") {
      const k = value();
      if (!CONTEXT_NAMES.includes(k as ContextName))
        fail(`--kind must be thread or process, not ${k}`);
      kind = k as ContextName;
    } else if (flag === "--help" || flag === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (!arg.startsWith("-") && url === undefined) {
      url = arg;
    } else {
      fail(`unknown argument ${arg}`);
    }
  }
  return { url, concurrency, kind };
}

const [command, ...rest] = process.argv.slice(2);
if (command !== "worker") fail(command ? `unknown command ${command}` : "missing command");
const options = parse(rest);
const log = (line: string) => process.stderr.write(`ezq worker: ${line}\n`);
try {
  const agent = startAgent({
    ...options,
    target: resolveTarget("ezq worker url", options.url),
    log,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log("stopping: finishing the jobs it holds");
    void agent.stop().then(() => process.exit(0));
    // A server that is gone cannot be told goodbye: leave anyway (what it held comes back).
    setTimeout(() => process.exit(0), 15_000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
