/** Start / stop a gateway child process for the bench (its own process group, killed by pid). */
import { spawn, type ChildProcess } from "node:child_process";

export interface GatewayProc {
  url: string;
  proc: ChildProcess;
  log: string[];
  stop(): Promise<void>;
}

const live = new Set<number>();
process.on("exit", () => {
  for (const pid of live)
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* gone */
    }
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));

export async function startGateway(
  port: number,
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<GatewayProc> {
  const log: string[] = [];
  const proc = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "development", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const keep = (b: Buffer) => {
    for (const l of b.toString().split("\n")) if (l.trim()) log.push(l);
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  if (proc.pid) live.add(proc.pid);
  proc.on("exit", () => {
    exited = true;
    if (proc.pid) live.delete(proc.pid);
  });
  const stop = async () => {
    if (exited || !proc.pid) return;
    try {
      process.kill(-proc.pid, "SIGTERM");
    } catch {
      /* gone */
    }
    for (let i = 0; i < 50 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
    if (!exited)
      try {
        process.kill(-proc.pid, "SIGKILL");
      } catch {
        /* gone */
      }
  };
  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`gateway exited during start:\n${log.slice(-10).join("\n")}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() - t0 > timeoutMs) {
      await stop();
      throw new Error(`gateway did not start in ${timeoutMs} ms:\n${log.slice(-10).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, proc, log, stop };
}

export function pct(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}
