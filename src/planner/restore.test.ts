import { describe, expect, it } from "vitest";
import type { RadioSite } from "./coverage";
import { randomSites, squareArea } from "./fixtures";
import { makeProjection, toLocal, toLonLat } from "./geo";
import { DEFAULT_LOSSES, DEFAULT_PROPAGATION } from "./radio";
import { clusterAround, lostCells, scoreAgainstOutage } from "./restore";
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

/**
 * The hand grid of the outage-impact tests, in the planner: 50 m cells, one district (a 2 km square, 40,000 people,
 * no buildings: 25 people per cell), good −140 dBm and a 300 m range, so a site covers exactly the cells whose
 * centre lies within 300 m of it (112 cells around a site on a cell corner).
 */
function handSession(sites: RadioSite[]) {
  return new PlannerSession({
    sites,
    districts: [{ name: "鼓楼区", geometry: squareArea(LON, LAT, 2000), population: 40000 }],
    params: {
      cellSizeM: 50,
      maxRangeM: 300,
      thresholds: { goodDbm: -140, weakDbm: -150 },
      losses: { ...DEFAULT_LOSSES, penetrationDb: 0 },
      propagation: { ...DEFAULT_PROPAGATION, losMode: "nlos" },
    },
  });
}
const P = makeProjection(LON, LAT);
function site(id: string, x: number, y: number) {
  const [lon, lat] = toLonLat(P, x, y);
  return { id, lon, lat, heightM: 30, azimuths: [0, 120, 240] as [number, number, number], tiltDeg: 6 };
}
const radio = { txPowerDbm: 53, band: "n78" as const };
const at = (id: string, x: number, y: number) => ({ ...site(id, x, y), ...radio });

/** Cell centres (odd multiples of 25 m) of the 12 × 12 square around the origin within `r` of (x, y) and of A. */
function lensCells(x: number, y: number, r = 300): number {
  let n = 0;
  for (let i = -6; i < 6; i++)
    for (let j = -6; j < 6; j++) {
      const cx = (i + 0.5) * 50,
        cy = (j + 0.5) * 50;
      if (cx * cx + cy * cy <= 300 * 300 && (cx - x) ** 2 + (cy - y) ** 2 <= r * r) n++;
    }
  return n;
}

