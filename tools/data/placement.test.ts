/**
 * Placement rules, checked over the generated files in public/data (what the app actually shows): nothing on
 * water or on Matsu, macro spacing per area class, small cells / indoor and shared sites present, district
 * counts plausible against population, district polygons valid.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import * as turf from "@turf/turf";
import { describe, expect, it } from "vitest";
import {
  ChargersFile,
  DataCentresFile,
  DistrictsFile,
  LandWaterFile,
  SensorsFile,
  SitesFile,
  parseDataFile,
} from "../../src/protocol/data";
import type { Site } from "../../src/protocol/data";
import { DATA_DIR } from "./generate";
import { LandMask, inMatsu } from "./landmask";
import { ZONES, ZONE_ISD_RANGE_M, zoneAt, type Zone } from "./site-grid";
import { distanceM } from "./geo";
import type { z } from "zod";

const read = <T extends z.ZodTypeAny>(schema: T, file: string): z.infer<T> =>
  parseDataFile(schema, JSON.parse(readFileSync(path.join(DATA_DIR, file), "utf8")), file);

const sites = read(SitesFile, "sites.json").items;
const mask = new LandMask(read(LandWaterFile, "landwater.geojson"));
const layers = {
  sites,
  datacentres: read(DataCentresFile, "datacentres.json").items,
  chargers: read(ChargersFile, "chargers.json").items,
  sensors: read(SensorsFile, "sensors.json").items,
};

/** median nearest-neighbour distance (m) within a set of points, by a 0.01° bucket grid */
export function medianNearestM(points: readonly [number, number][]): number {
  const cell = 0.02;
  const buckets = new Map<string, [number, number][]>();
  const k = (x: number, y: number) => `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
  for (const p of points) {
    const key = k(p[0], p[1]);
    (buckets.get(key) ?? buckets.set(key, []).get(key)!).push(p);
  }
  const nn: number[] = [];
  for (const p of points) {
    let best = Infinity;
    const cx = Math.floor(p[0] / cell),
      cy = Math.floor(p[1] / cell);
    for (let ring = 1; ring <= 40 && best === Infinity; ring++)
      for (let dx = -ring; dx <= ring; dx++)
        for (let dy = -ring; dy <= ring; dy++)
          for (const q of buckets.get(`${cx + dx},${cy + dy}`) ?? [])
            if (q !== p) best = Math.min(best, distanceM(p, q));
    if (best < Infinity) nn.push(best);
  }
  nn.sort((a, b) => a - b);
  return nn[Math.floor(nn.length / 2)] ?? NaN;
}

describe("medianNearestM", () => {
  it("a 300 m square lattice has a median nearest neighbour of 300 m", () => {
    const pts: [number, number][] = [];
    for (let i = 0; i < 10; i++)
      for (let j = 0; j < 10; j++) pts.push([119.3 + (i * 300) / 100000, 26 + (j * 300) / 111195]);
    expect(medianNearestM(pts)).toBeCloseTo(300 * (100000 / (111195 * Math.cos((26 * Math.PI) / 180))), -1);
  });
});

describe("placement rules over the generated files", () => {
  it("no object of any layer is on water (sea, river surface) or on the Matsu islands", () => {
    for (const [layer, items] of Object.entries(layers)) {
      const wet = items.filter((o) => !mask.isLand(o.lon, o.lat) || mask.isRiver(o.lon, o.lat));
      const matsu = items.filter((o) => inMatsu(o.lon, o.lat));
      expect(wet.map((o) => `${layer} ${o.id}`).slice(0, 5)).toEqual([]);
      expect(matsu.map((o) => `${layer} ${o.id}`)).toEqual([]);
    }
  });

  it("macro sites keep each network's inter-site distance for the area class (medians printed)", () => {
    const network = (s: Site) => (s.sharedWith ? "CTCU" : s.operator === "CBN" ? "CBN" : s.operator);
    const groups = new Map<string, [number, number][]>();
    for (const s of sites) {
      if ((s.cellClass ?? "macro") !== "macro") continue;
      const key = `${network(s)}:${zoneAt(s.lon, s.lat)}`;
      (groups.get(key) ?? groups.set(key, []).get(key)!).push([s.lon, s.lat]);
    }
    const lines: string[] = [];
    for (const net of ["CMCC", "CTCU"])
      for (const zone of ZONES as Zone[]) {
        const pts = groups.get(`${net}:${zone}`) ?? [];
        const med = medianNearestM(pts);
        lines.push(`${net} ${zone.padEnd(8)} ${String(pts.length).padStart(5)} sites, median NN ${med.toFixed(0)} m`);
        expect(pts.length).toBeGreaterThan(20);
        const [lo, hi] = ZONE_ISD_RANGE_M[zone];
        expect(med, `${net} ${zone}`).toBeGreaterThanOrEqual(lo);
        expect(med, `${net} ${zone}`).toBeLessThanOrEqual(hi);
      }
    console.log(lines.join("\n"));
  });

  it("small cells and indoor systems have their own class and low antennas; CT+CU share sites", () => {
    const by = (c: string) => sites.filter((s) => (s.cellClass ?? "macro") === c);
    expect(sites.length).toBe(30000);
    expect(by("small").length).toBeGreaterThan(2000);
    expect(by("indoor").length).toBeGreaterThan(2000);
    expect(Math.max(...by("indoor").map((s) => s.heightM))).toBeLessThanOrEqual(5);
    expect(Math.max(...by("small").map((s) => s.heightM))).toBeLessThanOrEqual(12);
    const shared = sites.filter((s) => s.sharedWith);
    expect(shared.length).toBeGreaterThan(3000);
    for (const s of shared.slice(0, 200)) expect([s.operator, s.sharedWith].sort()).toEqual(["CTCC", "CUCC"]);
  });

  it("district counts stay plausible against population: 15-80 sites per 10,000 people", () => {
    const districts = read(DistrictsFile, "districts.geojson");
    for (const f of districts.features) {
      const n = sites.filter((s) => s.district === f.properties.name).length;
      const per10k = (n / f.properties.population) * 1e4;
      expect(per10k, f.properties.name).toBeGreaterThan(15);
      expect(per10k, f.properties.name).toBeLessThan(80);
    }
  });

  it("every district polygon is valid (turf booleanValid)", () => {
    const districts = read(DistrictsFile, "districts.geojson");
    for (const f of districts.features) expect(turf.booleanValid(f), f.properties.name).toBe(true);
  });
});
