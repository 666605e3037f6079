/**
 * Fault-test harness: real gateway child processes (`node --import tsx src/server/main.ts`), a real
 * redis-server when asked, a tiny loopback TCP proxy that can cut or stall a client's network, and helpers to
 * freeze the simulator and compare the client's digest and alarm list with the gateway's.
 *
 * The client under test is the app's own client model (src/live/client.ts connectLive) running in Node with a
 * setTimeout frame scheduler — the same code the browser runs, without a browser.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { connectLive, type DirectLiveConnection, type LiveConnection } from "../../src/live/client";
import type { LayerId } from "../../src/protocol/data";
import type { Alarm } from "../../src/protocol/live";
import { makeFixture, writeFixture } from "../integration/fixture";

export const OPERATOR = "fault-operator-token-0001";
export const INGEST = "fault-ingest-token-0001";
export const VIEWER = "fault-viewer-token-0001";
export const TOKENS = {
  tokens: [
    { token: OPERATOR, role: "operator", name: "fault-op" },
    { token: INGEST, role: "ingest", name: "fault-ingest" },
    { token: VIEWER, role: "viewer", name: "fault-viewer" },
  ],
  anonymous: "viewer",
};

export const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until<T>(f: () => T | Promise<T>, ms: number, what: string): Promise<NonNullable<T>> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < ms) {
    try {
      const v = await f();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await sleep(50);
  }
  throw new Error(
    `timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`,
  );
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

// ------------------------------------------------------------------------------------------------ test data
export const DATA = makeFixture({ sites: 400, datacentres: 6, chargers: 40, roads: 3, sensorsPerRoad: 8 }, 11);
export const IDS: Record<LayerId, string[]> = {
  sites: DATA.sites.map((s) => s.id),
  datacentres: DATA.datacentres.map((s) => s.id),
  chargers: DATA.chargers.map((s) => s.id),
  sensors: DATA.sensors.map((s) => s.id),
};
let dataDir: string | undefined;
export const fixtureDir = () => (dataDir ??= writeFixture(DATA));

// ------------------------------------------------------------------------------------------------ gateway process
export interface GatewayProc {
  proc: ChildProcess;
  port: number;
  url: string;
  log: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startGateway(port: number, env: Record<string, string> = {}): Promise<GatewayProc> {
  const log: string[] = [];
  const proc = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: fixtureDir(),
      STATIC_DIR: "",
      SIM_SPEED: "120",
      SIM_SEED: "31",
      SIM_REPORT_MS: "400",
      LIVE_SOURCE: "both",
      NODE_ENV: "test",
      RONGTWIN_TOKENS: JSON.stringify(TOKENS),
      SCENARIO_DB: join(tmpdir(), `rt-fault-${port}-${Date.now()}.db`),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (b: Buffer) => log.push(b.toString()));
  proc.stderr!.on("data", (b: Buffer) => log.push(b.toString()));
  let exited = false;
  proc.on("exit", () => (exited = true));
  await until(
    () => {
      if (exited) throw new Error(`gateway exited: ${log.join("")}`);
      return log.join("").includes("RongTwin running at");
    },
    60_000,
    `gateway on ${port} to start`,
  );
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    kill: (signal = "SIGKILL") =>
      new Promise<void>((res) => {
        if (exited) return res();
        proc.once("exit", () => res());
        proc.kill(signal);
      }),
  };
}

export const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;
export const post = (url: string, token: string, body: unknown = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

export async function gatewayDigest(url: string, layers: LayerId[]): Promise<string> {
  return (await getJson<{ digest: string }>(`${url}/api/digest?layers=${layers.join(",")}`)).digest;
}
export async function gatewayAlarms(url: string): Promise<Alarm[]> {
  return (await getJson<{ alarms: Alarm[] }>(`${url}/api/alarms`)).alarms;
}

/** Inject `n` critical alarms through the ingest API (distinct kinds so none replaces another); returns their kinds. */
export async function injectAlarms(
  url: string,
  tag: string,
  n: number,
  layer: LayerId = "chargers",
): Promise<string[]> {
  const kinds = Array.from({ length: n }, (_, k) => `fault-${tag}-${k}`);
  const r = await post(`${url}/api/ingest`, INGEST, {
    records: kinds.map((kind, k) => ({
      layer,
      id: IDS[layer][k % IDS[layer].length],
      ts: Date.now(),
      alarm: { kind, severity: "critical", text: `故障测试 ${tag} ${k}` },
    })),
  });
  if (r.status !== 200) throw new Error(`ingest failed ${r.status}: ${await r.text()}`);
  return kinds;
}

/**
 * Freeze the simulator, then wait until client digest == gateway digest AND every alarm the gateway holds is in
 * the client's list with the same cleared/acked state. Returns the agreed digest.
 */
