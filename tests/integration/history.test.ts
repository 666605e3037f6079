/**
 * History end to end with in-process gateways (simulator at x120 + ingest): exactness of the state at T against
 * the digests the live gateway had at T, across a gateway restart; alarms and acks surviving the restart; the
 * REST API's validation and roles; a replay session over /replay; the same exactness on PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io as ioc } from "socket.io-client";
import { afterAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type Alarm, type Delta, type Snapshot } from "../../src/protocol/live";
import { REPLAY_EVENTS, type HistoryState, type ReplayClock } from "../../src/protocol/history";
import { TokensConfig } from "../../src/server/config";
import { createGateway, type Gateway } from "../../src/server/gateway";
import { PostgresHistory } from "../../src/server/history/postgres";
import {
  DATA,
  hasPostgres,
  IDS,
  INGEST,
  OPERATOR,
  POSTGRES_URL,
  sleep,
  TOKENS,
  until,
  VIEWER,
} from "../faults/harness";

const dir = mkdtempSync(join(tmpdir(), "rt-history-int-"));

async function start(url: string): Promise<Gateway> {
  return createGateway({
    data: DATA,
    source: "both",
    simSpeed: 120,
    simSeed: 9,
    simReportMs: 300,
    tokens: TokensConfig.parse(TOKENS),
    log: () => {},
    history: { url, blockMs: 200, keyframeRecords: 3000, keyframeMs: 60_000 },
  });
}

/** digests the live gateway had at history time t, sampled between simulator ticks */
async function sampleDigests(gw: Gateway, ms: number, into: [number, string][]): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await sleep(130);
    into.push([gw.history!.writer.time, gw.state.digest().digest]);
  }
}

const get = (gw: Gateway, path: string, token = VIEWER) =>
  fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
const post = (gw: Gateway, path: string, token: string, body: unknown = {}) =>
  fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

