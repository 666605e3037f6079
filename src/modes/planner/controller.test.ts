/**
 * PlannerController against the real planner session (in-process worker host) and an in-memory scenario store:
 * place → KPI delta, propose → accept some, save → load into a fresh controller (same candidates and KPIs),
 * import with bad lines, indoor vs outdoor.
 */
import { describe, expect, it } from "vitest";
import { CoverageClient, type WorkerLike } from "../../planner/coverage-client";
import { randomSites, squareArea } from "../../planner/fixtures";
import { makeProjection, toLocal } from "../../planner/geo";
import { PlannerHost, type PlannerRequest, type PlannerResponse } from "../../planner/worker-protocol";
import type { ScenarioBody, ScenarioRecord, ScenarioSummary } from "../../protocol/scenario";
import { ScenarioBody as ScenarioBodySchema } from "../../protocol/scenario";
import { PlannerController, type ScenarioStore } from "./controller";

class InProcessWorker implements WorkerLike {
  private host = new PlannerHost();
  private ls: ((ev: MessageEvent<PlannerResponse>) => void)[] = [];
  postMessage(message: unknown): void {
    const req = structuredClone(message) as PlannerRequest;
    setTimeout(async () => {
      const { response, transfer } = await this.host.handle(req);
      const data = structuredClone(response, { transfer });
      for (const l of this.ls) l({ data } as MessageEvent<PlannerResponse>);
    }, 0);
  }
  addEventListener(type: string, l: (ev: never) => void): void {
    if (type === "message") this.ls.push(l as (ev: MessageEvent<PlannerResponse>) => void);
  }
  terminate(): void {}
}

/** Validates bodies with the same zod schema as the gateway (so a field the schema strips would be lost here too). */
class MemoryScenarios implements ScenarioStore {
  private rows = new Map<number, ScenarioRecord>();
  private next = 1;
  async list(): Promise<ScenarioSummary[]> {
    return [...this.rows.values()].map(({ candidates, params: _p, ...r }) => ({
      ...r,
      candidateCount: candidates.length,
    }));
  }
  async get(id: number): Promise<ScenarioRecord> {
    const r = this.rows.get(id);
    if (!r) throw new Error(`no scenario ${id}`);
    return structuredClone(r);
  }
  async create(body: ScenarioBody): Promise<ScenarioRecord> {
    const b = ScenarioBodySchema.parse(structuredClone(body));
    const rec = { ...b, id: this.next++, createdAt: "t", updatedAt: "t" };
    this.rows.set(rec.id, rec);
    return structuredClone(rec);
  }
  async update(id: number, body: ScenarioBody): Promise<ScenarioRecord> {
    const rec = { ...ScenarioBodySchema.parse(structuredClone(body)), id, createdAt: "t", updatedAt: "u" };
    this.rows.set(id, rec);
    return structuredClone(rec);
  }
  async remove(id: number): Promise<void> {
    this.rows.delete(id);
  }
}

const LON = 119.3,
  LAT = 26.08;
const area = squareArea(LON, LAT, 3000);
const data = {
  sites: randomSites(6, LON, LAT, 4000, 3),
  districts: [{ name: "鼓楼区" as const, geometry: area, population: 60000 }],
};

async function ready(api: ScenarioStore): Promise<PlannerController> {
  const ctl = new PlannerController(new CoverageClient(new InProcessWorker()), api);
  await ctl.initData(data);
  await ctl.setArea({ kind: "district", name: "鼓楼区" });
  return ctl;
}

