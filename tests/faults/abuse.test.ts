/**
 * The abuse run: one anonymous client makes every resource attack from tests/security/limits.test.ts at once,
 * for ABUSE_SECONDS (default 60), against a real gateway process serving the full sample city (30,000 sites),
 * while a normal page-like client (the app's own live client) stays subscribed to every layer. Printed and
 * asserted at the end:
 *   - the normal client's digest equals the gateway's (after freezing the simulator),
 *   - its p95 delta latency (gateway flush -> client receipt) < 500 ms,
 *   - the gateway's peak RSS < RSS_BOUND_MB,
 *   - the gateway's own event-loop delay p99 (worst 5-second window during the attack) < 100 ms: the delay the
 *     gateway's own CPU work caused (ProcessMonitor `ownP99Ms`). The wall-clock p99 is printed beside it with the
 *     idle baseline from the same run: on a host shared with other loads the wall figure mostly measures the host
 *     (time the process was not scheduled), the own figure measures the gateway.
 * Every wait is bounded, so a stuck attack or a gateway that stops answering fails with a message, not a hang.
 * The alarm flood needs the ingest role, so it runs with an ingest token beside the anonymous attacker.
 */
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as ioc, type Socket } from "socket.io-client";
import { LAYER_IDS, type LayerId } from "../../src/protocol/data";
import { PROTOCOL_VERSION, type Delta } from "../../src/protocol/live";
import {
  freePort,
  freezeAndCompare,
  INGEST,
  liveClient,
  post,
  resume,
  sleep,
  startGateway,
  type GatewayProc,
} from "./harness";

const SECONDS = Number(process.env.ABUSE_SECONDS ?? 60);
const RSS_BOUND_MB = 700;
const v = PROTOCOL_VERSION;
const IDS = Object.fromEntries(
  LAYER_IDS.map((l) => [
    l,
    (JSON.parse(readFileSync(`public/data/${l}.json`, "utf8")) as { items: { id: string }[] }).items.map((i) => i.id),
  ]),
) as Record<LayerId, string[]>;

interface Health {
  process: {
    rssMB: number;
    peakRssMB: number;
    loop: { windows: { end: number; p99Ms: number; maxMs: number; ownP99Ms: number; ownMaxMs: number }[] };
  };
  slowClients: { lagged: number; dropped: number; overBudget: number };
  alarms: { active: number; omitted: number };
}

/** counts of what the attacker tried and what the gateway answered */
class Tally {
  private readonly counts = new Map<string, number>();
  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
  toString(): string {
    return [...this.counts].map(([k, n]) => `${k}=${n}`).join(" ");
  }
}

/** One anonymous attacker: each attack is a loop that runs until `until`. */
class Attacker {
  readonly tally = new Tally();
  private readonly open = new Set<Socket>();
  constructor(
    private readonly url: string,
    private readonly port: number,
    private readonly until: number,
  ) {}

  private get running(): boolean {
    return Date.now() < this.until;
  }

  private socket(auth: Record<string, unknown> = {}): Socket {
    const s = ioc(this.url, { transports: ["websocket"], reconnection: false, forceNew: true, auth });
    this.open.add(s);
    s.on("disconnect", () => this.open.delete(s));
    return s;
  }

  /** true once connected, false when refused or not connected within 5 s */
  private connected(s: Socket): Promise<boolean> {
    return new Promise((res) => {
      const t = setTimeout(() => res(false), 5000);
      s.once("connect", () => (clearTimeout(t), res(true)));
      s.once("connect_error", () => (clearTimeout(t), res(false)));
    });
  }

  /** never reads its socket; asks for snapshots (duplicated layers, subscribe, resync) within the message rate */
  async snapshotHog(): Promise<void> {
    while (this.running) {
      const s = this.socket();
      if (!(await this.connected(s))) {
        this.tally.add("hog-refused");
        await sleep(1000);
        continue;
      }
      this.tally.add("hog-connected");
      (s.io.engine as unknown as { transport: { ws: { _socket: { pause(): void } } } }).transport.ws._socket.pause();
      for (let k = 0; this.running && s.connected; k++) {
        if (k % 3 === 0) s.emit("subscribe", { v, layers: ["sites", "sites", "sites", "sites"] });
        else if (k % 3 === 1) s.emit("subscribe", { v, layers: [...LAYER_IDS] });
        else s.emit("resync", { v, layer: "sites" });
        await sleep(130);
      }
      (
        s.io.engine as unknown as { transport: { ws: { _socket: { destroy(): void } } } }
      ).transport.ws._socket.destroy();
      s.close();
    }
  }

