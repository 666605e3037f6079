/**
 * Cross-cutting: the planner's browser ScenarioApi against the gateway's scenario routes (fastify inject as fetch),
 * with KPIs flattened from a real PlannerSession and candidates round-tripped through GeoJSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { makeCandidate } from "../src/planner/candidates";
import { randomSites, squareArea } from "../src/planner/fixtures";
import { geoJSONToCandidates, scenarioToGeoJSON } from "../src/planner/io/geojson";
import { ScenarioApi, ScenarioApiError } from "../src/planner/scenario-api";
import { compareScenarioKpis, flattenKpis } from "../src/planner/scenario-kpis";
import { PlannerSession } from "../src/planner/session";
import { registerScenarioRoutes } from "../src/server/scenarios";

describe("planner scenarios end to end (in-process)", () => {
  it("save A and B from live analysis, load back, compare, export/import GeoJSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rongtwin-plan-"));
    const app = Fastify();
    await registerScenarioRoutes(app, { dbPath: join(dir, "s.db") });
    await app.ready();
    const fetchShim = (async (url: string, init: RequestInit = {}) => {
      const r = await app.inject({
        method: (init.method ?? "GET") as "GET",
        url,
        payload: init.body as string | undefined,
        headers: init.headers as Record<string, string>,
      });
      return new Response(r.statusCode === 204 ? null : r.body, {
        status: r.statusCode,
        headers: { "content-type": "application/json" },
      });
    }) as unknown as typeof fetch;
    const api = new ScenarioApi({ fetch: fetchShim });
    try {
      const area = squareArea(119.3, 26.08, 2000);
      const s = new PlannerSession({
        sites: randomSites(6, 119.3, 26.08, 3000, 3),
        districts: [{ name: "鼓楼区", geometry: area, population: 30000 }],
      });
      const params = { area: { kind: "polygon" as const, geometry: area }, cellSizeM: 50 };
      const a = s.setArea(area);
      const savedA = await api.create({ name: "A (existing)", candidates: [], params, kpis: flattenKpis(a.kpis) });
      const proposals = s.propose({ count: 3 }).proposals.map((p) => p.candidate);
      const b = s.setCandidates([...proposals, makeCandidate(119.29, 26.075, { id: "M-1" })]);
      const savedB = await api.create({ name: "B (+4)", candidates: b.candidates, params, kpis: flattenKpis(b.kpis) });
      expect((await api.list()).map((x) => x.name).sort()).toEqual(["A (existing)", "B (+4)"]);

      // "reload": a fresh session loads B from the server and reproduces its KPIs
      const loaded = await api.get(savedB.id);
      const s2 = new PlannerSession({
        sites: randomSites(6, 119.3, 26.08, 3000, 3),
        districts: [{ name: "鼓楼区", geometry: area, population: 30000 }],
      });
      s2.setArea(loaded.params.area!.kind === "polygon" ? loaded.params.area!.geometry : area);
      const again = s2.setCandidates(loaded.candidates);
      expect(flattenKpis(again.kpis)).toEqual(loaded.kpis);

      const rows = compareScenarioKpis((await api.get(savedA.id)).kpis, loaded.kpis);
      const cov = rows.find((r) => r.key === "coveredPeople")!;
      expect(cov.delta).toBeGreaterThanOrEqual(0);
      expect(rows.find((r) => r.key === "sites")!.delta).toBe(4);

      // GeoJSON export → import gives the same candidates
      const gj = JSON.stringify(
        scenarioToGeoJSON({
          name: loaded.name,
          candidates: loaded.candidates,
          params: loaded.params,
          kpis: loaded.kpis,
        }),
      );
      const imp = geoJSONToCandidates(gj);
      expect(imp.errors).toEqual([]);
      expect(imp.items).toEqual(loaded.candidates);

      const err = await api.create({ name: "", candidates: [], params: {}, kpis: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScenarioApiError);
      expect((err as ScenarioApiError).status).toBe(400);
      expect((err as ScenarioApiError).fields[0].field).toBe("name");
      await api.remove(savedA.id);
      expect((await api.list()).length).toBe(1);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
