import { describe, expect, it } from "vitest";
import { DISTRICTS } from "../protocol/data";
import { CoverageEngine } from "./coverage";
import {
  DISTRICT_POPULATION_2018,
  PLAN_SITES_PER_10K_2025,
  buildDemand,
  coverageKpis,
  districtKpis,
  floorAreaM2,
  peoplePerBuilding,
  type DemandBuilding,
} from "./demand";
import { makeProjection, toLocal, toLonLat } from "./geo";

const LON = 119.3,
  LAT = 26.08;
const p = makeProjection(LON, LAT);
/** axis-aligned lon/lat rectangle from metric corners */
const rect = (x0: number, y0: number, x1: number, y1: number) => [
  toLonLat(p, x0, y0),
  toLonLat(p, x1, y0),
  toLonLat(p, x1, y1),
  toLonLat(p, x0, y1),
];
const poly = (x0: number, y0: number, x1: number, y1: number) => ({
  type: "Polygon" as const,
  coordinates: [[...rect(x0, y0, x1, y1), toLonLat(p, x0, y0)]],
});

describe("district populations", () => {
  it("transcribes the 13 official 2018 estimates (sum 7,740,000)", () => {
    expect(Object.keys(DISTRICT_POPULATION_2018).sort()).toEqual([...DISTRICTS].sort());
    expect(Object.values(DISTRICT_POPULATION_2018).reduce((a, b) => a + b, 0)).toBe(7740000);
    expect(DISTRICT_POPULATION_2018.鼓楼区).toBe(740000);
    expect(PLAN_SITES_PER_10K_2025).toBe(35);
  });
});

describe("people by residential floor area", () => {
  // 鼓楼区: two residential buildings, 20×20 m × 10 floors and 20×20 m × 30 floors, plus an office tower
  const b: DemandBuilding[] = [
    { district: "鼓楼区", usage: "residential", floors: 10, footprint: rect(10, 10, 30, 30) },
    { district: "鼓楼区", usage: "residential", floors: 30, footprint: rect(310, 310, 330, 330) },
    { district: "鼓楼区", usage: "office", floors: 50, footprint: rect(510, 10, 530, 30) },
  ];
  it("floor area = footprint × floors", () => {
    expect(floorAreaM2(b[0])).toBeCloseTo(400 * 10, 0);
  });
  it("splits the district population 1 : 3, offices get nobody", () => {
    const { people } = peoplePerBuilding(b);
    // (±5 people: each footprint's area is projected about its own latitude)
    expect(people[0]).toBeCloseTo(185000, -1);
    expect(people[1]).toBeCloseTo(555000, -1);
    expect(people[0] + people[1]).toBeCloseTo(740000, 6);
    expect(people[2]).toBe(0);
  });
  it("puts building people in the cell of their centroid; a district without buildings is uniform", () => {
    // grid 0…1000 m east, 0…500 m north, 50 m cells; 鼓楼区 covers x < 600, 台江区 covers x ≥ 600
    const e = new CoverageEngine([], { cellSizeM: 50 });
    e.setArea(poly(0, 0, 1000, 500));
    const g = e.getGrid();
    const districts = [
      { name: "鼓楼区" as const, geometry: poly(0, 0, 600, 500) },
      // 台江区 polygon is 400 × 1000 m (0.4 km²) but only half of it lies in the grid
      { name: "台江区" as const, geometry: poly(600, 0, 1000, 1000) },
    ];
    const d = buildDemand(g, g.mask, b, districts);
    const cellAt = (x: number, y: number) => {
      const [lon, lat] = toLonLat(p, x, y);
      const [ex, ey] = toLocal(e.projection(), lon, lat);
      return Math.floor((ey - g.originY) / 50) * g.nx + Math.floor((ex - g.originX) / 50);
    };
    expect(d.people[cellAt(20, 20)]).toBeCloseTo(185000, -1);
    expect(d.people[cellAt(320, 320)]).toBeCloseTo(555000, -1);
    expect(d.people[cellAt(520, 20)]).toBe(0);
    // 台江区 486,000 people over 0.4 km² → 1.215 people/m² → 3037.5 per 2500 m² cell
    expect(d.people[cellAt(800, 200)]).toBeCloseTo(3037.5, 0);
    expect(DISTRICTS[d.district[cellAt(800, 200)]]).toBe("台江区");
    expect(DISTRICTS[d.district[cellAt(100, 200)]]).toBe("鼓楼区");
    // in the grid: all of 鼓楼区's 740,000 + half of 台江区's 486,000 (8 × 10 = 80 cells × 3037.5)
    expect(d.totalPeople).toBeCloseTo(740000 + 243000, -1);
  });
});