  /** tries to hold 300 sockets from one address, releases them every 10 s */
  async socketFlood(): Promise<void> {
    while (this.running) {
      const socks = Array.from({ length: 300 }, () => this.socket());
      const ok = await Promise.all(socks.map((s) => this.connected(s)));
      this.tally.add("flood-connected", ok.filter(Boolean).length);
      this.tally.add("flood-refused", ok.filter((x) => !x).length);
      await sleep(Math.min(10_000, Math.max(0, this.until - Date.now())));
      for (const s of socks) s.close();
      await sleep(500);
    }
  }

  /** /api/digest with 2,500 and 100 repeated layers, and the array form */
  async digestFlood(): Promise<void> {
    const paths = [
      `/api/digest?layers=${"sites,".repeat(2500)}`,
      `/api/digest?layers=${"sites,".repeat(100)}`,
      "/api/digest?layers=sites&layers=chargers",
    ];
    for (let k = 0; this.running; k++) {
      const r = await fetch(`${this.url}${paths[k % paths.length]}`);
      this.tally.add(`digest-${r.status}`);
      await r.arrayBuffer();
      await sleep(50);
    }
  }

  /** POST /%61pi/sim/pause, 10 at a time every 100 ms */
  async encodedPath(): Promise<void> {
    while (this.running) {
      const codes = await Promise.all(
        Array.from({ length: 10 }, async () => (await fetch(`${this.url}/%61pi/sim/pause`, { method: "POST" })).status),
      );
      for (const c of codes) this.tally.add(`encoded-${c}`);
      await sleep(100);
    }
  }

  /** malformed URL, foreign Host, non-string token, prototype event names, NUL in a scenario name */
  async smallItems(): Promise<void> {
    while (this.running) {
      this.tally.add(`pct-ff-${(await fetch(`${this.url}/%ff`)).status}`);
      this.tally.add(`host-${await this.rawStatus("/api/health", { host: "rebind.evil.example" })}`);
      const t = this.socket({ token: 12345 });
      this.tally.add((await this.connected(t)) ? "numeric-token-connected" : "numeric-token-refused");
      t.close();
      const s = this.socket();
      if (await this.connected(s)) {
        for (const ev of ["constructor", "__proto__", "toString"]) s.emit(ev, { v });
        await sleep(200);
        s.close();
      }
      const sc = await fetch(`${this.url}/api/scenarios`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "a\u0000b", candidates: [], params: {}, kpis: {} }),
      });
      this.tally.add(`nul-scenario-${sc.status}`);
      await sleep(300);
    }
  }

  private rawStatus(path: string, headers: Record<string, string>): Promise<number> {
    return new Promise((res) => {
      const r = request({ host: "127.0.0.1", port: this.port, path, headers }, (resp) => {
        resp.resume();
        res(resp.statusCode ?? 0);
      });
      r.on("error", () => res(0));
      r.end();
    });
  }

  closeAll(): void {
    for (const s of this.open) s.close();
  }
}

/** alarm flood through the ingest API (distinct kinds), kept under the 2,000 alarms a page lists */
async function alarmFlood(url: string, until: number, tally: Tally): Promise<void> {
  for (let batch = 0; Date.now() < until && batch < 10; batch++) {
    const r = await post(`${url}/api/ingest`, INGEST, {
      records: Array.from({ length: 100 }, (_, k) => ({
        layer: "chargers",
        id: IDS.chargers[(batch * 100 + k) % IDS.chargers.length],
        ts: Date.now(),
        alarm: { kind: `abuse-${batch}-${k}`, severity: "minor", text: `压测告警 ${batch}-${k}` },
      })),
    });
    tally.add(`ingest-${r.status}`);
    await sleep(Math.max(1000, (SECONDS * 1000) / 12));
  }
}

const health = async (url: string): Promise<Health> =>
  (await (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) })).json()) as Health;

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? NaN;
}

