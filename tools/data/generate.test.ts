import { describe, expect, it } from "vitest";
import * as turf from "@turf/turf";
import {
  COUNTS,
  DEFAULT_SEED,
  FILES,
  GENERATOR_VERSION,
  apportion,
  checkInsideDistricts,
  generateAll,
  loadIndex,
  parseArgs,
  serialise,
} from "./generate";
import type { GeneratedData } from "./generate";
import { DATA_CENTRES, LANDMARKS } from "./places";
import { Rng } from "../../src/protocol/prng";
import { BuildingsFile, ChargersFile, DISTRICTS, SitesFile, parseDataFile } from "../../src/protocol/data";

const { index, districts } = loadIndex();
const full: GeneratedData = generateAll(index, { seed: DEFAULT_SEED, scale: 1 });

describe("seeded PRNG", () => {
  it("repeats for a seed, differs across seeds and across forks", () => {
    const a = new Rng(42),
      b = new Rng(42),
      c = new Rng(43);
    const xa = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xa);
    expect(new Rng(42).fork("sites").next()).not.toBe(new Rng(42).fork("chargers").next());
    expect(new Rng(42).fork("sites").next()).toBe(new Rng(42).fork("sites").next());
  });
  it("draws uniform numbers in range with a mean near 0.5 and integers inclusive", () => {
    const r = new Rng(7);
    let sum = 0,
      lo = 1,
      hi = 0;
    const ints = new Set<number>();
    for (let i = 0; i < 20000; i++) {
      const x = r.next();
      sum += x;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
      ints.add(r.int(1, 3));
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    expect([...ints].sort()).toEqual([1, 2, 3]);
  });
});

describe("apportion (largest remainder)", () => {
  it("splits exactly: 10 over 1:1:1 -> 4,3,3; 30000 over populations sums to 30000", () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [5, 2])).toEqual([5, 2]);
    const counts = apportion(
      30000,
      DISTRICTS.map((d) => index.get(d).population),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30000);
    // 仓山区 836,000 of 7,740,000 -> 3240.3 -> 3240
    expect(counts[DISTRICTS.indexOf("仓山区")]).toBe(3240);
  });
});

describe("generator determinism", () => {
  it("two runs with one seed give identical bytes; another seed gives different data", () => {
    const a = serialise(generateAll(index, { seed: 5, scale: 0.1 }));
    const b = serialise(generateAll(index, { seed: 5, scale: 0.1 }));
    const c = serialise(generateAll(index, { seed: 6, scale: 0.1 }));
    for (const { file } of Object.values(FILES)) expect(b.get(file), file).toBe(a.get(file));
    for (const file of ["sites.json", "chargers.json", "buildings.json", "datacentres.json", "sensors.json"])
      expect(c.get(file), file).not.toBe(a.get(file));
  });
});

