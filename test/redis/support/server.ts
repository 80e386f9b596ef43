/**
 * A redis-server of the tests' own: started on a free port in a temporary folder, so a
 * test can kill it and start it again. `EZQ_TEST_REDIS_URL` points the tests at another
 * server instead (tests that restart the server are then skipped). Where neither exists
 * the Redis tests are skipped, except under CI=true, where that is a failure.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const external = process.env.EZQ_TEST_REDIS_URL;
const hasBinary = !external && spawnSync("redis-server", ["--version"]).status === 0;

/** True when the Redis tests can run here. */
export const redisAvailable: boolean = Boolean(external) || hasBinary;

/** How to enable the Redis tests, said once. */
export const HOW_TO_ENABLE =
  "Redis tests skipped: install redis-server (apt-get install redis-server) or set EZQ_TEST_REDIS_URL";

/** A Redis server for tests. */
export interface TestRedis {
  readonly url: string;
  /** True when the tests started it (and may kill and restart it). */
  readonly own: boolean;
  /** Kills the server (SIGKILL) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("error", () => resolve(false));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.write("PING\r\n");
  });
}

/** Starts a server (or returns the external one); `aof`: appendonly with fsync always. */
export async function startRedis({ aof = false } = {}): Promise<TestRedis> {
  if (external) {
    return { url: external, own: false, restart: async () => {}, stop: async () => {} };
  }
  if (!hasBinary) throw new Error(HOW_TO_ENABLE);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "ezq-redis-"));
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    aof ? "yes" : "no",
    "--appendfsync",
    "always",
    "--daemonize",
    "no",
  ];
  let server: ChildProcess | undefined;
  const launch = async () => {
    server = spawn("redis-server", args, { stdio: "ignore" });
    for (let i = 0; i < 200 && !(await answers(port)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const kill = async () => {
    const current = server;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const gone = new Promise((resolve) => current.once("exit", resolve));
    current.kill("SIGKILL");
    await gone;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    own: true,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
