/**
 * A real redis-server for tests: whether one is installed, the CI rule for a missing one, and starting one on a
 * port of our own (append-only persistence on by default, as in production).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createClient } from "redis";
import { until } from "./wait";

export const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;

/** In CI a missing redis-server is a failure; on a laptop the suite is skipped with a message naming it. */
export function requireRedisInCi(suite: string, ci = process.env.CI === "true"): void {
  if (hasRedis) return;
  if (ci) throw new Error(`${suite}: redis-server is required in CI (apt-get install redis-server)`);
  console.warn(`[${suite}] SKIPPED: redis-server not installed (set CI=true to make this a failure)`);
}

export interface RedisProc {
  port: number;
  url: string;
  proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * persist: append-only file on, so a stopped-and-restarted Redis keeps its streams (the production setting);
 * off: a restart comes back EMPTY (streams, checkpoint, epoch and leader lock gone).
 */
export async function startRedis(port: number, dir: string, persist = true): Promise<RedisProc> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir];
  const proc = spawn("redis-server", [...args, "--appendonly", persist ? "yes" : "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  let exited = false;
  proc.on("exit", () => (exited = true));
  await until(() => ping(url), 10_000, `redis-server on ${port}`);
  return {
    port,
    url,
    proc,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((res) => {
        if (exited) return res();
        proc.once("exit", () => res());
        proc.kill(signal);
      }),
  };
}

async function ping(url: string): Promise<boolean> {
  const c = createClient({ url, socket: { reconnectStrategy: false } });
  c.on("error", () => {});
  await c.connect();
  const pong = await c.ping();
  c.destroy();
  return pong === "PONG";
}