export async function freezeAndCompare(
  c: LiveConnection,
  url: string,
  layers: LayerId[],
  ms = 20_000,
): Promise<{ digest: string; alarms: number }> {
  const r = await post(`${url}/api/sim/pause`, OPERATOR);
  if (r.status !== 200) throw new Error(`pause refused: ${r.status}`);
  let lastG = "";
  let lastMissing: string[] = [];
  try {
    return await until(
      async () => {
        const [g, ga] = [await gatewayDigest(url, layers), await gatewayAlarms(url)];
        lastG = g;
        const mine = new Map(c.store.getState().alarms.map((a) => [a.id, a]));
        lastMissing = ga
          .filter(
            (a) =>
              !mine.has(a.id) || mine.get(a.id)!.clearedAt !== a.clearedAt || mine.get(a.id)!.ackedAt !== a.ackedAt,
          )
          .map((a) => a.id);
        return g === c.digest() && lastMissing.length === 0 ? { digest: g, alarms: ga.length } : undefined;
      },
      ms,
      "client digest and alarms to equal the gateway's",
    );
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\n gateway: ${lastG}\n client:  ${c.digest()}\n alarms missing/different on client: ${lastMissing.slice(0, 5).join(", ")} (${lastMissing.length})`,
    );
  }
}
export const resume = (url: string) => post(`${url}/api/sim/resume`, OPERATOR);

export function liveClient(
  url: string,
  layers: LayerId[],
  extra: Partial<Parameters<typeof connectLive>[0]> = {},
): DirectLiveConnection {
  return connectLive({
    url,
    layers,
    ids: IDS,
    schedule: (cb) => void setTimeout(cb, 5),
    transports: ["websocket"],
    offlineAfterMs: 2000,
    ...extra,
  });
}

// ------------------------------------------------------------------------------------------------ TCP proxy
/**
 * Loopback TCP proxy between a client and a gateway:
 *   cut()      resets every connection and refuses new ones (a dropped network: both ends see the drop at once)
 *   restore()  accepts connections again
 *   stall()    keeps connections open but stops reading from the gateway (a client that cannot keep up: the
 *              gateway's send queue for it grows; kernel buffers are limited by small socket buffers)
 *   unstall()
 */
export class FaultProxy {
  private server?: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private refusing = false;
  private stalled = false;
  port = 0;
  constructor(private readonly targetPort: number) {}
  async start(port = 0): Promise<number> {
    this.server = createServer((down) => {
      if (this.refusing) return void down.destroy();
      const up = connect(this.targetPort, "127.0.0.1");
      const pair: [Socket, Socket] = [down, up];
      this.pairs.add(pair);
      down.pipe(up);
      up.pipe(down);
      if (this.stalled) up.pause();
      const end = () => {
        this.pairs.delete(pair);
        down.destroy();
        up.destroy();
      };
      down.on("error", end).on("close", end);
      up.on("error", end).on("close", end);
    });
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", () => r()));
    this.port = (this.server!.address() as { port: number }).port;
    return this.port;
  }
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  cut(): void {
    this.refusing = true;
    for (const [a, b] of this.pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.pairs.clear();
  }
  restore(): void {
    this.refusing = false;
  }
  stall(): void {
    this.stalled = true;
    for (const [down, up] of this.pairs) {
      up.unpipe(down);
      up.pause();
    }
  }
  unstall(): void {
    this.stalled = false;
    for (const [down, up] of this.pairs) {
      up.pipe(down);
      up.resume();
    }
  }
  get connections(): number {
    return this.pairs.size;
  }
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

// ------------------------------------------------------------------------------------------------ redis
export interface RedisProc {
  port: number;
  url: string;
  proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}
export async function startRedis(port: number, dir: string, persist = true): Promise<RedisProc> {
  // persist: append-only file on, so a stopped-and-restarted Redis keeps its streams (the production setting);
  // off: a restart comes back EMPTY (streams, checkpoint, epoch and leader lock gone)
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", persist ? "yes" : "no", "--dir", dir],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  let exited = false;
  proc.on("exit", () => (exited = true));
  await until(
    async () => {
      const c = createClient({ url, socket: { reconnectStrategy: false } });
      c.on("error", () => {});
      await c.connect();
      const pong = await c.ping();
      c.destroy();
      return pong === "PONG";
    },
    10_000,
    "redis-server",
  );
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

// ------------------------------------------------------------------------------------------------ PostgreSQL
/** the test PostgreSQL server (trust auth); override with TEST_POSTGRES_URL */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * Is the test PostgreSQL server reachable? In CI (CI=true) a missing server is an error (.ci/run starts one);
 * elsewhere the caller skips with a message naming it.
 */
export async function hasPostgres(what: string): Promise<boolean> {
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch (e) {
    const msg = `PostgreSQL at ${POSTGRES_URL} is not reachable (${(e as Error).message})`;
    if (process.env.CI === "true") throw new Error(`${what}: ${msg}; CI must start it (.ci/run)`);
    console.warn(`[${what}] SKIPPED: ${msg} (set CI=true to make this a failure)`);
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}
