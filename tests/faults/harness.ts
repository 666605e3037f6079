/**
 * Fault-test harness on top of src/testing (gateway and redis-server processes, ports, waiting): the fault
 * fixture and tokens, a tiny loopback TCP proxy that can cut or stall a client's network, and helpers to
 * freeze the simulator and compare the client's digest and alarm list with the gateway's.
 *
 * The client under test is the app's own client model (src/live/client.ts connectLive) running in Node with a
 * setTimeout frame scheduler — the same code the browser runs, without a browser.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectLive, type DirectLiveConnection, type LiveConnection } from "../../src/live/client";
import type { LayerId } from "../../src/protocol/data";
import type { Alarm } from "../../src/protocol/live";
import { makeFixture, writeFixture } from "../../src/testing/fixture";
import { roleTokens, startGateway as spawnGateway, until, type Gateway } from "../../src/testing";

export {
  freePort,
  hasPostgres,
  hasRedis,
  POSTGRES_URL,
  requireRedisInCi,
  sleep,
  startRedis,
  until,
  type RedisProc,
} from "../../src/testing";

const ROLES = roleTokens("fault");
export const OPERATOR = ROLES.operator;
export const INGEST = ROLES.ingest;
export const VIEWER = ROLES.viewer;
/** the RONGTWIN_TOKENS book of these tokens, for gateways started in-process */
export const TOKENS: unknown = JSON.parse(ROLES.json);

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
/** A gateway on the fault fixture; `kill` defaults to SIGKILL (a crash), SIGTERM is a clean shutdown. */
export interface GatewayProc extends Gateway {
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startGateway(port: number, env: Record<string, string> = {}): Promise<GatewayProc> {
  const gw = await spawnGateway({
    port,
    readyTimeoutMs: 60_000,
    env: {
      DATA_DIR: fixtureDir(),
      STATIC_DIR: "",
      SIM_SPEED: "120",
      SIM_SEED: "31",
      SIM_REPORT_MS: "400",
      LIVE_SOURCE: "both",
      NODE_ENV: "test",
      RONGTWIN_TOKENS: ROLES.json,
      SCENARIO_DB: join(tmpdir(), `rt-fault-${port}-${Date.now()}.db`),
      ...env,
    },
  });
  return Object.assign(gw, { kill: (signal: NodeJS.Signals = "SIGKILL") => gw.stop(signal) });
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