describe("full-size sample data (seed 20231227)", () => {
  it("has the planned counts", () => {
    expect(full.sites.items.length).toBeGreaterThanOrEqual(29000);
    expect(full.sites.items.length).toBeLessThanOrEqual(31000);
    expect(full.chargers.items.filter((c) => c.kind === "super")).toHaveLength(100);
    expect(full.chargers.items.filter((c) => c.kind === "ordinary").length).toBe(COUNTS.ordinaryChargers);
    expect(full.sensors.items.filter((s) => s.kind === "ai-video")).toHaveLength(15);
    expect(full.datacentres.items.map((d) => d.name)).toEqual(DATA_CENTRES.map((d) => d.name));
    expect(full.datacentres.items).toHaveLength(12);
    expect(full.buildings.items.length).toBeGreaterThanOrEqual(15000);
    expect(full.buildings.items.length).toBeLessThanOrEqual(30000);
    expect(full.landmarks.items).toHaveLength(LANDMARKS.length);
  });

  it("labels every file as sample data with its generator, seed and a note", () => {
    for (const key of Object.keys(FILES) as (keyof typeof FILES)[]) {
      const f = full[key];
      expect(f.sample, key).toBe(true);
      expect(f.generator).toEqual({ name: "rongtwin-datagen", version: GENERATOR_VERSION, seed: DEFAULT_SEED });
      expect(f.note, key).toMatch(/sample|Transcribed/i);
    }
    expect(full.datacentres.source).toMatch(/榕政办〔2023〕86号/);
    expect(full.landmarks.source).toMatch(/places_approximate/);
  });

  it("validates with the schemas (serialise parses every file)", () => {
    expect(() => serialise(full)).not.toThrow();
  });

  it("puts every object inside its declared district (turf on districts.geojson)", () => {
    expect(checkInsideDistricts(full, districts)).toEqual([]);
  });

  it("puts every object inside Fuzhou: no site outside all 13 districts", () => {
    const all = turf.featureCollection(districts.features);
    const sample = full.sites.items.filter((_, i) => i % 97 === 0);
    for (const s of sample)
      expect(
        all.features.some((f) => turf.booleanPointInPolygon([s.lon, s.lat], f)),
        s.id,
      ).toBe(true);
    const sea: [number, number] = [119.9, 25.9]; // Taiwan Strait east of 长乐
    expect(all.features.some((f) => turf.booleanPointInPolygon(sea, f))).toBe(false);
  });

  it("has unique, well-formed ids in every file", () => {
    const patterns: Record<string, RegExp> = {
      sites: /^5G-\d{6}$/,
      datacentres: /^DC-\d{2}$/,
      chargers: /^EV-(S\d{3}|O\d{4})$/,
      sensors: /^TS-\d{4}$/,
      buildings: /^B-\d{6}$/,
      roads: /^RD-\d{2}$/,
    };
    for (const [key, re] of Object.entries(patterns)) {
      const ids = (full[key as keyof GeneratedData].items as { id: string }[]).map((x) => x.id);
      expect(new Set(ids).size, key).toBe(ids.length);
      expect(
        ids.every((id) => re.test(id)),
        key,
      ).toBe(true);
    }
    expect(full.chargers.items.find((c) => c.kind === "super")!.id).toBe("EV-S001");
  });

  it("concentrates 5G sites in the urban core and thins them out in the mountains", () => {
    const perKm2 = (d: (typeof DISTRICTS)[number]) =>
      full.sites.items.filter((s) => s.district === d).length / index.get(d).areaKm2;
    const core = ["鼓楼区", "台江区", "仓山区", "晋安区"] as const;
    const coreSites = full.sites.items.filter((s) => (core as readonly string[]).includes(s.district)).length;
    // the 4 core districts hold 38 % of the population; macro grids follow area, so they carry about their share
    expect(coreSites / full.sites.items.length).toBeGreaterThan(0.33);
    expect(perKm2("鼓楼区")).toBeGreaterThan(50 * perKm2("永泰县"));
    expect(perKm2("台江区")).toBeGreaterThan(100); // 15 km², ~1,600 sites
  });

  it("gives data centres plausible sample figures tied to the plan", () => {
    const dcs = full.datacentres.items;
    const ai = dcs.find((d) => d.name === "福建人工智能计算中心")!;
    expect(ai.pflops).toBeGreaterThanOrEqual(400);
    expect(ai.pflops).toBeLessThanOrEqual(800);
    expect(dcs.filter((d) => d.inPark).length).toBe(10);
    for (const d of dcs.filter((x) => x.inPark)) {
      expect(d.district).toBe("长乐区");
      expect(turf.distance([d.lon, d.lat], [119.58, 25.905])).toBeLessThan(2);
    }
    for (const d of dcs) {
      expect(d.designPue).toBeGreaterThanOrEqual(1.2);
      expect(d.designPue).toBeLessThanOrEqual(1.5);
    }
    const racks = dcs.reduce((s, d) => s + d.racks, 0);
    expect(racks).toBeGreaterThan(20000);
    expect(racks).toBeLessThan(70000);
  });

  it("gives super chargers solar and storage, ordinary ones none", () => {
    for (const c of full.chargers.items) {
      if (c.kind === "super") {
        expect(c.solarKwp).toBeGreaterThan(0);
        expect(c.storageKwh).toBeGreaterThan(0);
      } else expect(c.solarKwp + c.storageKwh).toBe(0);
    }
  });

  it("places sensors on their road at the stated chainage", () => {
    const roads = new Map(full.roads.items.map((r) => [r.id, r]));
    for (const s of full.sensors.items.filter((_, i) => i % 7 === 0)) {
      const road = roads.get(s.roadId)!;
      expect(s.road).toBe(road.name);
      const along = turf.along(turf.lineString(road.path), s.chainageM / 1000);
      // chainage is measured with a local flat-earth metric: within 0.5 % of turf's great-circle length
      expect(turf.distance(along, [s.lon, s.lat]) * 1000).toBeLessThan(0.005 * s.chainageM + 2);
    }
  });

  it("builds CIM footprints: counter-clockwise, heightM ≈ floors × 3.2, taller towers exist", () => {
    for (const b of full.buildings.items.filter((_, i) => i % 13 === 0)) {
      expect(b.heightM / (b.floors * 3.2)).toBeGreaterThan(0.96);
      expect(b.heightM / (b.floors * 3.2)).toBeLessThan(1.05);
      expect(turf.booleanClockwise([...b.footprint, b.footprint[0]])).toBe(false);
    }
    expect(Math.max(...full.buildings.items.map((b) => b.floors))).toBeGreaterThanOrEqual(45);
    const districtsWithBuildings = new Set(full.buildings.items.map((b) => b.district));
    expect([...districtsWithBuildings].sort()).toEqual(
      ["仓山区", "台江区", "晋安区", "长乐区", "马尾区", "鼓楼区"].sort(),
    );
    expect(full.buildings.items.some((b) => b.usage === "datacentre")).toBe(true);
  });
});

