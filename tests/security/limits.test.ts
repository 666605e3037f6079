/**
 * Gateway resource limits, one row per attack an anonymous client made from outside (each row failed on the
 * gateway before the limit existed): snapshot amplification through `subscribe`, a client that never reads, an
 * event-loop stall through /api/digest, the array form of ?layers=, a percent-encoded path around the REST
 * limiter, more alarms than a client accepts, REST reads with anonymous access off, and the smaller items
 * (malformed URL, prototype event names, non-string tokens, control characters in scenario names, foreign Host
 * headers, hundreds of sockets from one address). Real gateways in-process, real sockets and HTTP.
 */
import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as ioc, type Socket } from "socket.io-client";
import type { Socket as ServerSocket } from "socket.io";
import { makeFixture } from "../integration/fixture";
import { AlarmList, MAX_ACTIVE_ALARMS, MAX_ALARMS, PROTOCOL_VERSION, type ErrorMsg } from "../../src/protocol/live";
import { createGateway, type Gateway } from "../../src/server/gateway";
import { queuedBytes } from "../../src/server/send-queue";
import { sleep, until } from "../faults/harness";

const v = PROTOCOL_VERSION;
const big = makeFixture({ sites: 20000, datacentres: 4, chargers: 20, roads: 2, sensorsPerRoad: 5 }, 17);
const small = makeFixture({ sites: 40, datacentres: 2, chargers: 30, roads: 1, sensorsPerRoad: 3 }, 19);
const LOCKED_TOKENS = {
  tokens: [
    { token: "limits-viewer-token-01", role: "viewer" as const, name: "v" },
    { token: "limits-ingest-token-01", role: "ingest" as const, name: "i" },
  ],
  anonymous: null,
};
const MAX_PER_ADDRESS = 8;

let gw: Gateway; // 20,000 sites, anonymous viewers allowed, at most 8 sockets per address
let tight: Gateway; // 20,000 sites, a 100 KB send budget per socket
let locked: Gateway; // anonymous access off
const gwLog: string[] = [];

function sock(g: Gateway, opts: { auth?: Record<string, unknown>; headers?: Record<string, string> } = {}): Socket {
  return ioc(g.url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    auth: opts.auth ?? {},
    ...(opts.headers ? { extraHeaders: opts.headers } : {}),
  });
}
const connected = (s: Socket) =>
  new Promise<string>((res) => {
    s.once("connect", () => res("connected"));
    s.once("connect_error", (e: Error) => res(`refused: ${e.message}`));
  });
/** the gateway side of the newest connection */
const serverSocket = (g: Gateway): ServerSocket => [...g.io.of("/").sockets.values()].at(-1)!;
const tcpOf = (s: Socket) =>
  (s.io.engine as unknown as { transport: { ws: { _socket: { pause(): void; destroy(): void } } } }).transport.ws
    ._socket;
/** stop reading from the TCP socket: the gateway's send queue for this client can only grow */
const stopReading = (s: Socket): void => tcpOf(s).pause();
/** a client that stopped reading cannot finish a close handshake: cut its TCP connection */
function kill(s: Socket): void {
  tcpOf(s).destroy();
  s.close();
}
const errors = (s: Socket): ErrorMsg[] => {
  const list: ErrorMsg[] = [];
  s.on("error", (e: ErrorMsg) => list.push(e));
  return list;
};
function rawGet(g: Gateway, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const r = request({ host: "127.0.0.1", port: g.port, path, headers }, (resp) => {
      let body = "";
      resp.on("data", (c: Buffer) => (body += c.toString()));
      resp.on("end", () => res({ status: resp.statusCode ?? 0, body }));
    });
    r.on("error", rej);
    r.end();
  });
}
/** Posts like a well-behaved feed: a 429 (another test drained this address's write bucket) is retried after its
 *  retry-after, a few times; any other status is returned as it is. */
async function ingest(g: Gateway, token: string, records: unknown[]): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${g.url}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ records }),
    });
    if (r.status !== 429 || attempt === 5) return r.status;
    await sleep(Number(r.headers.get("retry-after") ?? "1") * 1000);
  }
}