describe("restore coverage: restriction and scoring, worked numbers", () => {
  it("a lone site's outage: the area is the 600 m square around it (144 cells), 112 lost cells, 2,800 people", () => {
    const s = handSession([at("A", 0, 0), at("FAR", 900, 900), at("AWAY", 8000, 0)]);
    s.setArea(squareArea(LON, LAT, 2000));
    // AWAY is down too but 8 km from A: outside the 5 km cluster, left out of the area
    // the planner's own siting grid (250 m, 100 m from existing sites) so the positions are hand-checkable
    const { snapshot, restore: r } = s.restoreCoverage(["A", "AWAY"], {
      count: 2,
      siting: { gridSpacingM: 250, minSeparationM: 100 },
    });
    expect(r.sites).toEqual(["A"]);
    expect(r.skipped).toEqual(["AWAY"]);
    // reach of good = the 300 m range, snapped to 50 m: a 600 m × 600 m square, 12 × 12 cells, A on a corner
    expect([snapshot.grid.nx, snapshot.grid.ny]).toEqual([12, 12]);
    expect(snapshot.grid.mask.reduce((a, b) => a + b, 0)).toBe(144);
    expect(r.lostCells).toBe(112);
    expect(r.lostKm2).toBeCloseTo(0.28, 6);
    expect(r.lostPeople).toBeCloseTo(2800, 0);
    // the siting's demand is the outage: nothing counted as covered before, the area's people are the lost people
    expect(r.siting.baselineCoveredPeople).toBe(0);
    expect(r.siting.areaPeople).toBeCloseTo(2800, 0);
    expect(s.outOfServiceIds().sort()).toEqual(["A", "AWAY"]);
    // proposals: grid points at 250 m spacing (centres of cells 2 and 7 of each axis: −175 m and +75 m), ≥ 100 m
    // from A; the best is (75, 75), nearest A; it regains the lost cells within 300 m of it
    expect(r.proposals.length).toBeGreaterThan(0);
    const best = r.proposals[0];
    const [bx, by] = toLocal(P, best.candidate.lon, best.candidate.lat);
    expect(bx).toBeCloseTo(75, 0);
    expect(by).toBeCloseTo(75, 0);
    // 85 lost cells lie strictly within 300 m of (75, 75); 2 more, (−225, 75) and (75, −225), lie exactly at 300 m
    // (a tie the lon/lat round trip of the candidate decides either way)
    expect(lensCells(75, 75, 299.9)).toBe(85);
    expect(lensCells(75, 75)).toBe(87);
    expect(best.regainedCells).toBeGreaterThanOrEqual(85);
    expect(best.regainedCells).toBeLessThanOrEqual(87);
    expect(best.regainedPeople).toBeCloseTo(25 * best.regainedCells, 0);
    expect(best.regainedKm2).toBeCloseTo(best.regainedCells * 0.0025, 6);
    // scoring agrees with the siting's own marginal gain (both count people of lost cells brought back to good)
    for (const p of r.proposals) expect(p.regainedPeople).toBeCloseTo(p.marginalPeople, 1);
    for (const p of r.proposals) expect(s.engine.inArea(p.candidate.lon, p.candidate.lat)).toBe(true);
    expect(r.proposals.reduce((a, p) => a + p.regainedCells, 0)).toBeLessThanOrEqual(112);
  });

  it("scores against the outage: a site where A stood regains all 112 cells; a second one after it regains 0", () => {
    const s = handSession([at("A", 0, 0), at("FAR", 900, 900)]);
    s.setArea(squareArea(LON, LAT, 2000));
    s.restoreCoverage(["A"]);
    const lost = lostCells(s.engine, [at("A", 0, 0)], -140);
    expect(lost.reduce((a, b) => a + b, 0)).toBe(112);
    const people = s.demandLayer!.people;
    const [first, second] = scoreAgainstOutage(s.engine, [at("X", 0, 0), at("Y", 100, 0)], lost, people, -140);
    expect(first).toEqual({
      regainedCells: 112,
      regainedPeople: expect.closeTo(2800, 0),
      regainedKm2: expect.closeTo(0.28, 6),
    });
    expect(second.regainedCells).toBe(0);
    // alone, a site 600 m east regains nothing (its disc only touches A's at x = 300 m; no cell centre in both)
    expect(scoreAgainstOutage(s.engine, [at("E", 600, 0)], lost, people, -140)[0].regainedCells).toBe(0);
    // with restore's own siting defaults (100 m grid, 50 m from existing sites) there are proposals too
    const dflt = s.restoreCoverage(["A"]).restore;
    expect(dflt.proposals.length).toBeGreaterThan(0);
    expect(dflt.proposals[0].regainedPeople).toBeGreaterThan(0);
    // and one 200 m east regains the lens of the two 300 m discs
    expect(scoreAgainstOutage(s.engine, [at("L", 200, 0)], lost, people, -140)[0].regainedCells).toBe(
      lensCells(200, 0),
    );
  });

  it("a neighbour 400 m east keeps the 24 lens cells: 88 cells, 2,200 people lost; the area grows to hold both", () => {
    const s = handSession([at("A", 0, 0), at("B", 400, 0)]);
    s.setArea(squareArea(LON, LAT, 2000));
    const only = s.restoreCoverage(["A"]).restore;
    expect(only.lostCells).toBe(88);
    expect(only.lostPeople).toBeCloseTo(2200, 0);
    // both down: one area 600 m + 400 m wide (1000 × 600 m, 20 × 12 cells); every cell either site covered is lost
    const both = s.restoreCoverage(["A", "B"]);
    expect([both.snapshot.grid.nx, both.snapshot.grid.ny]).toEqual([20, 12]);
    expect(both.restore.sites).toEqual(["A", "B"]);
    expect(both.restore.lostCells).toBe(112 + 112 - 24);
    expect(both.restore.lostPeople).toBeCloseTo(25 * 200, 0);
  });

  it("the cluster: sites within clusterM of the focus, focus first", () => {
    const d = [site("A", 0, 0), site("B", 3000, 0), site("C", 0, -6000)];
    expect(clusterAround(d, 5000).inside.map((x) => x.id)).toEqual(["A", "B"]);
    expect(clusterAround(d, 5000, "C").inside.map((x) => x.id)).toEqual(["C"]);
    expect(clusterAround(d, 6500, "C")).toMatchObject({ inside: [{ id: "C" }, { id: "A" }], skipped: [{ id: "B" }] });
    expect(clusterAround([], 5000)).toEqual({ inside: [], skipped: [] });
  });
});
