/**
 * A gateway child process for tests, e2e, benches and tools: one launch style (`node --import tsx
 * src/server/main.ts`, no npx shell in between, so the pid is the gateway's) and one readiness check (GET
 * /api/health answers 200). Gateways still running when this process exits are killed, so a failed run leaves
 * no orphan holding a port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sleep } from "./wait";

/** the repository root: the gateway runs from here whatever the caller's working directory */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface GatewayOptions {
  port: number;
  /** the interface to listen on (default loopback only) */
  host?: string;
  /** added to this process's environment (PORT and HOST are set from `port` and `host`) */
  env?: Record<string, string>;
  /** extra node flags, e.g. ["--inspect=127.0.0.1:0"] */
  nodeArgs?: string[];
  /** how long the gateway may take to answer /api/health (ms) */
  readyTimeoutMs?: number;
  /** copy the gateway's output to this process's stdout/stderr (npm start); otherwise it is kept in `log` */
  inheritOutput?: boolean;
}

export interface Gateway {
  proc: ChildProcess;
  port: number;
  url: string;
  /** the gateway's last output lines (not kept with inheritOutput) */
  log: string[];
  readonly exited: boolean;
  /** send `signal` and wait for the exit; SIGTERM escalates to SIGKILL after 5 s */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const LOG_LINES = 2000;
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const p of running) p.kill("SIGKILL");
});

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", "src/server/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(opts.port), HOST: opts.host ?? "127.0.0.1", ...opts.env },
    stdio: opts.inheritOutput ? "inherit" : ["ignore", "pipe", "pipe"],
  });
  const gw = new GatewayProcess(proc, opts.port);
  try {
    await gw.waitReady(opts.readyTimeoutMs ?? 120_000);
  } catch (e) {
    await gw.stop("SIGKILL");
    throw e;
  }
  return gw;
}

class GatewayProcess implements Gateway {
  readonly url: string;
  readonly log: string[] = [];
  private done = false;
  private readonly exit: Promise<void>;

  constructor(
    readonly proc: ChildProcess,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    running.add(proc);
    this.exit = new Promise<void>((res) =>
      proc.once("exit", () => {
        this.done = true;
        running.delete(proc);
        res();
      }),
    );
    proc.stdout?.on("data", (b: Buffer) => this.keep(b));
    proc.stderr?.on("data", (b: Buffer) => this.keep(b));
  }

  get exited(): boolean {
    return this.done;
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      if (this.done) throw new Error(`gateway on ${this.port} exited during start:\n${this.tail()}`);
      if (await this.healthy()) return;
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`gateway on ${this.port} did not answer /api/health in ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(200);
    }
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.done) return;
    this.proc.kill(signal);
    const killed = await Promise.race([this.exit.then(() => true), sleep(5000).then(() => false)]);
    if (!killed) {
      this.proc.kill("SIGKILL");
      await this.exit;
    }
  }

  private async healthy(): Promise<boolean> {
    try {
      return (await fetch(`${this.url}/api/health`)).ok;
    } catch {
      return false;
    }
  }

  private keep(b: Buffer): void {
    for (const line of b.toString().split("\n")) if (line.trim()) this.log.push(line);
    if (this.log.length > LOG_LINES) this.log.splice(0, this.log.length - LOG_LINES);
  }

  private tail(): string {
    return this.log.slice(-20).join("\n");
  }
}
