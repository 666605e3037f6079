import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as ioc, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { makeFixture } from "../testing/fixture";
import { connectLive, type LiveConnection } from "../live/client";
import { PROTOCOL_VERSION, type Alarm, type Delta, type ErrorMsg } from "../protocol/live";
import { createGateway, type Gateway } from "./gateway";

const data = makeFixture({ sites: 300, datacentres: 6, chargers: 30, roads: 3, sensorsPerRoad: 8 });
const ids = {
  sites: data.sites.map((s) => s.id),
  datacentres: data.datacentres.map((s) => s.id),
  chargers: data.chargers.map((s) => s.id),
  sensors: data.sensors.map((s) => s.id),
};
const immediate = (cb: () => void) => void setTimeout(cb, 5);

async function until<T>(f: () => T | undefined | null | false, ms = 8000, what = "condition"): Promise<NonNullable<T>> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const v = f();
    if (v) return v as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const post = (gw: Gateway, path: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** the simulator's clock, read from /api/health */
async function simTime(gw: Gateway): Promise<number> {
  const res = await fetch(`${gw.url}/api/health`, { headers: { authorization: "Bearer dev-viewer-token" } });
  const h = (await res.json()) as { sim?: { simTime?: number } };
  if (h.sim?.simTime === undefined) throw new Error("no simulator time in /api/health");
  return h.sim.simTime;
}

function rawClient(gw: Gateway, token?: string, extra: Record<string, unknown> = {}): Socket {
  return ioc(gw.url, {
    transports: ["websocket"],
    auth: token ? { token } : {},
    reconnection: false,
    forceNew: true,
    ...extra,
  });
}

describe("gateway (simulator source)", () => {
  let gw: Gateway;
  const live: LiveConnection[] = [];
  beforeAll(async () => {
    gw = await createGateway({
      data,
      simSpeed: 120,
      simSeed: 5,
      simReportMs: 300,
      log: () => {},
      limits: { rate: 20, burst: 20, maxStrikes: 8 },
    });
  });
  afterAll(async () => {
    for (const l of live) l.close();
    await gw.close();
  });

  it("serves health, digest, alarms with security headers", async () => {
    const h = await fetch(`${gw.url}/api/health`);
    expect(h.status).toBe(200);
    const body = (await h.json()) as { ok: boolean; layers: Record<string, { count: number }> };
    expect(body.ok).toBe(true);
    expect(body.layers.sites.count).toBe(300);
    const csp = h.headers.get("content-security-policy")!;
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(h.headers.get("x-content-type-options")).toBe("nosniff");
    const d = (await (await fetch(`${gw.url}/api/digest?layers=sites,chargers`)).json()) as { digest: string };
    expect(d.digest).toMatch(/^sites@\d+:[0-9a-f]{8} chargers@\d+:[0-9a-f]{8}$/);
    expect((await fetch(`${gw.url}/api/digest?layers=nope`)).status).toBe(400);
    const a = (await (await fetch(`${gw.url}/api/alarms`)).json()) as { v: number; alarms: unknown[] };
    expect(a.v).toBe(1);
  });

  it("stamps an operator's ack (socket or REST) with the twin's clock, as the simulator stamps raises", async () => {
    const operator = connectLive({
      url: gw.url,
      token: "dev-operator-token",
      layers: ["sites"],
      ids,
      schedule: immediate,
    });
    live.push(operator);
    await operator.ready;
    const open = () => gw.state.alarms.list().filter((a) => a.clearedAt === undefined && a.ackedAt === undefined);
    const [a, b] = await until(() => (open().length >= 2 ? open() : undefined), 8000, "two simulated alarms");
    const before = await simTime(gw);
    operator.ack(a.id);
    const acked = await until(() => gw.state.alarms.get(a.id)?.ackedAt, 3000, "socket ack");
    // the x120 simulator runs ahead of the wall clock: a wall-clock stamp would be before `before`
    expect(acked).toBeGreaterThanOrEqual(before);
    expect(acked).toBeGreaterThan(Date.now());
    const before2 = await simTime(gw);
    const r = await post(gw, `/api/alarms/${b.id}/ack`, {}, "dev-operator-token");
    expect(r.status).toBe(200);
    expect(((await r.json()) as { alarm: Alarm }).alarm.ackedAt).toBeGreaterThanOrEqual(before2);
  });

  it("streams snapshot + deltas to a client whose digest then equals the gateway's", async () => {
    const c = connectLive({ url: gw.url, layers: ["sites", "chargers"], ids, schedule: immediate });
    live.push(c);
    await c.ready;
    const seq0 = c.store.getState().layers.sites!.seq;
    await until(() => c.store.getState().layers.sites!.seq > seq0 + 3, 8000, "deltas");
    expect(c.store.getState().connection.state).toBe("connected");
    expect(c.drainChanges("sites").length).toBeGreaterThan(0);
    // the twin clock runs at x120: about two simulated minutes per real second
    const tw0 = c.twinNow();
    await new Promise((r) => setTimeout(r, 500));
    expect(c.twinNow() - tw0).toBeGreaterThan(50_000);
    // freeze the simulator, let the last delta arrive, compare
    expect((await post(gw, "/api/sim/pause", {}, "dev-operator-token")).status).toBe(200);
    const g = async () =>
      ((await (await fetch(`${gw.url}/api/digest?layers=sites,chargers`)).json()) as { digest: string }).digest;
    let last = "";
    for (let k = 0; k < 100; k++) {
      last = await g();
      if (c.digest() === last) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(c.digest()).toBe(last);
    expect(c.store.getState().stats.gaps).toBe(0);
    await post(gw, "/api/sim/resume", {}, "dev-operator-token");
  });

  it("recovers from a sequence gap by resync (client level)", async () => {
    const c = connectLive({ url: gw.url, layers: ["sites"], ids, schedule: immediate });
    live.push(c);
    await c.ready;
    const L = c.store.getState().layers.sites!;
    // inject a delta that skips far ahead, as if several were lost
    const fake: Delta = {
      v: PROTOCOL_VERSION,
      layer: "sites",
      epoch: L.epoch!,
      prev: L.seq + 50,
      seq: L.seq + 51,
      ts: Date.now(),
      idx: [0],
      status: [2],
      lastSeen: [1],
      metrics: { load: [0], s0: [0], s1: [0], s2: [0], users: [0] },
    };
    const handler = c.socket.listeners("delta")[0] as (d: unknown) => void;
    handler(fake);
    await until(() => c.store.getState().stats.resyncs >= 1, 3000, "resync request");
    await until(() => c.store.getState().stats.snapshots >= 2, 3000, "resync snapshot");
    expect(c.store.getState().stats.gaps).toBeGreaterThanOrEqual(1);
    // the bogus status was never applied: object 0 has whatever the gateway says
    await post(gw, "/api/sim/pause", {}, "dev-operator-token");
    let match = false;
    for (let k = 0; k < 100 && !match; k++) {
      const g = ((await (await fetch(`${gw.url}/api/digest?layers=sites`)).json()) as { digest: string }).digest;
      match = g === c.digest();
      if (!match) await new Promise((r) => setTimeout(r, 50));
    }
    expect(match).toBe(true);
    await post(gw, "/api/sim/resume", {}, "dev-operator-token");
  });

  it("a short network drop is bridged by connection-state recovery: missed deltas replayed, no snapshot", async () => {
    const c = connectLive({ url: gw.url, layers: ["sites"], ids, schedule: immediate, transports: ["websocket"] });
    live.push(c);
    await c.ready;
    await until(() => c.store.getState().stats.deltas > 2, 5000, "deltas");
    const snaps = c.model.stats.snapshots;
    c.socket.io.engine.close(); // transport dropped, as by a network blip; the gateway keeps the session
    await until(() => c.store.getState().connection.state === "reconnecting", 3000, "reconnecting");
    await until(() => c.store.getState().connection.state === "connected", 8000, "reconnected");
    expect(c.model.stats.recovered).toBe(1);
    const seq = c.store.getState().layers.sites!.seq;
    await until(() => c.store.getState().layers.sites!.seq > seq + 2, 5000, "deltas after recovery");
    expect(c.model.stats.snapshots).toBe(snaps);
    expect(c.model.stats.gaps).toBe(0);
  });

  it("sends per-object detail on detail:subscribe", async () => {
    const c = connectLive({ url: gw.url, layers: ["datacentres"], ids, schedule: immediate });
    live.push(c);
    await c.ready;
    c.detail("datacentres", ids.datacentres[1]);
    const d = await until(() => c.store.getState().detail, 3000, "detail");
    expect(d.objectId).toBe(ids.datacentres[1]);
    expect(d.detail.kind).toBe("racks");
    if (d.detail.kind === "racks") expect(d.detail.rackUtil.length).toBe(Math.min(240, data.datacentres[1].racks));
    c.detail("chargers", ids.chargers[0]);
    const e = await until(() => c.store.getState().detail, 3000, "charger detail");
    if (e.detail.kind !== "connectors") throw new Error("expected connectors");
    expect(e.detail.states.length).toBe(data.chargers[0].connectors);
  });

  it("ingest and ack need the right role", async () => {
    expect((await post(gw, "/api/ingest", { records: [] })).status).toBe(403); // anonymous = viewer
    expect((await post(gw, "/api/ingest", { records: [] }, "dev-viewer-token")).status).toBe(403);
    expect((await post(gw, "/api/ingest", { records: [] }, "not-a-token-at-all")).status).toBe(401);
    expect((await post(gw, "/api/ingest", { records: [{}] }, "dev-ingest-token")).status).toBe(409); // sim-only gateway
    expect((await post(gw, "/api/alarms/x/ack", {}, "dev-viewer-token")).status).toBe(403);
    expect((await post(gw, "/api/alarms/x/ack", {}, "dev-ingest-token")).status).toBe(403);
    expect((await post(gw, "/api/alarms/nope/ack", {}, "dev-operator-token")).status).toBe(404);
    expect((await post(gw, "/api/sim/pause", {}, "dev-viewer-token")).status).toBe(403);
    // foreign origin cannot POST even with a token
    const r = await post(gw, "/api/sim/pause", {}, "dev-operator-token", { origin: "http://evil.example" });
    expect(r.status).toBe(403);
  });

  it("refuses a socket from a foreign origin or with an unknown token", async () => {
    const bad = rawClient(gw, undefined, { extraHeaders: { origin: "http://evil.example" } });
    const err1 = await new Promise<string>((res) => bad.on("connect_error", (e) => res(e.message)));
    bad.close();
    expect(err1).toBeTruthy();
    const bad2 = rawClient(gw, "wrong-token-xxxxxxxx");
    const err2 = await new Promise<string>((res) => bad2.on("connect_error", (e) => res(e.message)));
    bad2.close();
    expect(err2).toContain("unauthorized");
  });
});

describe("gateway (ingest source)", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await createGateway({ data, source: "ingest", log: () => {}, limits: { rate: 50, burst: 50, maxStrikes: 6 } });
  });
  afterAll(async () => gw.close());

  it("applies valid records and rejects each invalid one with its index and reason", async () => {
    const ts = Date.now();
    const records = [
      {
        layer: "sites",
        id: ids.sites[3],
        status: 1,
        metrics: { load: 0.5, s0: 0.4, s1: 0.5, s2: 0.6, users: 321 },
        ts,
      },
      { layer: "sites", id: "5G-NOPE", status: 1, ts },
      { layer: "datacentres", id: ids.datacentres[0], metrics: { pue: 7 }, ts },
      { layer: "chargers", id: ids.chargers[0], metrics: { charging: 2.5 }, ts },
      { layer: "chargers", id: ids.chargers[0], metrics: { volts: 3 }, ts },
      { layer: "planets", id: "x", ts },
      { layer: "sites", id: ids.sites[4], ts },
      "garbage",
      { layer: "sensors", id: ids.sensors[2], status: 0, metrics: { speedKmh: 42.5, congestion: 1 }, ts },
      {
        layer: "datacentres",
        id: ids.datacentres[1],
        ts,
        alarm: { kind: "injected", severity: "critical", text: "测试告警 <b>x</b>" },
      },
    ];
    const r = await post(gw, "/api/ingest", { records }, "dev-ingest-token");
    expect(r.status).toBe(200);
    const body = (await r.json()) as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(body.accepted).toBe(3);
    expect(body.rejected.map((x) => x.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(body.rejected[0].reason).toContain('unknown object "5G-NOPE"');
    expect(body.rejected[1].reason).toBe("metrics.pue: 7 out of range [1, 5]");
    expect(body.rejected[2].reason).toBe("metrics.charging: 2.5 must be an integer");
    expect(body.rejected[3].reason).toContain("metrics.volts: not a chargers metric");
    expect(body.rejected[4].reason).toMatch(/^layer: /);
    expect(body.rejected[5].reason).toBe("record has no status, metrics or alarm");
    expect(body.rejected[6].reason).toBe("(root): Invalid input: expected object, received string");
    // applied values
    const S = gw.state.layers.sites;
    expect(S.status[3]).toBe(1);
    expect(S.metrics.users[3]).toBe(321);
    expect(S.metrics.load[3]).toBeCloseTo(0.5, 6);
    expect(S.status[4]).toBe(4); // rejected record changed nothing
    expect(gw.state.layers.sensors.metrics.speedKmh[2]).toBeCloseTo(42.5, 4);
    expect(gw.state.layers.datacentres.metrics.pue[0]).toBe(0);
    const alarm = gw.state.alarms.list().find((a) => a.kind === "injected")!;
    expect(alarm).toMatchObject({
      layer: "datacentres",
      objectId: ids.datacentres[1],
      objectIndex: 1,
      severity: "critical",
      text_zh: "测试告警 <b>x</b>",
    });
    // oversized body and malformed JSON
    const huge = { records: Array.from({ length: 12000 }, () => records[0]) };
    expect((await post(gw, "/api/ingest", huge, "dev-ingest-token")).status).toBe(413);
    expect((await post(gw, "/api/ingest", "{not json", "dev-ingest-token")).status).toBe(400);
    expect((await post(gw, "/api/ingest", { records: [] }, "dev-ingest-token")).status).toBe(400);
    expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
  });

  it("broadcasts an operator's ack to every client; a viewer's ack is refused", async () => {
    const ts = Date.now();
    await post(
      gw,
      "/api/ingest",
      {
        records: [
          { layer: "sites", id: ids.sites[7], ts, alarm: { kind: "site-down", severity: "critical", text: "退服" } },
        ],
      },
      "dev-ingest-token",
    );
    const viewer = connectLive({ url: gw.url, layers: ["sites"], ids, schedule: immediate });
    const operator = connectLive({
      url: gw.url,
      token: "dev-operator-token",
      layers: ["sites"],
      ids,
      schedule: immediate,
    });
    try {
      await Promise.all([viewer.ready, operator.ready]);
      const alarm = await until(
        () => viewer.store.getState().alarms.find((a) => a.objectId === ids.sites[7] && a.kind === "site-down"),
        3000,
        "alarm",
      );
      expect(viewer.store.getState().server?.role).toBe("viewer");
      viewer.ack(alarm.id);
      const err = await until(() => viewer.store.getState().lastError, 3000, "forbidden error");
      expect(err).toMatchObject({ code: "forbidden", reason: expect.stringContaining("needs operator") });
      expect(gw.state.alarms.get(alarm.id)!.ackedAt).toBeUndefined();
      operator.ack(alarm.id);
      const acked = await until(
        () => viewer.store.getState().alarms.find((a) => a.id === alarm.id && a.ackedAt),
        3000,
        "ack broadcast",
      );
      expect(acked.ackedBy).toBe("dev-operator");
      // clear via ingest
      await post(
        gw,
        "/api/ingest",
        {
          records: [
            {
              layer: "sites",
              id: ids.sites[7],
              ts: ts + 1000,
              alarm: { kind: "site-down", severity: "critical", text: "x", clear: true },
            },
          ],
        },
        "dev-ingest-token",
      );
      const cleared = await until(
        () => operator.store.getState().alarms.find((a) => a.id === alarm.id && a.clearedAt),
        3000,
        "clear broadcast",
      );
      expect(cleared.clearedAt).toBe(ts + 1000);
    } finally {
      viewer.close();
      operator.close();
    }
  });

  it("a rogue client gets reasons, is dropped after repeated abuse, and disturbs nobody", async () => {
    const good = connectLive({ url: gw.url, layers: ["chargers"], ids, schedule: immediate });
    await good.ready;
    const rogue = rawClient(gw);
    const errors: ErrorMsg[] = [];
    rogue.on("error", (e: ErrorMsg) => errors.push(e));
    await new Promise<void>((r) => rogue.on("connect", () => r()));
    const dropped = new Promise<string>((r) => rogue.on("disconnect", (reason) => r(reason)));
    rogue.emit("subscribe", { v: 2, layers: ["sites"] });
    rogue.emit("subscribe", "garbage");
    rogue.emit("launch-missiles", { v: 1 });
    rogue.emit("alarm:ack", { v: 1, alarmId: "x".repeat(10_000) });
    rogue.emit("subscribe", { v: 1, layers: ["sites"], __proto__: { polluted: true }, constructor: 1 });
    await until(() => errors.length >= 5, 3000, "error replies");
    expect(errors.slice(0, 5).map((e) => e.code)).toEqual([
      "bad_version",
      "invalid",
      "unknown_event",
      "too_large",
      "invalid",
    ]);
    expect(errors[0].reason).toContain("expected v: 1");
    expect(errors[2].reason).toContain("launch-missiles");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // flood: rate limit then disconnect
    for (let k = 0; k < 100; k++) rogue.emit("subscribe", { v: 1, layers: ["sites"] });
    expect(await dropped).toBe("io server disconnect");
    expect(errors.some((e) => e.code === "rate_limited")).toBe(true);
    // raw garbage frames at the engine.io level: that connection is closed, the gateway lives on
    const ws = new WebSocket(`${gw.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
    await new Promise((r) => ws.on("open", r));
    ws.send("40");
    ws.send("4" + '2["subscribe",{]]]]garbage');
    ws.send(Buffer.from([0xff, 0x00, 0x13, 0x37]));
    ws.send("9".repeat(200_000)); // above maxHttpBufferSize
    await new Promise((r) => ws.on("close", r));
    // the good client still receives deltas
    const seq0 = good.store.getState().layers.chargers!.seq;
    await post(
      gw,
      "/api/ingest",
      { records: [{ layer: "chargers", id: ids.chargers[2], status: 1, ts: Date.now() }] },
      "dev-ingest-token",
    );
    await until(() => good.store.getState().layers.chargers!.seq > seq0, 3000, "delta after abuse");
    expect(good.store.getState().layers.chargers!.reported[2]).toBe(1);
    expect(good.store.getState().connection.state).toBe("connected");
    expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
    good.close();
  });
});