describe("schema validation names the bad field", () => {
  it("rejects a site with an out-of-range lon, naming file, record, id and field", () => {
    const bad = structuredClone(full.sites);
    bad.items = bad.items.slice(0, 3);
    (bad.items[1] as { lon: number }).lon = 200;
    expect(() => parseDataFile(SitesFile, bad, "sites.json")).toThrow(/sites\.json: items\[1\] \(5G-000002\)\.lon/);
  });
  it("rejects an unknown district, a bad charger kind and a 2-vertex footprint", () => {
    const s = structuredClone(full.sites);
    s.items = s.items.slice(0, 1);
    (s.items[0] as { district: string }).district = "朝阳区";
    expect(() => parseDataFile(SitesFile, s, "sites.json")).toThrow(/items\[0\] \(5G-000001\)\.district/);
    const c = structuredClone(full.chargers);
    c.items = c.items.slice(0, 2);
    (c.items[1] as { kind: string }).kind = "hyper";
    expect(() => parseDataFile(ChargersFile, c, "chargers.json")).toThrow(
      /chargers\.json: items\[1\] \(EV-S002\)\.kind/,
    );
    const b = structuredClone(full.buildings);
    b.items = b.items.slice(0, 1);
    b.items[0].footprint = b.items[0].footprint.slice(0, 2);
    expect(() => parseDataFile(BuildingsFile, b, "buildings.json")).toThrow(
      /buildings\.json: items\[0\] \(B-000001\)\.footprint/,
    );
  });
});

describe("CLI arguments", () => {
  it("parses --seed and --scale and rejects bad values", () => {
    expect(parseArgs(["--seed", "7", "--scale", "0.5"])).toMatchObject({ seed: 7, scale: 0.5 });
    expect(parseArgs([]).seed).toBe(20231227);
    expect(() => parseArgs(["--seed", "x"])).toThrow(/--seed: expected an integer/);
    expect(() => parseArgs(["--scale", "3"])).toThrow(/--scale/);
    expect(() => parseArgs(["--sede", "3"])).toThrow(/unknown argument --sede/);
  });
});