beforeAll(async () => {
  process.env.SCENARIO_DB = join(mkdtempSync(join(tmpdir(), "rt-limits-")), "s.db");
  gw = await createGateway({
    data: big,
    source: "ingest",
    log: (m) => gwLog.push(m),
    limits: { maxConnectionsPerAddress: MAX_PER_ADDRESS },
  });
  tight = await createGateway({ data: big, source: "ingest", log: () => {}, limits: { maxQueuedBytes: 100_000 } });
  locked = await createGateway({ data: small, source: "ingest", tokens: LOCKED_TOKENS, log: () => {} });
});
afterAll(async () => {
  await Promise.all([gw?.close(), tight?.close(), locked?.close()]);
  delete process.env.SCENARIO_DB;
});

describe("snapshot amplification (subscribe)", () => {
  it("a subscribe naming one layer four times, sent 45 times, is refused and earns no snapshot", async () => {
    const s = sock(gw);
    expect(await connected(s)).toBe("connected");
    const errs = errors(s);
    let snapshots = 0;
    s.on("snapshot", () => snapshots++);
    for (let k = 0; k < 45; k++) s.emit("subscribe", { v, layers: ["sites", "sites", "sites", "sites"] });
    await until(() => errs.length >= 20, 5000, "the refusals");
    await sleep(300);
    expect(snapshots).toBe(0);
    expect(errs[0].code).toBe("invalid");
    expect(errs[0].reason).toMatch(/layers: layer sites listed more than once/);
    s.close();
  });

  it("subscribe is limited per layer like resync (4/s): a second subscribe within 250 ms is refused", async () => {
    const s = sock(gw);
    expect(await connected(s)).toBe("connected");
    const errs = errors(s);
    s.emit("subscribe", { v, layers: ["datacentres"] });
    s.emit("subscribe", { v, layers: ["datacentres"] });
    await until(() => errs.length >= 1, 3000, "the refusal");
    expect(errs[0]).toMatchObject({ code: "rate_limited", event: "subscribe" });
    expect(errs[0].reason).toMatch(/subscribe datacentres: at most 4 per second per layer/);
    s.close();
  });

  it("a client that never reads gets at most one snapshot per layer in flight and no longer grace", async () => {
    const s = sock(gw);
    expect(await connected(s)).toBe("connected");
    s.emit("subscribe", { v, layers: ["sites"] });
    await until(() => serverSocket(gw).rooms.has("L:sites"), 3000, "subscribed");
    const server = serverSocket(gw);
    const grace0 = server.data.graceUntil as number;
    stopReading(s);
    // 4 s of requests within the documented rates: subscribe and resync alternately, every 130 ms
    for (let k = 0; k < 30; k++) {
      s.emit(k % 2 ? "resync" : "subscribe", k % 2 ? { v, layer: "sites" } : { v, layers: ["sites"] });
      await sleep(130);
    }
    const pacer = server.data.snapshots as { sent: number; deferred: number } | undefined;
    const queued = queuedBytes(server);
    console.log(
      `[limits] never-reading client: ${pacer?.sent} snapshots sent (the kernel's socket buffers took most), ` +
        `${pacer?.deferred} requests deferred, ${queued} bytes queued on the gateway`,
    );
    // at most the one snapshot in flight (~0.8 MB of JSON) stays queued, however many were asked for
    expect(queued).toBeLessThan(1_000_000);
    expect(pacer?.deferred).toBeGreaterThan(5);
    // grace is extended only by snapshots actually sent after the previous one drained
    expect(server.data.graceUntil as number).toBeLessThan(grace0 + 4300 + 3000);
    kill(s);
  }, 20_000);

  it("a client whose queue passes the per-socket send budget is disconnected (queue freed)", async () => {
    const s = sock(tight);
    expect(await connected(s)).toBe("connected");
    const gone = new Promise<string>((r) => s.once("disconnect", r));
    stopReading(s);
    for (let k = 0; k < 80 && s.connected; k++) {
      s.emit(k % 2 ? "resync" : "subscribe", k % 2 ? { v, layer: "sites" } : { v, layers: ["sites"] });
      await sleep(260);
    }
    await until(() => tight.io.of("/").sockets.size === 0, 5000, "the over-budget socket to be dropped");
    expect(tight.guard.budget?.dropped).toBe(1);
    kill(s);
    void gone;
  }, 40_000);
});

