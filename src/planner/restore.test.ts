import { describe, expect, it } from "vitest";
import { randomSites, squareArea } from "./fixtures";
import { makeProjection, toLocal } from "./geo";
import { DEFAULT_LOSSES } from "./radio";
import { PlannerSession } from "./session";

const LON = 119.3,
  LAT = 26.08;

describe("restore coverage: an outage as a planning case", () => {
  it("sites out of service lower the KPIs; proposals inside the area win people back; [] restores", () => {
    const sites = randomSites(80, LON, LAT, 4000, 5);
    const area = squareArea(LON, LAT, 1500);
    const session = new PlannerSession({
      sites,
      districts: [{ name: "鼓楼区", geometry: squareArea(LON, LAT, 6000), population: 300000 }],
      params: { maxRangeM: 2000, losses: { ...DEFAULT_LOSSES, penetrationDb: 20 } },
    });
    const all = session.setArea({ kind: "polygon", geometry: area }).kpis.area;
    // the sites within 600 m of the centre fail
    const p = makeProjection(LON, LAT);
    const down = sites.filter((s) => Math.hypot(...toLocal(p, s.lon, s.lat)) < 600).map((s) => s.id);
    expect(down.length).toBeGreaterThan(1);
    const out = session.setOutOfService(down).kpis.area;
    expect(out.coveredPeople).toBeLessThan(all.coveredPeople);
    expect(out.sites).toBe(all.sites - down.length);
    expect(session.outOfServiceIds().sort()).toEqual([...down].sort());
    // restore: proposals restricted to the area, scored against the outage
    const r = session.propose({ count: 2, swapPasses: 0 });
    expect(r.proposals.length).toBeGreaterThan(0);
    expect(r.baselineCoveredPeople).toBeCloseTo(out.coveredPeople, 0);
    expect(r.proposals[0].marginalPeople).toBeGreaterThan(0);
    for (const x of r.proposals) expect(session.engine.inArea(x.candidate.lon, x.candidate.lat)).toBe(true);
    expect(() => session.setOutOfService(["nope"])).toThrow(/unknown site ids nope/);
    expect(session.setOutOfService([]).kpis.area.coveredPeople).toBeCloseTo(all.coveredPeople, 3);
  });
});
