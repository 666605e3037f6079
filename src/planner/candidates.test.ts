import { describe, expect, it } from "vitest";
import { makeCandidate } from "./candidates";
import { squareArea } from "./fixtures";
import { haversineM, makeProjection, toLonLat } from "./geo";
import { PlannerSession } from "./session";

const LON = 119.3,
  LAT = 26.08;
const p = makeProjection(LON, LAT);
const area = squareArea(LON, LAT, 3000);
const [elon, elat] = toLonLat(p, -1000, 0);
const existing = {
  id: "E1",
  lon: elon,
  lat: elat,
  heightM: 30,
  azimuths: [0, 120, 240] as [number, number, number],
  tiltDeg: 6,
  txPowerDbm: 53,
  band: "n78" as const,
  district: "鼓楼区" as const,
};
const districts = [{ name: "鼓楼区" as const, geometry: area, population: 90000 }];

describe("candidate delta report", () => {
  it("people newly covered equal the covered-population gain of an independent recomputation", () => {
    const s = new PlannerSession({ sites: [existing], districts });
    const before = s.setArea(area).kpis.area;
    // 900 cells × 100 people (uniform: 90,000 over 9 km²)
    expect(before.people).toBeCloseTo(90000, -2); // (±50: polygon area vs cell area rounding)
    const [clon, clat] = toLonLat(p, 800, 200);
    const cand = makeCandidate(clon, clat, { id: "C1" });
    const { snapshot, delta } = s.upsertCandidate(cand);
    const ref = new PlannerSession({ sites: [existing, { ...cand, district: "鼓楼区" }], districts });
    const refK = ref.setArea(area).kpis.area;
    expect(snapshot.kpis.area.coveredPeople).toBeCloseTo(refK.coveredPeople, 1);
    expect(delta.peopleNewlyCovered).toBeCloseTo(refK.coveredPeople - before.coveredPeople, 1);
    expect(delta.coveredPeopleChange).toBeCloseTo(delta.peopleNewlyCovered, 1);
    expect(delta.peopleNewlyCovered).toBeGreaterThan(0);
    expect(delta.nearestSiteId).toBe("E1");
    expect(delta.nearestSiteM).toBeCloseTo(haversineM(clon, clat, elon, elat), -1); // ≈ 1,820 m
    expect(delta.nearestSiteM).toBeGreaterThan(1800);
    // far from E1 nothing it covers was covered before
    expect(delta.cellsAlreadyCovered).toBe(0);
    expect(snapshot.kpis.area.sites).toBe(2);
    expect(snapshot.candidates.map((c) => c.id)).toEqual(["C1"]);
  });

  it("a candidate next to an existing site overlaps it and adds almost nobody; moving it away adds people", () => {
    const s = new PlannerSession({ sites: [existing], districts });
    s.setArea(area);
    const [nlon, nlat] = toLonLat(p, -960, 30);
    const near = s.upsertCandidate(makeCandidate(nlon, nlat, { id: "C2" })).delta;
    expect(near.nearestSiteM).toBeCloseTo(50, 0);
    expect(near.overlapPct).toBeGreaterThan(80);
    expect(near.overlapCells).toBeGreaterThan(0);
    const [flon, flat] = toLonLat(p, 900, -600);
    const moved = s.upsertCandidate(makeCandidate(flon, flat, { id: "C2" }));
    expect(moved.delta.peopleNewlyCovered).toBeGreaterThan(near.peopleNewlyCovered);
    // net change of the move = new marginal − old marginal
    expect(moved.delta.coveredPeopleChange).toBeCloseTo(moved.delta.peopleNewlyCovered - near.peopleNewlyCovered, 0);
    expect(moved.snapshot.stats.kind).toBe("incremental");
    const removed = s.removeCandidate("C2");
    expect(removed.candidates).toEqual([]);
  });

  it("weak spots point at uncovered people; a candidate there covers them", () => {
    const s = new PlannerSession({ sites: [existing], districts });
    const before = s.setArea(area).kpis.area;
    const spots = s.weakSpots(5);
    expect(spots.length).toBeGreaterThan(0);
    for (const w of spots) expect(w.rsrpDbm).toBeLessThan(-105);
    for (let i = 1; i < spots.length; i++)
      expect(haversineM(spots[0].lon, spots[0].lat, spots[i].lon, spots[i].lat)).toBeGreaterThan(290);
    const weakest = s.weakSpots(1, "rsrp")[0];
    expect(weakest.rsrpDbm).toBeLessThanOrEqual(Math.min(...spots.map((w) => w.rsrpDbm)));
    const { snapshot, delta } = s.upsertCandidate(makeCandidate(spots[0].lon, spots[0].lat, { id: "W" }));
    expect(delta.peopleNewlyCovered).toBeGreaterThanOrEqual(spots[0].people);
    expect(snapshot.kpis.area.coveredPeople).toBeGreaterThan(before.coveredPeople);
  });

  it("rejects an invalid candidate naming the field, and keeps the state", () => {
    const s = new PlannerSession({ sites: [existing], districts });
    s.setArea(area);
    expect(() => s.upsertCandidate({ ...makeCandidate(LON, LAT, { id: "bad" }), tiltDeg: 45 })).toThrow(
      /candidate\.tiltDeg/,
    );
    expect(() => s.upsertCandidate({ ...makeCandidate(LON, LAT, { id: "bad" }), band: "n99" })).toThrow(
      /candidate\.band/,
    );
    expect(s.candidates()).toEqual([]);
  });
});