describe("REST /api/digest", () => {
  it("2,500 repeated layers do not hold the event loop (max delay < 50 ms) and are refused or answered once", async () => {
    const health = async () => {
      const t0 = performance.now();
      await fetch(`${gw.url}/api/health`);
      return performance.now() - t0;
    };
    // best of six tries: on a shared machine another process can take the CPU for tens of ms at any time (an
    // idle loop here shows 60-70 ms blips); before the fix every try held the loop for seconds
    let maxMs = Infinity;
    let long = new Response();
    let short = new Response();
    for (let attempt = 0; attempt < 6 && maxMs >= 50; attempt++) {
      const h = monitorEventLoopDelay({ resolution: 5 });
      h.enable();
      let healthMs: number;
      [long, short, healthMs] = await Promise.all([
        fetch(`${gw.url}/api/digest?layers=${"sites,".repeat(2500)}`),
        fetch(`${gw.url}/api/digest?layers=${"sites,".repeat(100)}`),
        health(),
      ]);
      h.disable();
      maxMs = Math.min(maxMs, h.max / 1e6);
      console.log(
        `[limits] digest flood: event-loop delay max ${(h.max / 1e6).toFixed(1)} ms, concurrent health ${healthMs.toFixed(0)} ms`,
      );
    }
    expect(maxMs).toBeLessThan(50);
    expect(long.status).toBe(400);
    expect(((await long.json()) as { reason: string }).reason).toMatch(/^layers: /);
    expect(short.status, await short.clone().text()).toBe(200);
    expect(Object.keys(((await short.json()) as { layers: object }).layers)).toEqual(["sites"]);
  });

  it("?layers=sites&layers=chargers is accepted (both forms), an unknown layer is a 400 naming the parameter", async () => {
    const r = await fetch(`${gw.url}/api/digest?layers=sites&layers=chargers`);
    expect(r.status).toBe(200);
    expect(Object.keys(((await r.json()) as { layers: object }).layers)).toEqual(["sites", "chargers"]);
    const bad = await fetch(`${gw.url}/api/digest?layers=sites&layers=nope`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { reason: string }).reason).toMatch(/layers: unknown layer\(s\) nope/);
  });
});

describe("REST rate limit by matched route", () => {
  it("/%61pi/sim/pause is limited exactly like /api/sim/pause", async () => {
    const codes: number[] = [];
    for (let k = 0; k < 5; k++)
      codes.push(
        ...(await Promise.all(
          Array.from(
            { length: 50 },
            async () => (await fetch(`${locked.url}/%61pi/sim/pause`, { method: "POST" })).status,
          ),
        )),
      );
    const limited = codes.filter((c) => c === 429).length;
    console.log(`[limits] 250 POST /%61pi/sim/pause: ${limited} x 429`);
    expect(codes[0]).toBe(401); // the route was reached (no token)
    expect(limited).toBeGreaterThan(20); // writes: burst 100, then 30/s
  });
});

describe("alarm list bound shared by gateway and client", () => {
  it("10,200 alarms: the gateway keeps the newest active ones within MAX_ALARMS and says how many it left out", async () => {
    const n = 10_200;
    const rec = (k: number) => ({
      layer: "chargers",
      id: small.chargers[k % small.chargers.length].id,
      ts: 1_780_000_000_000 + k,
      alarm: { kind: `flood-${k}`, severity: "minor", text: `告警 ${k}` },
    });
    for (let from = 0; from < n; from += 5000) {
      const batch = Array.from({ length: Math.min(5000, n - from) }, (_, j) => rec(from + j));
      expect(await ingest(locked, "limits-ingest-token-01", batch)).toBe(200);
    }
    const r = await fetch(`${locked.url}/api/alarms`, { headers: { authorization: "Bearer limits-viewer-token-01" } });
    const body: unknown = await r.json();
    const parsed = AlarmList.safeParse(body); // the client's own schema
    expect(parsed.success).toBe(true);
    const list = parsed.data!;
    expect(list.alarms.length).toBeLessThanOrEqual(MAX_ALARMS);
    expect(list.omitted).toBe(n - MAX_ACTIVE_ALARMS);
    const kinds = new Set(list.alarms.map((a) => a.kind));
    expect(kinds.has(`flood-${n - 1}`)).toBe(true); // newest kept
    expect(kinds.has("flood-0")).toBe(false); // oldest left out
    // kinds are length-limited (a-z 0-9 -, at most 48)
    const long = await fetch(`${locked.url}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer limits-ingest-token-01" },
      body: JSON.stringify({ records: [{ ...rec(0), alarm: { ...rec(0).alarm, kind: "k".repeat(49) } }] }),
    });
    expect(long.status).toBe(400);
    expect(await long.text()).toMatch(/kind/);
  }, 60_000);
});

describe('"anonymous": null locks the REST reads', () => {
  it("without a token /api/health says only ok; /api/digest and /api/alarms answer 401; a viewer token reads all", async () => {
    const h = await fetch(`${locked.url}/api/health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ ok: true });
    for (const path of ["/api/digest", "/api/alarms"]) {
      const r = await fetch(`${locked.url}${path}`);
      expect(r.status, path).toBe(401);
      expect(((await r.json()) as { reason: string }).reason).toBe("a Bearer token is required");
    }
    const auth = { headers: { authorization: "Bearer limits-viewer-token-01" } };
    expect(Object.keys((await (await fetch(`${locked.url}/api/health`, auth)).json()) as object)).toContain("layers");
    expect((await fetch(`${locked.url}/api/digest`, auth)).status).toBe(200);
    expect((await fetch(`${locked.url}/api/alarms`, auth)).status).toBe(200);
  });
});