describe(`abuse run (${SECONDS} s)`, () => {
  let gw: GatewayProc;
  beforeAll(async () => {
    gw = await startGateway(await freePort(), {
      DATA_DIR: "public/data",
      SIM_SPEED: "60",
      SIM_REPORT_MS: "6000",
      NODE_OPTIONS: process.env.ABUSE_NODE_OPTIONS ?? "", // e.g. --cpu-prof --cpu-prof-dir=DIR to profile the gateway
    });
  }, 90_000);
  afterAll(async () => {
    await gw?.kill("SIGTERM");
  });

  it("the normal client ends equal with p95 delta latency < 500 ms; gateway RSS and event loop stay bounded", async () => {
    const c = liveClient(gw.url, [...LAYER_IDS], { ids: IDS, offlineAfterMs: 60_000 });
    await c.ready;
    const latency: number[] = [];
    c.socket.on("delta", (d: Delta) => latency.push(Date.now() - d.ts));
    await sleep(5000);
    const baselineP95 = p95(latency);
    const baselineRss = (await health(gw.url)).process.rssMB;
    latency.length = 0;

    const t0 = Date.now();
    const until = t0 + SECONDS * 1000;
    const attacker = new Attacker(gw.url, gw.port, until);
    const rss: number[] = [];
    const sampler = (async () => {
      while (Date.now() < until) {
        rss.push((await health(gw.url)).process.rssMB);
        await sleep(1000);
      }
    })();
    const attacks: Record<string, () => Promise<void>> = {
      hog: () => attacker.snapshotHog(),
      sockets: () => attacker.socketFlood(),
      digest: () => attacker.digestFlood(),
      encoded: () => attacker.encodedPath(),
      small: () => attacker.smallItems(),
      alarms: () => alarmFlood(gw.url, until, attacker.tally),
    };
    // ABUSE_ONLY=hog,digest runs a subset (to find which attack costs what)
    const only = process.env.ABUSE_ONLY?.split(",");
    await Promise.all([
      ...Object.entries(attacks)
        .filter(([name]) => !only || only.includes(name))
        .map(([, run]) => run()),
      sampler,
    ]);
    attacker.closeAll();
    await sleep(5500); // let the gateway close the last 5-second window
    const h = await health(gw.url);
    const windows = h.process.loop.windows.filter((w) => w.end > t0 + 5000 && w.end <= until + 5500);
    const idle = h.process.loop.windows.filter((w) => w.end <= t0);
    const worst = (ws: typeof windows, k: keyof (typeof windows)[number]) => Math.max(...ws.map((w) => w[k]));
    const loopP99 = worst(windows, "p99Ms");
    const loopMax = worst(windows, "maxMs");
    const ownP99 = worst(windows, "ownP99Ms");
    const ownMax = worst(windows, "ownMaxMs");
    const deltaP95 = p95(latency);
    const peakRss = Math.max(...rss, h.process.peakRssMB);
    const agreed = await freezeAndCompare(c, gw.url, [...LAYER_IDS], 15_000);
    console.log(
      `[abuse] ${SECONDS} s: normal client ${latency.length} deltas, p95 latency ${deltaP95} ms (before the attack ${baselineP95} ms); ` +
        `gateway RSS ${baselineRss} MB before, peak ${peakRss} MB (bound ${RSS_BOUND_MB} MB); ` +
        `event-loop delay (worst 5 s window of ${windows.length}) own p99 ${ownP99} ms, max ${ownMax} ms ` +
        `(idle before the attack ${worst(idle, "ownP99Ms")} / ${worst(idle, "ownMaxMs")} ms); ` +
        `wall p99 ${loopP99} ms, max ${loopMax} ms (idle ${worst(idle, "p99Ms")} / ${worst(idle, "maxMs")} ms, host load ${loadavg()[0].toFixed(1)} on ${cpus().length} cores); ` +
        `slow clients ${JSON.stringify(h.slowClients)}; alarms ${JSON.stringify(h.alarms)}; digest equal ${agreed.digest.slice(0, 40)}…\n` +
        `[abuse] attacker: ${attacker.tally}`,
    );
    await resume(gw.url);
    c.close();
    expect(deltaP95).toBeLessThan(500);
    expect(peakRss).toBeLessThan(RSS_BOUND_MB);
    expect(ownP99).toBeLessThan(100);
    expect(windows.length).toBeGreaterThanOrEqual(Math.floor(SECONDS / 5) - 1);
  }, 240_000);
});