describe("coverage KPIs", () => {
  it("covered ≥ good, weak < weak, sites per 10,000 people against 35", () => {
    // four cells with 1000, 2000, 3000, 4000 people at −90, −107, −112, −104.9 dBm (one outside the mask)
    const best = Float32Array.from([-90, -107, -112, -104.9, -60]);
    const mask = Uint8Array.from([1, 1, 1, 1, 0]);
    const people = Float32Array.from([1000, 2000, 3000, 4000, 99999]);
    const k = coverageKpis(best, mask, people, { goodDbm: -105, weakDbm: -110 }, 14);
    expect(k.people).toBe(10000);
    expect(k.coveredPeople).toBe(5000); // −90 and −104.9
    expect(k.coveredPct).toBe(50);
    expect(k.weakPeople).toBe(3000); // −112 only; −107 is fair
    expect(k.weakPct).toBe(30);
    expect(k.sitesPer10k).toBe(14);
    expect(k.sitesShort).toBe(21); // 35 needed
    const byD = districtKpis(
      best,
      mask,
      { people, district: Int8Array.from([0, 0, 1, 1, 1]), totalPeople: 10000 },
      { goodDbm: -105, weakDbm: -110 },
      { 鼓楼区: 3, 台江区: 20 },
    );
    expect(byD.鼓楼区!.people).toBe(3000);
    expect(byD.鼓楼区!.coveredPeople).toBe(1000);
    expect(byD.鼓楼区!.sitesPer10k).toBe(10);
    expect(byD.台江区!.weakPeople).toBe(3000);
    expect(byD.台江区!.sitesPer10k).toBeCloseTo((20 / 7000) * 1e4, 9);
  });
});

describe("scenario KPI record and A/B comparison", async () => {
  const { flattenKpis, compareScenarioKpis } = await import("./scenario-kpis");
  const k = (coveredPct: number, weakPeople: number) => ({
    people: 1000,
    coveredPeople: coveredPct * 10,
    coveredPct,
    weakPeople,
    weakPct: weakPeople / 10,
    cells: 4,
    coveredCells: 2,
    weakCells: 1,
    sites: 3,
    sitesPer10k: 30,
    targetPer10k: 35,
    sitesShort: 1,
  });
  it("flattens area and per-district KPIs and says which scenario is better", () => {
    const a = flattenKpis({ area: k(90, 50), districts: { 鼓楼区: k(90, 50) } });
    expect(a.coveredPct).toBe(90);
    expect(a["鼓楼区.weakPeople"]).toBe(50);
    const b = flattenKpis({ area: k(95.5, 20), districts: {} });
    const rows = compareScenarioKpis(a, b);
    const cov = rows.find((r) => r.key === "coveredPct")!;
    expect(cov).toMatchObject({ a: 90, b: 95.5, delta: 5.5, better: "b" });
    expect(rows.find((r) => r.key === "weakPeople")).toMatchObject({ delta: -30, better: "b" });
    expect(rows.find((r) => r.key === "sites")!.better).toBeNull();
    expect(rows.find((r) => r.key === "sitesPer10k")!.better).toBe("same");
    expect(rows.find((r) => r.key === "鼓楼区.coveredPct")).toMatchObject({
      district: "鼓楼区",
      a: 90,
      b: null,
      delta: null,
    });
  });
});
