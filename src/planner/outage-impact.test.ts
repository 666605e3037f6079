import { Rng } from "../protocol/prng";
import { describe, expect, it } from "vitest";
import type { RadioSite } from "./coverage";
import { randomSites, squareArea } from "./fixtures";
import { makeProjection, toLonLat } from "./geo";
import { impactSeries, outageSets } from "./impact-series";
import { OutageImpact, rowRuns } from "./outage-impact";
import { DEFAULT_LOSSES, DEFAULT_PROPAGATION } from "./radio";

const LON = 119.3,
  LAT = 26.08;
const P = makeProjection(LON, LAT);

function site(id: string, x: number, y: number): RadioSite & { district: "鼓楼区" } {
  const [lon, lat] = toLonLat(P, x, y);
  return {
    id,
    lon,
    lat,
    heightM: 30,
    azimuths: [0, 120, 240],
    tiltDeg: 6,
    txPowerDbm: 53,
    band: "n78",
    district: "鼓楼区",
  };
}

/**
 * A 2 km × 2 km lattice of 50 m cells centred on site A, one district over exactly that square with 40,000 people
 * and no residential buildings (so 10,000 people/km², 25 people per cell). Thresholds low enough (good −140 dBm)
 * that every cell within the 300 m range is good and every cell beyond has no signal: a site's coverage is exactly
 * the cells whose centre lies within 300 m.
 */
function handGrid(sites: RadioSite[]) {
  const sq = squareArea(LON, LAT, 2000);
  const ring = sq.coordinates[0];
  return new OutageImpact({
    sites: sites as (RadioSite & { district: "鼓楼区" })[],
    districts: [{ name: "鼓楼区", geometry: sq, population: 40000 }],
    params: {
      maxRangeM: 300,
      thresholds: { goodDbm: -140, weakDbm: -150 },
      losses: { ...DEFAULT_LOSSES, penetrationDb: 0 },
      propagation: { ...DEFAULT_PROPAGATION, losMode: "nlos" },
    },
    box: [ring[0][0], ring[0][1], ring[2][0], ring[2][1]],
  });
}

describe("outage impact: worked example", () => {
  it("one site's loss leaves the 112 cells within 300 m uncovered: 0.28 km², 2,800 people", () => {
    // site A sits on a cell corner; per quadrant, columns with centre x = 25, 75, …, 275 m hold 6, 6, 5, 5, 4, 2
    // cells with centre distance ≤ 300 m (y ≤ √(300² − x²)): 28 per quadrant, 112 in all
    const imp = handGrid([site("A", 0, 0), site("FAR", 900, 900)]);
    expect(imp.lattice().nx).toBe(40);
    const none = imp.setDown([]).result;
    expect(none.cells).toBe(0);
    const { result: r } = imp.setDown(["A"]);
    expect(r.down).toBe(1);
    expect(r.cells).toBe(112);
    expect(r.areaKm2).toBeCloseTo(0.28, 6);
    expect(r.people).toBeCloseTo(2800, 0);
    expect(r.weakPeople).toBeCloseTo(2800, 0); // nothing reaches them: below weak too
    expect(r.districts).toEqual([
      { name: "鼓楼区", people: expect.closeTo(2800, 0), areaKm2: expect.closeTo(0.28, 6) },
    ]);
    expect(r.sites[0]).toMatchObject({ id: "A", cells: 112, neighbours: [] });
    // the footprint: 12 rows (y = ±25 … ±275), the widest 12 cells
    expect(r.runs.length / 3).toBe(12);
    const widths = [];
    for (let k = 0; k < r.runs.length; k += 3) widths.push(r.runs[k + 2] - r.runs[k + 1] + 1);
    expect(widths.reduce((a, b) => a + b, 0)).toBe(112);
    expect(Math.max(...widths)).toBe(12);
    // back in service: nothing lost
    expect(imp.setDown([]).result.cells).toBe(0);
  });

  it("a neighbour 400 m east takes over the 24 cells within 300 m of both: 88 cells, 2,200 people lost", () => {
    // overlap lens, by column centre x (A at 0, B at 400): x = 125 → |y| ≤ 119.9 (4 cells), 175 → 198.4 (8),
    // 225 → 198.4 (8), 275 → 119.9 (4): 24 cells; A served 112 − (its share of the lens) but every lens cell is
    // good through B once A is down, so 112 − 24 = 88 cells lose coverage
    const imp = handGrid([site("A", 0, 0), site("B", 400, 0)]);
    const { result: r } = imp.setDown(["A"]);
    expect(r.cells).toBe(88);
    expect(r.people).toBeCloseTo(2200, 0);
    expect(r.areaKm2).toBeCloseTo(0.22, 6);
    const a = r.sites.find((s) => s.id === "A")!;
    expect(a.neighbours[0].id).toBe("B");
    // B now serves the lens cells A used to serve best (A and B share the lens by RSRP)
    expect(a.neighbours[0].cells).toBeGreaterThan(0);
    expect(a.neighbours[0].cells).toBeLessThanOrEqual(24);
    // both down: A's 112 and B's 112 cells, the lens counted once
    expect(imp.setDown(["A", "B"]).result.cells).toBe(112 + 112 - 24);
    expect(imp.setDown(["B"]).result.cells).toBe(88);
  });

  it("row runs merge consecutive cells of a row only", () => {
    expect(Array.from(rowRuns([5, 1, 2, 3, 9, 10], 5))).toEqual([0, 1, 3, 1, 0, 0, 1, 4, 4, 2, 0, 0]);
  });

  it("unknown ids are counted, not fatal", () => {
    const imp = handGrid([site("A", 0, 0)]);
    expect(imp.setDown(["nope", "A"]).unknown).toBe(1);
  });
});

