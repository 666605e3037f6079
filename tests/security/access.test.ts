/**
 * Access control: role tokens on the socket and the REST API, the origin allow-list, per-connection
 * rate limits and size limits, security headers + CSP on the served app. The kiosk/wall role (viewer) can
 * neither acknowledge alarms nor write scenarios — tested over the socket AND over REST.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as ioc, type Socket } from "socket.io-client";
import { makeFixture } from "../integration/fixture";
import { PROTOCOL_VERSION, type Alarm, type ErrorMsg } from "../../src/protocol/live";
import { LocalBus } from "../../src/server/bus";
import { DEV_TOKENS, TokenBook } from "../../src/server/config";
import { layerIds } from "../../src/server/layer-data";
import { createGateway, type Gateway } from "../../src/server/gateway";
import { registerRest } from "../../src/server/rest";
import { OriginPolicy } from "../../src/server/security";
import { LiveState } from "../../src/server/state";

const data = makeFixture({ sites: 30, datacentres: 2, chargers: 6, roads: 1, sensorsPerRoad: 3 }, 13);
const v = PROTOCOL_VERSION;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sock(gw: Gateway, opts: { token?: string; origin?: string } = {}): Socket {
  return ioc(gw.url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    auth: opts.token ? { token: opts.token } : {},
    ...(opts.origin ? { extraHeaders: { origin: opts.origin } } : {}),
  });
}
const connected = (s: Socket) =>
  new Promise<string>((res) => {
    s.once("connect", () => res("connected"));
    s.once("connect_error", (e: Error) => res(`refused: ${e.message}`));
  });
const req = (
  gw: Gateway,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
) =>
  fetch(`${gw.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

let gw: Gateway;
let alarm: Alarm;
let scenarioId = 0;
beforeAll(async () => {
  process.env.SCENARIO_DB = join(mkdtempSync(join(tmpdir(), "rt-acl-")), "s.db");
  gw = await createGateway({ data, source: "ingest", origins: ["https://wall.example"], dev: false, log: () => {} });
  const r = await req(gw, "POST", "/api/ingest", "dev-ingest-token", {
    records: [
      {
        layer: "sites",
        id: data.sites[2].id,
        ts: Date.now(),
        alarm: { kind: "site-down", severity: "critical", text: "基站退服" },
      },
    ],
  });
  expect(r.status).toBe(200);
  alarm = gw.state.alarms.list()[0];
  const s = await req(gw, "POST", "/api/scenarios", "dev-planner-token", {
    name: "A",
    candidates: [],
    params: {},
    kpis: {},
  });
  expect(s.status).toBe(201);
  scenarioId = ((await s.json()) as { id: number }).id;
});
afterAll(async () => {
  await gw?.close();
  delete process.env.SCENARIO_DB;
});

describe("kiosk / wall token (viewer)", () => {
  it("cannot acknowledge an alarm over the socket (forbidden, nothing changes), an operator can", async () => {
    const viewer = sock(gw, { token: "dev-viewer-token" });
    expect(await connected(viewer)).toBe("connected");
    const err = new Promise<ErrorMsg>((r) => viewer.once("error", r));
    viewer.emit("alarm:ack", { v, alarmId: alarm.id });
    expect(await err).toMatchObject({
      code: "forbidden",
      reason: "role viewer may not acknowledge alarms (needs operator)",
    });
    await sleep(200);
    expect(gw.state.alarms.get(alarm.id)!.ackedAt).toBeUndefined();
    // an anonymous browser is a viewer too
    const anon = sock(gw);
    expect(await connected(anon)).toBe("connected");
    const err2 = new Promise<ErrorMsg>((r) => anon.once("error", r));
    anon.emit("alarm:ack", { v, alarmId: alarm.id });
    expect((await err2).code).toBe("forbidden");
    // the operator's ack is applied and broadcast to the viewer
    const seen = new Promise<{ op: string; alarm: Alarm }>((r) =>
      viewer.on("alarm", (m: { op: string; alarm: Alarm }) => m.op === "ack" && r(m)),
    );
    const op = sock(gw, { token: "dev-operator-token" });
    expect(await connected(op)).toBe("connected");
    op.emit("alarm:ack", { v, alarmId: alarm.id });
    expect((await seen).alarm.ackedBy).toBe("dev-operator");
    for (const s of [viewer, anon, op]) s.close();
  });

  it("cannot acknowledge, write scenarios, ingest or pause over REST (403 with the reason)", async () => {
    const before = JSON.stringify(
      ((await (await req(gw, "GET", "/api/scenarios", "dev-viewer-token")).json()) as { items: unknown[] }).items,
    );
    const rows: [string, string, unknown][] = [
      ["POST", `/api/alarms/${encodeURIComponent(alarm.id)}/ack`, undefined],
      ["POST", "/api/scenarios", { name: "kiosk", candidates: [], params: {}, kpis: {} }],
      ["PUT", `/api/scenarios/${scenarioId}`, { name: "kiosk", candidates: [], params: {}, kpis: {} }],
      ["DELETE", `/api/scenarios/${scenarioId}`, undefined],
      ["POST", "/api/ingest", { records: [{ layer: "sites", id: data.sites[0].id, ts: Date.now(), status: 2 }] }],
      ["POST", "/api/sim/pause", undefined],
    ];
    for (const [method, path, body] of rows) {
      for (const token of ["dev-viewer-token", undefined]) {
        const r = await req(gw, method, path, token, body);
        const j = (await r.json()) as { reason: string };
        // no token = the anonymous role, which is viewer in this (default) config: the same refusal
        expect(r.status, `${method} ${path} ${token ?? "anonymous"}`).toBe(403);
        expect(j.reason).toMatch(/^role viewer may not/);
      }
    }
    expect(
      JSON.stringify(
        ((await (await req(gw, "GET", "/api/scenarios", "dev-viewer-token")).json()) as { items: unknown[] }).items,
      ),
    ).toBe(before);
    expect(gw.state.paused).toBe(false);
    expect(gw.state.layers.sites.status[0]).toBe(4); // the viewer's ingest record was not applied
  });

  it("each role does only its own job", async () => {
    expect(
      (
        await req(gw, "POST", "/api/ingest", "dev-operator-token", {
          records: [{ layer: "sites", id: data.sites[0].id, ts: Date.now(), status: 1 }],
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await req(gw, "POST", "/api/ingest", "dev-planner-token", {
          records: [{ layer: "sites", id: data.sites[0].id, ts: Date.now(), status: 1 }],
        })
      ).status,
    ).toBe(403);
    expect((await req(gw, "POST", "/api/sim/pause", "dev-ingest-token")).status).toBe(403);
    expect(
      (await req(gw, "POST", "/api/scenarios", "dev-ingest-token", { name: "x", candidates: [], params: {}, kpis: {} }))
        .status,
    ).toBe(403);
    expect(
      (
        await req(gw, "POST", "/api/scenarios", "dev-planner-token", {
          name: "B",
          candidates: [],
          params: {},
          kpis: {},
        })
      ).status,
    ).toBe(201);
    const bad = await req(gw, "POST", "/api/sim/pause", "not-a-real-token-000");
    expect([bad.status, ((await bad.json()) as { reason: string }).reason]).toEqual([401, "unknown token"]);
  });
});

describe("socket authentication and origin allow-list", () => {
  it("refuses unknown tokens and foreign origins; accepts the configured origin and same-origin", async () => {
    const cases: [{ token?: string; origin?: string }, string][] = [
      [{ token: "stolen-or-guessed-token" }, "refused: unauthorized: unknown token"],
      // a refused websocket upgrade reaches the client only as "websocket error"; the reason is checked below
      [{ origin: "https://evil.example" }, "refused: websocket error"],
      [{ token: "dev-operator-token", origin: "https://evil.example" }, "refused: websocket error"],
      [{ origin: "http://localhost:5173" }, "refused: websocket error"], // dev origins are off in production (dev: false)
      [{ origin: "https://wall.example" }, "connected"],
      [{ origin: gw.url }, "connected"],
    ];
    for (const [opts, want] of cases) {
      const s = sock(gw, opts);
      expect(await connected(s), JSON.stringify(opts)).toBe(want);
      s.close();
    }
    const poll = (origin: string) => fetch(`${gw.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const refused = await poll("https://evil.example");
    expect([refused.status, await refused.text()]).toEqual([
      403,
      JSON.stringify({ code: 4, message: "origin not allowed" }),
    ]);
    expect((await poll("https://wall.example")).status).toBe(200);
  });

  it("with anonymous access off, a token is required for the socket and for reading scenarios", async () => {
    const locked = await createGateway({
      data,
      source: "ingest",
      tokens: { ...DEV_TOKENS, anonymous: null },
      log: () => {},
    });
    try {
      const s = sock(locked);
      expect(await connected(s)).toBe("refused: unauthorized: a token is required");
      s.close();
      const ok = sock(locked, { token: "dev-viewer-token" });
      expect(await connected(ok)).toBe("connected");
      ok.close();
      expect((await req(locked, "GET", "/api/scenarios")).status).toBe(401);
      expect((await req(locked, "GET", "/api/scenarios", "dev-viewer-token")).status).toBe(200);
    } finally {
      await locked.close();
    }
  });

  it("a foreign origin cannot make state-changing REST calls even with a valid token", async () => {
    const r = await req(gw, "POST", "/api/sim/pause", "dev-operator-token", undefined, {
      origin: "https://evil.example",
    });
    expect([r.status, ((await r.json()) as { reason: string }).reason]).toEqual([
      403,
      "origin https://evil.example not allowed",
    ]);
    expect(gw.state.paused).toBe(false);
  });
});

describe("rate and size limits", () => {
  it("socket: 10 msg/s sustained, burst 30; beyond that rate_limited; after 20 rejections the connection is dropped", async () => {
    const g = await createGateway({ data, source: "ingest", log: () => {} }); // default limits
    try {
      const s = sock(g);
      expect(await connected(s)).toBe("connected");
      const codes: string[] = [];
      s.on("error", (e: ErrorMsg) => codes.push(e.code));
      const gone = new Promise<string>((r) => s.once("disconnect", r));
      for (let k = 0; k < 60; k++) s.emit("detail:unsubscribe", { v });
      expect(await gone).toBe("io server disconnect");
      // 30 pass (burst), then each further one is a strike; the 20th strike disconnects
      expect(codes.filter((c) => c === "rate_limited").length).toBeGreaterThanOrEqual(20);
      expect((await fetch(`${g.url}/api/health`)).status).toBe(200);
    } finally {
      await g.close();
    }
  });

  it("REST: per-address token buckets for reads and writes -> 429 with a reason", async () => {
    const app = Fastify();
    const state = new LiveState(layerIds(data));
    registerRest(app, {
      state,
      bus: new LocalBus(),
      tokens: new TokenBook(DEV_TOKENS),
      origins: new OriginPolicy([], false),
      startedAt: Date.now(),
      sim: () => ({ enabled: false, running: false, speed: 0 }),
      clients: () => 0,
      acceptIngest: true,
      rateLimits: { read: [1, 5], write: [1, 3] },
    });
    const get = () => app.inject({ method: "GET", url: "/api/health", remoteAddress: "10.0.0.7" });
    const reads = [];
    for (let k = 0; k < 7; k++) reads.push((await get()).statusCode);
    expect(reads).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const other = await app.inject({ method: "GET", url: "/api/health", remoteAddress: "10.0.0.8" });
    expect(other.statusCode).toBe(200); // per address
    const writes = [];
    for (let k = 0; k < 4; k++)
      writes.push(
        (
          await app.inject({
            method: "POST",
            url: "/api/sim/pause",
            remoteAddress: "10.0.0.7",
            headers: { authorization: "Bearer dev-operator-token" },
          })
        ).statusCode,
      );
    expect(writes).toEqual([200, 200, 200, 429]);
    const r = await app.inject({ method: "POST", url: "/api/sim/pause", remoteAddress: "10.0.0.7" });
    expect(r.headers["retry-after"]).toBe("1");
    expect(r.json()).toEqual({ error: "rate_limited", reason: "too many write requests from 10.0.0.7 (limit 1/s)" });
    await app.close();
  });

  it("size limits: socket frame 64 KiB, client message 4 KiB, REST body 1 MiB, scenario body 4 MiB", async () => {
    const big = sock(gw);
    expect(await connected(big)).toBe("connected");
    const gone = new Promise<string>((r) => big.once("disconnect", r));
    big.emit("resync", { v, layer: "sites", reason: "x".repeat(70 * 1024) });
    expect(await gone).toBe("transport close");
    const mid = sock(gw);
    expect(await connected(mid)).toBe("connected");
    const e = new Promise<ErrorMsg>((r) => mid.once("error", r));
    mid.emit("resync", { v, layer: "sites", reason: "x".repeat(5 * 1024) });
    expect((await e).code).toBe("too_large");
    mid.close();
    const r1 = await fetch(`${gw.url}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer dev-ingest-token" },
      body: JSON.stringify({ records: [{ pad: "x".repeat(1100 * 1024) }] }),
    });
    expect(r1.status).toBe(413);
    const r2 = await fetch(`${gw.url}/api/scenarios`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer dev-planner-token" },
      body: JSON.stringify({
        name: "big",
        candidates: [],
        params: {},
        kpis: {},
        description: "x".repeat(3 * 1024 * 1024),
      }),
    });
    expect(r2.status).toBe(400); // 3 MiB passes the 4 MiB limit and is refused by the schema (description max 2000)
    const r3 = await fetch(`${gw.url}/api/scenarios`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer dev-planner-token" },
      body: JSON.stringify({ name: "big", description: "x".repeat(4.5 * 1024 * 1024) }),
    });
    expect(r3.status).toBe(413);
  });
});

const hasDist = existsSync("dist/index.html");
if (!hasDist)
  console.warn("[access.test] served-app header checks SKIPPED: dist/ missing (run `npx tsx tools/ensure-build.ts`)");

describe.skipIf(!hasDist)("security headers and CSP on the served app (dist/)", () => {
  let app: Gateway;
  beforeAll(async () => {
    app = await createGateway({
      data,
      source: "ingest",
      staticDir: join(process.cwd(), "dist"),
      dev: false,
      log: () => {},
    });
  });
  afterAll(async () => app?.close());

  it("index.html, a script asset, the SPA fallback, an API answer and a 404 all carry CSP and the headers", async () => {
    const asset = readdirSync("dist/assets").find((f) => f.endsWith(".js"))!;
    for (const path of ["/", `/assets/${asset}`, "/command", "/api/health", "/nope.txt"]) {
      const r = await fetch(`${app.url}${path}`);
      const csp = r.headers.get("content-security-policy") ?? "";
      const directives = Object.fromEntries(
        csp
          .split(";")
          .map((d) => d.trim().split(/\s+/))
          .map(([k, ...vals]) => [k, vals]),
      );
      expect(directives["default-src"], path).toEqual(["'self'"]);
      expect(directives["script-src"], path).toEqual(["'self'", "'wasm-unsafe-eval'"]); // no 'unsafe-inline', no 'unsafe-eval'
      expect(directives["object-src"]).toEqual(["'none'"]);
      expect(directives["frame-ancestors"]).toEqual(["'none'"]);
      expect(directives["base-uri"]).toEqual(["'self'"]);
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
      expect(r.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(r.headers.get("permissions-policy")).toContain("camera=()");
    }
    const html = await (await fetch(`${app.url}/`)).text();
    // the CSP forbids inline scripts, so the page must not rely on any
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>[^<]+<\/script>/gi) ?? []).toEqual([]);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i); // no inline event handlers
  });
});