describe("smaller items", () => {
  it("GET /%ff: 400 with the security headers, the URL not echoed", async () => {
    const r = await fetch(`${gw.url}/%ff`);
    expect(r.status).toBe(400);
    expect(r.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await r.text()).not.toMatch(/%ff/i);
  });

  it("socket events constructor / toString / __proto__ are unknown events (and log nothing)", async () => {
    const s = sock(gw);
    expect(await connected(s)).toBe("connected");
    const errs = errors(s);
    const before = gwLog.length;
    for (const ev of ["constructor", "toString", "__proto__", "hasOwnProperty"]) s.emit(ev, { v });
    await until(() => errs.length >= 4, 3000, "four refusals");
    expect(errs.map((e) => e.code)).toEqual(["unknown_event", "unknown_event", "unknown_event", "unknown_event"]);
    expect(gwLog.slice(before).filter((l) => /socket handler error/.test(l))).toEqual([]);
    s.close();
  });

  it("a non-string socket token (number, object, array) is refused, not treated as anonymous", async () => {
    for (const token of [12345, { a: 1 }, ["dev-viewer-token"]]) {
      const s = sock(gw, { auth: { token } });
      expect(await connected(s)).toBe("refused: unauthorized: the token must be a string");
      s.close();
    }
  });

  it("scenario names with NUL or a lone surrogate are refused, naming the field", async () => {
    for (const name of ["a\u0000b", "x\uD800y", "y\uDC00", "bell\u0007"]) {
      const r = await fetch(`${gw.url}/api/scenarios`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer dev-planner-token" },
        body: JSON.stringify({ name, candidates: [], params: {}, kpis: {} }),
      });
      expect(r.status, JSON.stringify(name)).toBe(400);
      const { fields } = (await r.json()) as { fields: { field: string; reason: string }[] };
      expect(fields[0].field).toBe("name");
      expect(fields[0].reason).toMatch(/^(control character U\+00|lone UTF-16 surrogate)/);
    }
  });

  it("a foreign Host (DNS rebinding) is refused over HTTP and the socket handshake; localhost is fine", async () => {
    const evil = await rawGet(gw, "/api/health", { host: `rebind.evil.example:${gw.port}` });
    expect(evil.status).toBe(403);
    expect(evil.body).not.toMatch(/evil/);
    expect((await rawGet(gw, "/api/health", { host: `localhost:${gw.port}` })).status).toBe(200);
    const s = sock(gw, { headers: { host: `rebind.evil.example:${gw.port}` } });
    expect(await connected(s)).toMatch(/^refused/);
    s.close();
  });

  it(`at most ${MAX_PER_ADDRESS} socket connections per client address`, async () => {
    await until(() => gw.io.engine.clientsCount === 0, 5000, "earlier sockets to close");
    const socks = Array.from({ length: MAX_PER_ADDRESS + 4 }, () => sock(gw));
    const results = await Promise.all(socks.map(connected));
    expect(results.filter((r) => r === "connected").length).toBe(MAX_PER_ADDRESS);
    expect(results.filter((r) => r.startsWith("refused")).length).toBe(4);
    for (const s of socks) s.close();
    await until(() => gw.io.engine.clientsCount === 0, 5000, "sockets to close");
    const again = sock(gw);
    expect(await connected(again)).toBe("connected"); // closed connections are counted down
    again.close();
  });
});