describe("PlannerController", () => {
  it("place, propose, accept, save, load into a fresh session, import", async () => {
    const api = new MemoryScenarios();
    const ctl = await ready(api);
    const k0 = ctl.state.snap!.kpis.area;
    expect(k0.people).toBeCloseTo(60000, -2);
    expect(k0.coveredPct).toBeLessThan(100);
    expect(ctl.state.busy).toBe(0);

    // place at the weakest populated spot: covered people rise by exactly the delta's net change
    const [spot] = await ctl.weakSpots(1);
    await ctl.place(spot.lon, spot.lat);
    const k1 = ctl.state.snap!.kpis.area;
    expect(ctl.candidates()).toHaveLength(1);
    expect(ctl.state.before).toEqual(k0);
    expect(k1.coveredPeople).toBeGreaterThan(k0.coveredPeople);
    expect(ctl.state.lastDelta!.coveredPeopleChange).toBeCloseTo(k1.coveredPeople - k0.coveredPeople, 1);
    expect(ctl.state.selected).toBe(ctl.candidates()[0].id);

    // propose 3, accept the 2nd only: it becomes a candidate, the other two stay listed
    const r = await ctl.propose({ count: 3 });
    expect(r.proposals.length).toBeGreaterThan(1);
    const second = r.proposals[1];
    await ctl.accept([second]);
    expect(ctl.candidates().map((c) => c.id)).toContain(second.candidate.id);
    expect(ctl.candidates()).toHaveLength(2);
    expect(ctl.state.siting!.result.proposals.map((p) => p.rank)).toEqual(
      r.proposals.filter((p) => p !== second).map((p) => p.rank),
    );
    expect(ctl.state.snap!.kpis.area.coveredPeople).toBeGreaterThanOrEqual(k1.coveredPeople);

    // save: params carry area, thresholds and the indoor loss; KPIs are the flattened snapshot KPIs
    const id = await ctl.save("plan A");
    const rec = await api.get(id);
    expect(rec.params).toEqual({
      area: { kind: "district", name: "鼓楼区" },
      goodDbm: -105,
      weakDbm: -110,
      penetrationDb: 20,
    });
    expect(rec.kpis.coveredPeople).toBeCloseTo(ctl.state.snap!.kpis.area.coveredPeople, 2);
    expect(ctl.state.scenarios.map((s) => s.name)).toEqual(["plan A"]);

    // a fresh controller (page reload) loads it back: same candidates, same KPIs
    const ctl2 = new PlannerController(new CoverageClient(new InProcessWorker()), api);
    await ctl2.initData(data);
    await ctl2.load(id);
    expect(ctl2.candidates()).toEqual(ctl.candidates());
    expect(ctl2.state.snap!.kpis.area).toEqual(ctl.state.snap!.kpis.area);
    expect(ctl2.state.current).toEqual({ id, name: "plan A" });

    // GeoJSON round trip into an emptied scenario, then a CSV with one bad line
    const gj = ctl2.exportText("geojson", "plan A");
    await ctl2.replaceCandidates([]);
    expect(ctl2.candidates()).toHaveLength(0);
    const rep = await ctl2.importText("plan-A.geojson", gj);
    expect(rep).toEqual({ file: "plan-A.geojson", accepted: 2, errors: [] });
    expect(ctl2.candidates()).toEqual(ctl.candidates());
    const csv = `id,lon,lat,band\nN1,${LON + 0.003},${LAT},n41\nN2,${LON},${LAT},n5\n`;
    const rep2 = await ctl2.importText("more.csv", csv);
    expect(rep2.accepted).toBe(1);
    expect(rep2.errors).toHaveLength(1);
    expect(rep2.errors[0]).toMatchObject({ line: 3, field: "band" });
    expect(ctl2.candidates().map((c) => c.id)).toEqual([...ctl.candidates().map((c) => c.id), "N1"]);

    // saving again under the loaded name updates that scenario instead of adding one
    await ctl2.save("plan A");
    expect((await api.list()).map((s) => [s.name, s.candidateCount])).toEqual([["plan A", 3]]);
  });

  it("restore coverage for the live outages, turn them into a scenario, load it back (sites out again)", async () => {
    const sites = randomSites(80, LON, LAT, 4000, 5);
    const api = new MemoryScenarios();
    const ctl = new PlannerController(new CoverageClient(new InProcessWorker()), api);
    await ctl.initData({
      sites,
      districts: [{ name: "鼓楼区", geometry: squareArea(LON, LAT, 6000), population: 300000 }],
      params: { maxRangeM: 2000 },
    });
    await expect(ctl.restoreCoverage()).rejects.toThrow(/no site is in fault or offline/);
    const p = makeProjection(LON, LAT);
    const down = sites.filter((s) => Math.hypot(...toLocal(p, s.lon, s.lat)) < 600).map((s) => s.id);
    expect(down.length).toBeGreaterThan(1);
    ctl.setOutages(down);
    const r = await ctl.restoreCoverage({ count: 2 });
    // the area is the outage area (a polygon), the proposals are listed like siting proposals, scored > 0
    expect(ctl.state.area).toEqual(r.area);
    expect(r.lostPeople).toBeGreaterThan(0);
    expect(r.proposals.length).toBeGreaterThan(0);
    expect(r.proposals[0].regainedPeople).toBeGreaterThan(0);
    expect(ctl.state.siting!.result.proposals).toEqual(r.proposals);
    expect(ctl.state.outOfService).toEqual(down);
    const outKpis = ctl.state.snap!.kpis.area;
    // accepting them covers at least the people they regain (the area KPI also counts people who were weak before
    // the outage and whom the new sites happen to reach: their score counts only the outage)
    await ctl.accept(r.proposals);
    const gained = ctl.state.snap!.kpis.area.coveredPeople - outKpis.coveredPeople;
    expect(gained).toBeGreaterThanOrEqual(r.proposals.reduce((a, x) => a + x.regainedPeople, 0) - 0.5);

    // the outages as a scenario: saved with the sites out of service
    const id = await ctl.outagesToScenario("outage 1");
    const rec = await api.get(id);
    expect(rec.params.outOfService).toEqual(down);
    expect(rec.params.area).toEqual(r.area);
    // a fresh planner loads it: the same sites out again, the same KPIs
    const ctl2 = new PlannerController(new CoverageClient(new InProcessWorker()), api);
    await ctl2.initData({
      sites,
      districts: [{ name: "鼓楼区", geometry: squareArea(LON, LAT, 6000), population: 300000 }],
      params: { maxRangeM: 2000 },
    });
    await ctl2.load(id);
    expect(ctl2.state.outOfService).toEqual(down);
    expect(ctl2.state.snap!.kpis.area).toEqual(ctl.state.snap!.kpis.area);
    // back in service: more people covered than with the outage
    await ctl2.setOutOfService([]);
    expect(ctl2.state.snap!.kpis.area.coveredPeople).toBeGreaterThan(ctl.state.snap!.kpis.area.coveredPeople);
  });

  it("outdoor view (0 dB) covers at least as many people as indoor (20 dB); weak > good is refused", async () => {
    const ctl = await ready(new MemoryScenarios());
    const indoor = ctl.state.snap!.kpis.area.coveredPeople;
    await ctl.setAnalysis({ goodDbm: -105, weakDbm: -110, penetrationDb: 0 });
    expect(ctl.state.snap!.kpis.area.coveredPeople).toBeGreaterThan(indoor);
    await expect(ctl.setAnalysis({ goodDbm: -110, weakDbm: -100, penetrationDb: 0 })).rejects.toThrow(/weakDbm/);
    expect(ctl.state.error).toMatch(/weakDbm/);
    expect(ctl.state.busy).toBe(0);
  });
});
