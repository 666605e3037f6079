import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEV_TOKENS, TokenBook } from "./config";
import type { RouteContext } from "./routes";
import { HttpError, registerScenarioRoutes, scenarioRoutes } from "./scenarios";

const cand = (id: string, lon = 119.3) => ({
  id,
  lon,
  lat: 26.08,
  heightM: 30,
  azimuths: [0, 120, 240],
  tiltDeg: 6,
  txPowerDbm: 53,
  band: "n78",
});
const valid = {
  name: "鼓楼 A",
  candidates: [cand("C-1"), cand("C-2", 119.31)],
  params: { area: { kind: "district", name: "鼓楼区" }, cellSizeM: 50, goodDbm: -105, weakDbm: -110 },
  kpis: { coveredPct: 97.2, weakPeople: 1200, sitesPer10k: 36.1 },
};

let dir: string;
let app: FastifyInstance;
async function makeApp(requireRole?: Parameters<typeof registerScenarioRoutes>[1]["requireRole"]) {
  const a = Fastify();
  await registerScenarioRoutes(a, { dbPath: join(dir, "sub", "scenarios.db"), requireRole });
  await a.ready();
  return a;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "rongtwin-scen-"));
  app = await makeApp();
});
afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("scenario REST API", () => {
  it("creates, lists, reads, updates and deletes; persists across restarts", async () => {
    const c = await app.inject({ method: "POST", url: "/api/scenarios", payload: valid });
    expect(c.statusCode).toBe(201);
    const rec = c.json();
    expect(rec).toMatchObject({ id: 1, name: "鼓楼 A", kpis: valid.kpis });
    expect(rec.candidates).toHaveLength(2);
    expect(Date.parse(rec.createdAt)).toBeGreaterThan(0);

    await app.inject({ method: "POST", url: "/api/scenarios", payload: { ...valid, name: "鼓楼 B", candidates: [] } });
    const list = (await app.inject({ method: "GET", url: "/api/scenarios" })).json();
    expect(list.items.map((i: { name: string }) => i.name).sort()).toEqual(["鼓楼 A", "鼓楼 B"]);
    expect(list.items.find((i: { name: string }) => i.name === "鼓楼 A").candidateCount).toBe(2);

    const put = await app.inject({
      method: "PUT",
      url: "/api/scenarios/1",
      payload: { ...valid, name: "鼓楼 A2", kpis: { coveredPct: 98 } },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ id: 1, name: "鼓楼 A2", kpis: { coveredPct: 98 }, createdAt: rec.createdAt });

    // restart: a new app on the same file sees the data
    await app.close();
    app = await makeApp();
    const got = await app.inject({ method: "GET", url: "/api/scenarios/1" });
    expect(got.json().name).toBe("鼓楼 A2");
    expect(got.json().candidates[1]).toEqual(cand("C-2", 119.31));

    expect((await app.inject({ method: "DELETE", url: "/api/scenarios/1" })).statusCode).toBe(204);
    expect((await app.inject({ method: "GET", url: "/api/scenarios/1" })).statusCode).toBe(404);
    expect((await app.inject({ method: "DELETE", url: "/api/scenarios/1" })).statusCode).toBe(404);
    expect((await app.inject({ method: "PUT", url: "/api/scenarios/99", payload: valid })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: "/api/scenarios/abc" })).json()).toMatchObject({
      error: "invalid id",
      fields: [{ field: "id" }],
    });
  });

  it("rejects invalid bodies with field-level reasons and changes nothing", async () => {
    await app.inject({ method: "POST", url: "/api/scenarios", payload: valid });
    const before = (await app.inject({ method: "GET", url: "/api/scenarios/1" })).body;
    const bad = {
      ...valid,
      name: "",
      candidates: [cand("C-1"), { ...cand("C-1"), lat: 95 }, { ...cand("X"), band: "n5", azimuths: [0, 120] }],
      params: { cellSizeM: 80, goodDbm: -110, weakDbm: -100 },
      kpis: { coveredPct: "high" },
    };
    for (const req of [
      { method: "POST" as const, url: "/api/scenarios" },
      { method: "PUT" as const, url: "/api/scenarios/1" },
    ]) {
      const r = await app.inject({ ...req, payload: bad });
      expect(r.statusCode).toBe(400);
      const fields = (r.json().fields as { field: string; reason: string }[]).map((f) => f.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          "name",
          "candidates.1.lat",
          "candidates.2.band",
          "candidates.2.azimuths",
          "params.cellSizeM",
          "kpis.coveredPct",
        ]),
      );
      for (const f of r.json().fields) expect(f.reason.length).toBeGreaterThan(0);
    }
    // duplicate candidate ids and inverted thresholds are caught once the fields themselves are valid
    const dup = await app.inject({
      method: "POST",
      url: "/api/scenarios",
      payload: { ...valid, candidates: [cand("A"), cand("A")], params: { goodDbm: -110, weakDbm: -100 } },
    });
    expect(dup.json().fields).toEqual(
      expect.arrayContaining([
        { field: "candidates.1.id", reason: "duplicate candidate id A (also candidates[0])" },
        { field: "params.weakDbm", reason: "weakDbm must be <= goodDbm" },
      ]),
    );
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/scenarios",
          payload: "not json",
          headers: { "content-type": "application/json" },
        })
      ).statusCode,
    ).toBe(400);
    expect((await app.inject({ method: "GET", url: "/api/scenarios/1" })).body).toBe(before);
    expect((await app.inject({ method: "GET", url: "/api/scenarios" })).json().items).toHaveLength(1);
  });

  it("asks requireRole for read and write access", async () => {
    await app.close();
    const seen: string[] = [];
    app = await makeApp((req, access) => {
      seen.push(access);
      if (access === "write" && req.headers.authorization !== "Bearer planner")
        throw new HttpError(403, "needs planner");
    });
    const denied = await app.inject({ method: "POST", url: "/api/scenarios", payload: valid });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual({ error: "forbidden", reason: "needs planner" });
    const ok = await app.inject({
      method: "POST",
      url: "/api/scenarios",
      payload: valid,
      headers: { authorization: "Bearer planner" },
    });
    expect(ok.statusCode).toBe(201);
    expect((await app.inject({ method: "GET", url: "/api/scenarios" })).statusCode).toBe(200);
    expect(seen).toEqual(["write", "write", "read"]);
  });
});