async function exactnessAcrossRestart(url: string) {
  const live: [number, string][] = [];
  let gw = await start(url);
  try {
    await sampleDigests(gw, 2500, live);
    // an injected alarm, acked by an operator: both must survive the restart
    const r = await post(gw, "/api/ingest", INGEST, {
      records: [
        {
          layer: "chargers",
          id: IDS.chargers[3],
          ts: Date.now(),
          alarm: { kind: "fire", severity: "critical", text: "火警" },
        },
      ],
    });
    expect(r.status).toBe(200);
    const a = await until(() => gw.state.alarms.list().find((x) => x.kind === "fire"), 5000, "alarm");
    expect((await post(gw, `/api/alarms/${a.id}/ack`, OPERATOR)).status).toBe(200);
    await sampleDigests(gw, 500, live);
  } finally {
    await gw.close();
  }
  const before = live[live.length - 1];
  gw = await start(url);
  try {
    // restored: same state (digest includes seq) as the last one recorded before the restart
    expect(gw.state.digest().digest).toBe(before[1]);
    const fire = gw.state.alarms.list().find((x) => x.kind === "fire");
    expect(fire?.ackedBy).toBe("fault-operator");
    expect(fire?.clearedAt).toBeUndefined();
    await sampleDigests(gw, 2500, live);
    await gw.history!.writer.drain();
    // digests recorded live at T == digest of the stored state at T (samples taken while time stood still skipped)
    const usable = live.filter(([t], i) => t > 0 && (i + 1 >= live.length || live[i + 1][0] > t));
    expect(usable.length).toBeGreaterThan(30);
    let checked = 0;
    for (const [t, d] of usable.filter((_, i) => i % 3 === 0)) {
      const at = await gw.history!.reader.stateAt(t);
      expect(at?.state.digest().digest, `digest at ${new Date(t).toISOString()}`).toBe(d);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    const st = await gw.history!.store.stats();
    expect(st.keyframes).toBeGreaterThan(2);
    expect(st.bytes).toBeLessThan(st.rawBytes);
  } finally {
    await gw.close();
  }
}

describe("history on SQLite (in-process gateway)", () => {
  const file = join(dir, "history.db");
  let gw: Gateway | undefined;
  afterAll(async () => gw?.close());

  it("state at T equals the live digest at T, across a restart; alarms and acks survive it", async () => {
    await exactnessAcrossRestart(file);
  }, 60_000);

  it("REST: range, state as live snapshots, KPI series, alarm filters and CSV, exports; bad input named", async () => {
    gw = await start(file);
    await sleep(1500);
    await gw.history!.writer.drain();
    const range = (await (await get(gw, "/api/history/range")).json()) as { from: number; to: number; store: string };
    expect(range.store).toBe("sqlite");
    expect(range.to).toBeGreaterThan(range.from);
    const t = Math.round((range.from + range.to) / 2);
    const st = (await (await get(gw, `/api/history/state?t=${t}`)).json()) as HistoryState;
    expect(st.snapshots.map((s: Snapshot) => [s.layer, s.count])).toEqual([
      ["sites", IDS.sites.length],
      ["datacentres", IDS.datacentres.length],
      ["chargers", IDS.chargers.length],
      ["sensors", IDS.sensors.length],
    ]);
    expect(st.digest).toBe((await gw.history!.reader.stateAt(t))!.state.digest().digest);
    const k = (await (await get(gw, `/api/history/kpis?from=${range.from}&to=${range.to}&step=60000`)).json()) as {
      points: { t: number; availability: number | null }[];
    };
    expect(k.points.length).toBeGreaterThan(3);
    expect(k.points.some((p) => p.availability !== null && p.availability > 0.5)).toBe(true);
    const al = (await (await get(gw, "/api/history/alarms?layer=chargers&severity=critical")).json()) as {
      alarms: Alarm[];
    };
    expect(al.alarms.find((a) => a.kind === "fire")?.ackedBy).toBe("fault-operator");
    const csv = await (await get(gw, "/api/history/alarms?format=csv&layer=chargers")).text();
    expect(csv.split("\n")[0]).toBe(
      "id,layer,objectId,kind,severity,raisedAt,clearedAt,ackedAt,ackedBy,value,text_zh,text_en",
    );
    expect(csv).toContain("fault-operator");
    const ex = await get(gw, `/api/history/export?layer=sites&from=${range.from}&to=${range.from + 60_000}`);
    expect(ex.headers.get("content-type")).toContain("text/csv");
    const lines = (await ex.text()).trim().split("\n");
    expect(lines[0]).toBe("time,id,status,load,s0,s1,s2,users");
    expect(lines.length).toBeGreaterThan(10);
    const geo = (await (
      await get(gw, `/api/history/export?layer=sensors&from=${range.from}&to=${t}&format=geojson`)
    ).json()) as { features: { geometry: { coordinates: number[] }; properties: { id: string } }[] };
    expect(geo.features.length).toBe(IDS.sensors.length);
    expect(geo.features[0].properties.id).toBe(IDS.sensors[0]);
    // bad input: named, 400; wrong role: 403; nothing recorded: 404
    const bad = (await (await get(gw, "/api/history/state?t=abc")).json()) as { reason: string };
    expect(bad.reason).toMatch(/^t: /);
    expect((await get(gw, "/api/history/kpis?from=10&to=5")).status).toBe(400);
    expect((await get(gw, "/api/history/alarms?layer=moon")).status).toBe(400);
    expect((await get(gw, "/api/history/alarms?limit=5&drop=1")).status).toBe(400);
    expect((await get(gw, "/api/history/range", INGEST)).status).toBe(403);
    expect((await get(gw, "/api/history/state?t=1")).status).toBe(404);
  }, 30_000);

  it("replays over /replay at 3600x: live-format snapshots then deltas ending at the stored state", async () => {
    const g = gw!;
    await g.history!.writer.drain();
    const range = (await (await get(g, "/api/history/range")).json()) as { from: number; to: number };
    const sock = ioc(`${g.url}/replay`, { transports: ["websocket"], auth: { token: VIEWER }, forceNew: true });
    const snaps: Snapshot[] = [];
    const deltas: Delta[] = [];
    const clocks: ReplayClock[] = [];
    let alarmsLists = 0;
    sock.on("snapshot", (s: Snapshot) => snaps.push(s));
    sock.on("delta", (d: Delta) => deltas.push(d));
    sock.on("alarms", () => alarmsLists++);
    sock.on(REPLAY_EVENTS.clock, (c: ReplayClock, ack: () => void) => {
      clocks.push(c);
      ack();
    });
    const errors: unknown[] = [];
    sock.on("error", (e: unknown) => errors.push(e));
    try {
      const to = range.from + 3 * 60_000;
      sock.emit(REPLAY_EVENTS.start, { v: PROTOCOL_VERSION, from: range.from + 1000, to, speed: 3600 });
      await until(() => clocks.find((c) => c.ended), 15_000, "replay to end");
      expect(errors).toEqual([]);
      expect(snaps.map((s) => s.layer)).toEqual(["sites", "datacentres", "chargers", "sensors"]);
      expect(snaps[0].epoch).toMatch(/^replay-/);
      expect(alarmsLists).toBeGreaterThan(0);
      const sites = deltas.filter((d) => d.layer === "sites");
      expect(sites.length).toBeGreaterThan(0);
      expect(sites[0].prev).toBe(snaps[0].seq);
      for (let i = 1; i < sites.length; i++) expect(sites[i].prev).toBe(sites[i - 1].seq);
      const final = (await g.history!.reader.stateAt(to))!.state.layers.sites.seq;
      expect(sites[sites.length - 1].seq).toBe(final);
      // bad messages are named, not thrown
      sock.emit(REPLAY_EVENTS.start, { v: PROTOCOL_VERSION, from: 0, speed: 7 });
      await until(() => errors.length, 3000, "error");
      expect(JSON.stringify(errors[0])).toContain("speed");
    } finally {
      sock.close();
    }
  }, 30_000);

  it("a pause reaches a client that reads faster than it processes (a busy page) within a tick or two", async () => {
    // Chromium reads the socket into the page's queue whatever the page's pace, so the gateway's write buffer
    // stays empty while a busy page falls behind: this client queues every message on arrival and handles one
    // per 300 ms, as such a page does, acknowledging a clock when it handles it
    const g = gw!;
    const range = (await (await get(g, "/api/history/range")).json()) as { from: number; to: number };
    const sock = ioc(`${g.url}/replay`, { transports: ["websocket"], auth: { token: VIEWER }, forceNew: true });
    const inbox: { clock?: ReplayClock; ack?: () => void }[] = [];
    const handled: { at: number; clock: ReplayClock }[] = [];
    sock.onAny((event: string, ...args: unknown[]) => {
      if (event !== REPLAY_EVENTS.clock) return inbox.push({});
      const ack = args[1];
      inbox.push({ clock: args[0] as ReplayClock, ack: typeof ack === "function" ? (ack as () => void) : undefined });
    });
    const pump = setInterval(() => {
      const m = inbox.shift();
      if (m?.clock) handled.push({ at: Date.now(), clock: m.clock });
      m?.ack?.();
    }, 300);
    try {
      sock.emit(REPLAY_EVENTS.start, { v: PROTOCOL_VERSION, from: range.from + 1000, speed: 1 });
      await until(() => handled.find((h) => h.clock.playing), 10_000, "playing");
      await sleep(5000);
      const pausedAt = Date.now();
      sock.emit(REPLAY_EVENTS.pause, { v: PROTOCOL_VERSION });
      const stopped = await until(() => handled.find((h) => h.at > pausedAt && !h.clock.playing), 15_000, "paused");
      expect(stopped.at - pausedAt).toBeLessThan(2500);
      await sleep(1500);
      const last = handled[handled.length - 1].clock;
      expect(last.playing).toBe(false);
      expect(last.t).toBe(stopped.clock.t);
    } finally {
      clearInterval(pump);
      sock.close();
    }
  }, 40_000);
  it("a stop that arrives while the replay start still reads the store leaves nothing playing", async () => {
    const g = gw!;
    const range = (await (await get(g, "/api/history/range")).json()) as { from: number; to: number };
    const sock = ioc(`${g.url}/replay`, { transports: ["websocket"], auth: { token: VIEWER }, forceNew: true });
    const clocks: { at: number; clock: ReplayClock }[] = [];
    sock.on(REPLAY_EVENTS.clock, (clock: ReplayClock, ack: () => void) => {
      clocks.push({ at: Date.now(), clock });
      ack();
    });
    try {
      await until(() => sock.connected, 5000, "replay socket");
      sock.emit(REPLAY_EVENTS.start, { v: PROTOCOL_VERSION, from: range.from + 1000, speed: 60 });
      sock.emit(REPLAY_EVENTS.stop, { v: PROTOCOL_VERSION });
      const stoppedAt = Date.now();
      await sleep(1500);
      // whichever came first, no clock keeps ticking once the stop is handled
      expect(clocks.filter((c) => c.at > stoppedAt + 500)).toEqual([]);
    } finally {
      sock.close();
    }
  }, 20_000);
});

const pgOk = await hasPostgres("history integration (PostgreSQL)");
describe.skipIf(!pgOk)("history on PostgreSQL (in-process gateway)", () => {
  const schema = `rt_hist_int_${process.pid}_${Date.now().toString(36)}`;
  const url = `${POSTGRES_URL}?schema=${schema}`;
  afterAll(async () => {
    const s = await PostgresHistory.open(POSTGRES_URL, schema);
    await s.dropSchema();
    await s.close();
  });
  it("state at T equals the live digest at T, across a restart; alarms and acks survive it", async () => {
    await exactnessAcrossRestart(url);
  }, 60_000);
});