describe("outage impact over time (a recorded outage timeline)", () => {
  // A at 0, B 400 m east (the worked example above): A alone 88 cells / 2,200 people, both 200 / 5,000, B alone 88
  const timeline = {
    from: 0,
    to: 100,
    down: [],
    changes: [
      [10, "A", 1],
      [20, "B", 1],
      [30, "A", 0],
    ] as [number, string, 0 | 1][],
  };

  it("one point at `from`, after each change and at `to`; the live down set is put back", () => {
    const imp = handGrid([site("A", 0, 0), site("B", 400, 0)]);
    imp.setDown(["B"]);
    const s = impactSeries(imp, timeline);
    expect(s.map((p) => [p.t, p.down, p.areaKm2.toFixed(4)])).toEqual([
      [0, 0, "0.0000"],
      [10, 1, "0.2200"],
      [20, 2, "0.5000"],
      [30, 1, "0.2200"],
      [100, 1, "0.2200"],
    ]);
    expect(s.map((p) => Math.round(p.people))).toEqual([0, 2200, 5000, 2200, 2200]);
    expect(s.every((p) => Math.abs(p.weakPeople - p.people) < 1e-6)).toBe(true); // nothing else reaches those cells
    // the engine is back on the live set: B down
    expect(imp.downIds()).toEqual(["B"]);
    expect(imp.result().cells).toBe(88);
  });

  it("more change times than points: the sets at evenly spaced times", () => {
    const sets = outageSets(timeline, 3); // 3 change times + from + to > 3 points: sample at 0, 50, 100
    expect(sets).toEqual([
      { t: 0, down: [] },
      { t: 50, down: ["B"] },
      { t: 100, down: ["B"] },
    ]);
    // changes at one time form one point; a set given at `from` is the start
    expect(
      outageSets({
        from: 5,
        to: 5,
        down: ["A"],
        changes: [
          [5, "B", 1],
          [5, "A", 0],
        ],
      }).map((x) => x.down),
    ).toEqual([["A"], ["B"]]);
  });
});

describe("outage impact: incremental equals full recomputation", () => {
  it("over random outage sequences (300 sites, indoor view), to the cell", () => {
    const sites = randomSites(300, LON, LAT, 6000, 7).map((s) => ({ ...s, district: "鼓楼区" as const }));
    const sq = squareArea(LON, LAT, 8000);
    const init = {
      sites,
      districts: [{ name: "鼓楼区" as const, geometry: sq, population: 500000 }],
      params: { maxRangeM: 1500, losses: { ...DEFAULT_LOSSES, penetrationDb: 20 }, bucketM: 300 },
    };
    const imp = new OutageImpact(init);
    const rng = new Rng(42);
    const rnd = () => rng.next();
    let down = new Set<string>();
    let sawLoss = 0;
    for (let step = 0; step < 25; step++) {
      // flip a few sites each step; every 8th step a storm of 40
      const flips = step % 8 === 7 ? 40 : 1 + Math.floor(rnd() * 4);
      down = new Set(down);
      for (let k = 0; k < flips; k++) {
        const id = sites[Math.floor(rnd() * sites.length)].id;
        if (down.has(id)) down.delete(id);
        else down.add(id);
      }
      const { result } = imp.setDown(down);
      const inc = imp.lostCells();
      const full = imp.recomputeFull();
      expect(inc.size).toBe(full.size);
      for (const [c, r] of full) expect(inc.get(c)).toEqual(r);
      // and a fresh engine that only ever saw this down set
      const fresh = new OutageImpact(init);
      fresh.setDown(down);
      expect(fresh.lostCells()).toEqual(inc);
      let people = 0;
      for (const c of full.keys()) people += imp.peopleAt(c);
      expect(result.people).toBeCloseTo(people, 3);
      if (full.size) sawLoss++;
    }
    expect(sawLoss).toBeGreaterThan(10);
  });
});