describe("gateway plugin scenarioRoutes", () => {
  it("uses the gateway tokens: anyone reads, planner/operator write", async () => {
    const a = Fastify();
    const logs: string[] = [];
    const ctx = {
      tokens: new TokenBook(DEV_TOKENS),
      state: {} as RouteContext["state"],
      log: (m: string) => logs.push(m),
      scenarioDb: join(dir, "gw.db"),
    };
    await scenarioRoutes(a, ctx);
    await a.ready();
    try {
      expect((await a.inject({ method: "POST", url: "/api/scenarios", payload: valid })).statusCode).toBe(403); // anonymous viewer
      expect(
        (
          await a.inject({
            method: "POST",
            url: "/api/scenarios",
            payload: valid,
            headers: { authorization: "Bearer dev-viewer-token" },
          })
        ).statusCode,
      ).toBe(403);
      expect(
        (
          await a.inject({
            method: "POST",
            url: "/api/scenarios",
            payload: valid,
            headers: { authorization: "Bearer nope-nope-nope" },
          })
        ).statusCode,
      ).toBe(401);
      expect(
        (
          await a.inject({
            method: "POST",
            url: "/api/scenarios",
            payload: valid,
            headers: { authorization: "Bearer dev-planner-token" },
          })
        ).statusCode,
      ).toBe(201);
      expect((await a.inject({ method: "GET", url: "/api/scenarios" })).json().items).toHaveLength(1);
      expect(logs[0]).toContain("gw.db");
    } finally {
      await a.close();
    }
  });
});
