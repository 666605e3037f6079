/**
 * Deterministic, seeded sample-data generator (`npm run data [-- --seed N] [--scale X] [--out DIR]`).
 *
 * Writes into public/data/: sites.json, datacentres.json, chargers.json, roads.json, sensors.json,
 * landmarks.json, buildings.json and manifest.json. Every object is placed inside its declared district of
 * public/data/districts.geojson and clear of the derived Min River (river.geojson); every file is validated
 * with the zod schemas of src/protocol/data.ts before it is written.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as turf from "@turf/turf";
import {
  BuildingsFile,
  ChargersFile,
  DataCentresFile,
  DISTRICTS,
  DistrictsFile,
  LandmarksFile,
  LandWaterFile,
  RiverFile,
  RoadsFile,
  SensorsFile,
  SitesFile,
  parseDataFile,
} from "../../src/protocol/data";
import type {
  Band,
  Building,
  Charger,
  DataCentre,
  DistrictName,
  LonLat,
  Operator,
  Road,
  SampleHeader,
  Sensor,
  Site,
} from "../../src/protocol/data";
import { generateBuildings } from "./buildings";
import { LandMask } from "./landmask";
import { macroGrid, type MacroPoint } from "./site-grid";
import { DistrictIndex, distanceM, offset, round1, round6 } from "./geo";
import {
  DATA_CENTRES,
  GEOGRAPHY_SOURCE,
  LANDMARKS,
  PARK,
  PLAN_SOURCE,
  ROADS,
  ROADS_NOTE,
  SITE_DENSITY_FACTOR,
  URBAN_CENTRES,
  URBAN_SHARE,
} from "./places";
import { Rng } from "../../src/protocol/prng";

import { DEFAULT_SEED, GENERATOR_NAME, GENERATOR_VERSION } from "./versions";
export { DEFAULT_SEED, GENERATOR_NAME, GENERATOR_VERSION };

export const COUNTS = { sites: 30000, superChargers: 100, ordinaryChargers: 1500, aiVideo: 15 } as const;

export interface GenerateOptions {
  seed: number;
  /** 1 = full size; tests use a smaller scale for sites, ordinary chargers and buildings */
  scale: number;
}

const SHORT: Readonly<Record<DistrictName, string>> = {
  鼓楼区: "鼓楼",
  台江区: "台江",
  仓山区: "仓山",
  晋安区: "晋安",
  马尾区: "马尾",
  长乐区: "长乐",
  福清市: "福清",
  闽侯县: "闽侯",
  连江县: "连江",
  罗源县: "罗源",
  闽清县: "闽清",
  永泰县: "永泰",
  平潭县: "平潭",
};

function header<S extends string>(
  schema: S,
  seed: number,
  note: string,
  source?: string,
): SampleHeader & { schema: S } {
  return {
    schema,
    sample: true,
    generator: { name: GENERATOR_NAME, version: GENERATOR_VERSION, seed },
    ...(source ? { source } : {}),
    note,
  };
}

const SAMPLE_NOTE = "Generated sample data (tools/data/generate.ts): plausible, not real; do not use for decisions.";

/** Split `total` over weights with the largest-remainder method (sums exactly to total). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let rest = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; rest > 0; k++, rest--) out[order[k % order.length][1]]++;
  return out;
}

/**
 * A random point on land in a district: with probability `urbanShare` near one of its urban centres
 * (Gaussian, sigma scaled by `spread`), else uniform over the district.
 */
export function samplePoint(
  rng: Rng,
  index: DistrictIndex,
  d: DistrictName,
  urbanShare: number,
  spread = 1,
  riverClearM = 120,
): { lon: number; lat: number; urban: boolean } {
  const centres = URBAN_CENTRES.filter((c) => c.district === d);
  const urban = centres.length > 0 && rng.chance(urbanShare);
  if (urban) {
    const c = rng.weighted(
      centres,
      centres.map((x) => x.weight),
    );
    for (let tries = 0; tries < 60; tries++) {
      const [lon, lat] = offset(
        c.lon,
        c.lat,
        rng.normal() * c.sigmaKm * 1000 * spread,
        rng.normal() * c.sigmaKm * 1000 * spread,
      );
      if (index.onLand(d, lon, lat, riverClearM)) return { lon: round6(lon), lat: round6(lat), urban: true };
    }
  }
  const [x0, y0, x1, y1] = index.get(d).bbox;
  for (let tries = 0; tries < 5000; tries++) {
    const lon = rng.range(x0, x1),
      lat = rng.range(y0, y1);
    if (index.onLand(d, lon, lat, riverClearM)) return { lon: round6(lon), lat: round6(lat), urban: false };
  }
  throw new Error(`samplePoint: no land found in ${d}`);
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

// ---------------------------------------------------------------- 5G sites
const OPERATORS: readonly Operator[] = ["CMCC", "CTCC", "CUCC", "CBN"];
const OPERATOR_ZH: Readonly<Record<Operator, string>> = { CMCC: "移动", CTCC: "电信", CUCC: "联通", CBN: "广电" };
/** yearly share of the commissioned sites, 2019..2025 — ~50 % by end-2022 (plan baseline 18.6/10k), ~100 % by 2025 */
const YEAR_SHARE = [
  [2019, 3],
  [2020, 15],
  [2021, 17],
  [2022, 15],
  [2023, 27],
  [2024, 12],
  [2025, 11],
] as const;

/** Commissioning date drawn from YEAR_SHARE. */
function commissioningDay(r: Rng): string {
  const [year] = r.weighted(
    YEAR_SHARE,
    YEAR_SHARE.map((y) => y[1]),
  );
  const start = Date.UTC(year, year === 2019 ? 5 : 0, year === 2019 ? 6 : 1);
  const end = Date.UTC(year, 11, 31);
  return isoDay(start + Math.floor((r.next() * (end - start + 1)) / 86400000) * 86400000);
}

type SiteDraft = Omit<Site, "id" | "name" | "commissioned">;

function macroDraft(r: Rng, m: MacroPoint): SiteDraft {
  const urban = m.zone === "core" || m.zone === "urban";
  let band: Band;
  if (m.network === "CBN") band = "n28";
  else if (m.network === "CMCC")
    band = urban ? r.weighted<Band>(["n41", "n79"], [85, 15]) : r.weighted<Band>(["n41", "n28"], [70, 30]);
  else band = "n78";
  const base = r.range(0, 120);
  const az = [0, 120, 240].map((o) => Math.round((base + o + r.range(-15, 15) + 360) % 360) % 360) as [
    number,
    number,
    number,
  ];
  // 共建共享: China Telecom hosts in some areas, China Unicom in others; one physical site, both operators
  const host: Operator = m.network === "CTCU" ? (r.chance(0.5) ? "CTCC" : "CUCC") : m.network;
  return {
    operator: host,
    band,
    lon: m.lon,
    lat: m.lat,
    heightM: round1(urban ? r.range(20, 45) : r.range(25, 55)),
    azimuths: az,
    tiltDeg: round1(urban ? r.range(5, 12) : r.range(2, 7)),
    txPowerDbm: round1(band === "n28" ? r.range(46, 50) : r.range(47, 53)),
    district: m.district,
    cellClass: "macro",
    ...(m.network === "CTCU" ? { sharedWith: host === "CTCC" ? ("CUCC" as const) : ("CTCC" as const) } : {}),
  };
}

function smallDraft(r: Rng, d: DistrictName, p: { lon: number; lat: number }, indoor: boolean): SiteDraft {
  const operator = r.weighted(OPERATORS, [50, 25, 25, 0]);
  const band: Band = operator === "CMCC" ? "n41" : "n78";
  const base = r.range(0, 360);
  const az = [0, 120, 240].map((o) => Math.round(base + o) % 360) as [number, number, number];
  return {
    operator,
    band,
    lon: p.lon,
    lat: p.lat,
    heightM: round1(indoor ? r.range(3, 4.5) : r.range(6, 12)),
    azimuths: az,
    tiltDeg: round1(indoor ? 0 : r.range(4, 10)),
    // small cells and indoor heads radiate a few watts, not a macro's 100-200 W
    txPowerDbm: round1(indoor ? r.range(20, 27) : r.range(33, 38)),
    district: d,
    cellClass: indoor ? "indoor" : "small",
    ...(operator === "CTCC" || operator === "CUCC"
      ? { sharedWith: operator === "CTCC" ? ("CUCC" as const) : ("CTCC" as const) }
      : {}),
  };
}

/**
 * 5G sites as operators build them: macro sites on one hexagonal grid per network (China Mobile; China Telecom +
 * China Unicom sharing one; China Broadnet's 700 MHz outside the cities) with the inter-site distance of the area
 * (ZONE_ISD_M: dense core ~320 m ... rural ~5 km), then small cells and indoor systems in the cores and urban areas
 * make up the plan-consistent total, apportioned to districts by population.
 */
export function generateSites(rng: Rng, index: DistrictIndex, total: number): Site[] {
  const r0 = rng.fork("sites:macro");
  // a smaller sample (tests) thins the grids so the macros stay well under the total
  const spread = Math.max(1, Math.sqrt(COUNTS.sites / Math.max(total, 1)));
  const macros = macroGrid(index, r0, spread).slice(0, Math.floor(total * 0.7));
  const drafts: SiteDraft[] = macros.map((m) => macroDraft(r0, m));
  const rest = total - drafts.length;
  const counts = apportion(
    rest,
    DISTRICTS.map((d) => index.get(d).population * SITE_DENSITY_FACTOR[d]),
  );
  DISTRICTS.forEach((d, di) => {
    const r = rng.fork(`sites:small:${d}`);
    for (let k = 0; k < counts[di]; k++) {
      const indoor = r.chance(0.6);
      const p = samplePoint(r, index, d, Math.min(0.97, URBAN_SHARE[d] + 0.1), indoor ? 0.8 : 1);
      drafts.push(smallDraft(r, d, p, indoor));
    }
  });
  const rc = rng.fork("sites:commissioning");
  const perDistrict = new Map<DistrictName, number>();
  const sites: Site[] = drafts.map((s, i) => {
    const n = (perDistrict.get(s.district) ?? 0) + 1;
    perDistrict.set(s.district, n);
    const kindZh = s.cellClass === "indoor" ? "室分" : s.cellClass === "small" ? "微站" : "5G站";
    const op = s.sharedWith ? "电信联通共享" : OPERATOR_ZH[s.operator];
    return {
      ...s,
      id: `5G-${String(i + 1).padStart(6, "0")}`,
      name: `${SHORT[s.district]}${op}${kindZh}${String(n).padStart(4, "0")}`,
      commissioned: commissioningDay(rc),
    };
  });
  return sites;
}

// ---------------------------------------------------------------- data centres
export function generateDataCentres(rng: Rng, index: DistrictIndex): DataCentre[] {
  const r = rng.fork("datacentres");
  const placed: LonLat[] = [];
  return DATA_CENTRES.map((dc, i) => {
    let lon: number, lat: number, district: DistrictName;
    if (dc.at) ({ lon, lat, district } = dc.at);
    else {
      district = PARK.district;
      // small jitter inside the park, keeping campuses at least 250 m apart
      for (let tries = 0; ; tries++) {
        [lon, lat] = offset(PARK.lon, PARK.lat, r.range(-1200, 1200), r.range(-900, 900));
        const ok = index.onLand(district, lon, lat, 200) && placed.every((p) => distanceM(p, [lon, lat]) > 250);
        if (ok) break;
        if (tries > 500) throw new Error(`datacentres: cannot place ${dc.name} in the park`);
      }
    }
    if (!index.onLand(district, lon, lat, 0)) throw new Error(`datacentres: ${dc.name} is not inside ${district}`);
    placed.push([lon, lat]);
    const racks = Math.round(dc.racks * r.range(0.85, 1.15));
    const pflops = dc.pflops ? Math.round(r.range(dc.pflops[0], dc.pflops[1])) : null;
    return {
      id: `DC-${String(i + 1).padStart(2, "0")}`,
      name: dc.name,
      nameEn: dc.nameEn,
      lon: round6(lon),
      lat: round6(lat),
      district,
      inPark: dc.at === null,
      kind: dc.kind,
      racks,
      itCapacityMw: round1((racks * dc.kwPerRack) / 1000),
      designPue: Math.round((dc.isNew ? r.range(1.2, 1.3) : r.range(1.3, 1.5)) * 100) / 100,
      pflops,
      halls: Math.max(1, Math.min(64, Math.ceil(racks / 600))),
    };
  });
}

// ---------------------------------------------------------------- chargers
export function generateChargers(rng: Rng, index: DistrictIndex, ordinary: number): Charger[] {
  const out: Charger[] = [];
  const w = DISTRICTS.map((d) => index.get(d).population * SITE_DENSITY_FACTOR[d]);
  const superCounts = apportion(COUNTS.superChargers, w);
  const ordCounts = apportion(ordinary, w);
  DISTRICTS.forEach((d, di) => {
    const r = rng.fork(`chargers-super:${d}`);
    for (let k = 0; k < superCounts[di]; k++) {
      const p = samplePoint(r, index, d, Math.min(0.95, URBAN_SHARE[d] + 0.1), 1.2);
      const connectors = r.int(8, 40);
      out.push({
        id: "",
        name: `${SHORT[d]}光储充检超充站${String(k + 1).padStart(2, "0")}`,
        kind: "super",
        lon: p.lon,
        lat: p.lat,
        district: d,
        connectors,
        connectorKw: r.pick([240, 360, 480, 600]),
        solarKwp: Math.round(r.range(60, 400)),
        storageKwh: Math.round(r.range(200, 1500)),
      });
    }
  });
  let s = 0;
  out.forEach((c) => (c.id = `EV-S${String(++s).padStart(3, "0")}`));
  let o = 0;
  DISTRICTS.forEach((d, di) => {
    const r = rng.fork(`chargers-ordinary:${d}`);
    for (let k = 0; k < ordCounts[di]; k++) {
      const p = samplePoint(r, index, d, Math.min(0.95, URBAN_SHARE[d] + 0.05));
      const dc = r.chance(0.65);
      out.push({
        id: `EV-O${String(++o).padStart(4, "0")}`,
        name: `${SHORT[d]}充电站${String(k + 1).padStart(3, "0")}`,
        kind: "ordinary",
        lon: p.lon,
        lat: p.lat,
        district: d,
        connectors: dc ? r.int(4, 20) : r.int(2, 12),
        connectorKw: dc ? r.pick([60, 120, 160]) : r.pick([7, 11, 22]),
        solarKwp: 0,
        storageKwh: 0,
      });
    }
  });
  return out;
}

// ---------------------------------------------------------------- roads and sensors
function pathLengths(p: LonLat[]): number[] {
  const cum = [0];
  for (let i = 1; i < p.length; i++) cum.push(cum[i - 1] + distanceM(p[i - 1], p[i]));
  return cum;
}
function pointAt(p: LonLat[], cum: number[], m: number): LonLat {
  let i = 1;
  while (i < cum.length - 1 && cum[i] < m) i++;
  const t = (m - cum[i - 1]) / (cum[i] - cum[i - 1] || 1);
  return [p[i - 1][0] + t * (p[i][0] - p[i - 1][0]), p[i - 1][1] + t * (p[i][1] - p[i - 1][1])];
}
const chainage = (m: number) => `K${Math.floor(m / 1000)}+${String(Math.round(m % 1000)).padStart(3, "0")}`;

export const SENSOR_SPACING = { loopM: 700, videoM: 1500 } as const;

export function generateSensors(rng: Rng, index: DistrictIndex, roads: readonly Road[]): Sensor[] {
  const r = rng.fork("sensors");
  const out: Sensor[] = [];
  for (const road of roads) {
    const cum = pathLengths(road.path);
    const len = cum[cum.length - 1];
    const add = (kind: Sensor["kind"], m: number) => {
      const [lon, lat] = pointAt(road.path, cum, m);
      const d = index.districtAt(lon, lat);
      if (!d || !index.onLand(d, lon, lat, 150)) return; // over water (bridges, estuary) or outside Fuzhou: skip
      out.push({
        id: "",
        name: `${road.name} ${chainage(m)} ${kind === "loop" ? "线圈检测器" : "视频摄像机"}`,
        kind,
        roadId: road.id,
        road: road.name,
        chainageM: Math.round(m),
        lon: round6(lon),
        lat: round6(lat),
        district: d,
      });
    };
    for (let m = 200; m < len; m += SENSOR_SPACING.loopM) add("loop", m);
    for (let m = 550; m < len; m += SENSOR_SPACING.videoM) add("video", m);
  }
  out.sort((a, b) => a.roadId.localeCompare(b.roadId) || a.chainageM - b.chainageM);
  // the plan's 15 AI video-analytics cameras: spread over the roads, drawn from the video cameras
  const videos = out.filter((s) => s.kind === "video");
  if (videos.length < COUNTS.aiVideo)
    throw new Error(`sensors: only ${videos.length} video cameras, need ${COUNTS.aiVideo} for AI`);
  const chosen = new Set<Sensor>();
  const byRoad = new Map<string, Sensor[]>();
  for (const v of videos) byRoad.set(v.roadId, [...(byRoad.get(v.roadId) ?? []), v]);
  const roadIds = [...byRoad.keys()];
  for (let k = 0; chosen.size < COUNTS.aiVideo; k++) {
    const list = byRoad.get(roadIds[k % roadIds.length])!.filter((v) => !chosen.has(v));
    if (list.length) chosen.add(r.pick(list));
  }
  for (const s of chosen) {
    s.kind = "ai-video";
    s.name = s.name.replace("视频摄像机", "AI视频分析摄像机");
  }
  out.forEach((s, i) => (s.id = `TS-${String(i + 1).padStart(4, "0")}`));
  return out;
}

// ---------------------------------------------------------------- all files
export interface GeneratedData {
  sites: SitesFile;
  datacentres: DataCentresFile;
  chargers: ChargersFile;
  roads: RoadsFile;
  sensors: SensorsFile;
  landmarks: LandmarksFile;
  buildings: BuildingsFile;
}

export function generateAll(index: DistrictIndex, opts: GenerateOptions): GeneratedData {
  const { seed, scale } = opts;
  const rng = new Rng(seed);
  const sites = generateSites(rng, index, Math.round(COUNTS.sites * scale));
  const datacentres = generateDataCentres(rng, index);
  const chargers = generateChargers(rng, index, Math.round(COUNTS.ordinaryChargers * scale));
  const roads = ROADS.map((r) => ({ ...r, path: r.path.map(([x, y]) => [round6(x), round6(y)] as LonLat) }));
  const sensors = generateSensors(rng, index, roads);
  const buildings: Building[] = generateBuildings(rng.fork("buildings"), index, { scale, riverClearM: 120 }).map(
    (b, i) => ({
      id: `B-${String(i + 1).padStart(6, "0")}`,
      ...b,
    }),
  );
  return {
    sites: {
      ...header(
        "rongtwin.sites/1",
        seed,
        `${SAMPLE_NOTE} About 30,000 5G sites (the plan's 2025 target), spread by district population and urban density.`,
        PLAN_SOURCE,
      ),
      items: sites,
    },
    datacentres: {
      ...header(
        "rongtwin.datacentres/1",
        seed,
        `${SAMPLE_NOTE} Facility names are the plan's; locations (most in ${PARK.name}), racks, capacity, PUE and PFLOPS are sample values.`,
        PLAN_SOURCE,
      ),
      items: datacentres,
    },
    chargers: {
      ...header(
        "rongtwin.chargers/1",
        seed,
        `${SAMPLE_NOTE} ${COUNTS.superChargers} solar+storage super-charging stations (the plan's target) plus ordinary stations.`,
        PLAN_SOURCE,
      ),
      items: chargers,
    },
    roads: { ...header("rongtwin.roads/1", seed, `${SAMPLE_NOTE} ${ROADS_NOTE}`), items: roads },
    sensors: {
      ...header(
        "rongtwin.sensors/1",
        seed,
        `${SAMPLE_NOTE} Loop detectors every ${SENSOR_SPACING.loopM} m and video cameras every ${SENSOR_SPACING.videoM} m along the sample roads (skipped over water); ${COUNTS.aiVideo} AI video-analytics cameras as in the plan.`,
        PLAN_SOURCE,
      ),
      items: sensors,
    },
    landmarks: {
      ...header(
        "rongtwin.landmarks/1",
        seed,
        "Transcribed reference places (approximate positions).",
        GEOGRAPHY_SOURCE,
      ),
      items: LANDMARKS.map((l) => ({ ...l })),
    },
    buildings: {
      ...header(
        "rongtwin.buildings/1",
        seed,
        `${SAMPLE_NOTE} CIM-style footprints in street-block patterns for the urban core (鼓楼, 台江, 仓山, 晋安, 马尾, 长乐 滨海新城); heightM ≈ floors × 3.2 m.`,
      ),
      items: buildings,
    },
  };
}

export const FILES = {
  sites: { file: "sites.json", schema: SitesFile },
  datacentres: { file: "datacentres.json", schema: DataCentresFile },
  chargers: { file: "chargers.json", schema: ChargersFile },
  roads: { file: "roads.json", schema: RoadsFile },
  sensors: { file: "sensors.json", schema: SensorsFile },
  landmarks: { file: "landmarks.json", schema: LandmarksFile },
  buildings: { file: "buildings.json", schema: BuildingsFile },
} as const;
export type FileKey = keyof typeof FILES;

/** Every positioned object must lie inside its declared district (turf, on the published polygons). */
export function checkInsideDistricts(data: GeneratedData, districts: DistrictsFile): string[] {
  const feats = new Map(districts.features.map((f) => [f.properties.name, f]));
  const errors: string[] = [];
  const check = (file: string, id: string, d: DistrictName, p: LonLat) => {
    if (!turf.booleanPointInPolygon(p, feats.get(d)!)) errors.push(`${file}: ${id} at ${p.join(",")} is outside ${d}`);
  };
  for (const s of data.sites.items) check("sites.json", s.id, s.district, [s.lon, s.lat]);
  for (const s of data.datacentres.items) check("datacentres.json", s.id, s.district, [s.lon, s.lat]);
  for (const s of data.chargers.items) check("chargers.json", s.id, s.district, [s.lon, s.lat]);
  for (const s of data.sensors.items) check("sensors.json", s.id, s.district, [s.lon, s.lat]);
  for (const b of data.buildings.items) for (const p of b.footprint) check("buildings.json", b.id, b.district, p);
  return errors;
}

/** Serialise and validate every file; returns file name -> JSON text. */
export function serialise(data: GeneratedData): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(FILES) as FileKey[]) {
    const { file, schema } = FILES[key];
    const json: unknown = data[key];
    parseDataFile(schema, json, file);
    out.set(file, JSON.stringify(json) + "\n");
  }
  return out;
}

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DATA_DIR = path.join(ROOT, "public/data");

export function loadIndex(dataDir = DATA_DIR): { index: DistrictIndex; districts: DistrictsFile } {
  const districts = parseDataFile(
    DistrictsFile,
    JSON.parse(readFileSync(path.join(dataDir, "districts.geojson"), "utf8")),
    "districts.geojson",
  );
  const river = parseDataFile(
    RiverFile,
    JSON.parse(readFileSync(path.join(dataDir, "river.geojson"), "utf8")),
    "river.geojson",
  );
  const landwater = parseDataFile(
    LandWaterFile,
    JSON.parse(readFileSync(path.join(dataDir, "landwater.geojson"), "utf8")),
    "landwater.geojson",
  );
  return { index: new DistrictIndex(districts, river, new LandMask(landwater)), districts };
}

/** write to a temporary file and rename, so readers never see a half-written file */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export interface Manifest {
  schema: "rongtwin.manifest/1";
  sample: true;
  generator: { name: string; version: string; seed: number };
  scale: number;
  files: Record<string, { count: number; bytes: number }>;
}

/** Generate, check, validate and write everything. Returns the manifest. */
export function writeAll(opts: GenerateOptions, outDir = DATA_DIR, log: (s: string) => void = () => {}): Manifest {
  const t0 = Date.now();
  const { index, districts } = loadIndex();
  const data = generateAll(index, opts);
  const t1 = Date.now();
  const errors = checkInsideDistricts(data, districts);
  if (errors.length)
    throw new Error(`generated objects outside their district (${errors.length}): ${errors.slice(0, 5).join("; ")}`);
  const texts = serialise(data);
  const t2 = Date.now();
  mkdirSync(outDir, { recursive: true });
  const files: Manifest["files"] = {};
  for (const key of Object.keys(FILES) as FileKey[]) {
    const { file } = FILES[key];
    const text = texts.get(file)!;
    writeAtomic(path.join(outDir, file), text);
    files[file] = { count: data[key].items.length, bytes: Buffer.byteLength(text) };
    log(
      `  ${file.padEnd(17)} ${String(data[key].items.length).padStart(6)} items ${(Buffer.byteLength(text) / 1024).toFixed(0).padStart(6)} KB`,
    );
  }
  const manifest: Manifest = {
    schema: "rongtwin.manifest/1",
    sample: true,
    generator: { name: GENERATOR_NAME, version: GENERATOR_VERSION, seed: opts.seed },
    scale: opts.scale,
    files,
  };
  writeAtomic(path.join(outDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  log(
    `generated in ${t1 - t0} ms, checked+validated in ${t2 - t1} ms, written in ${Date.now() - t2} ms (seed ${opts.seed}, scale ${opts.scale})`,
  );
  return manifest;
}

export function parseArgs(argv: readonly string[]): GenerateOptions & { out: string } {
  const opts = { seed: DEFAULT_SEED, scale: 1, out: DATA_DIR };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i],
      v = argv[i + 1];
    if (a === "--seed") {
      if (!/^-?\d+$/.test(v ?? "")) throw new Error(`--seed: expected an integer, got ${v}`);
      opts.seed = Number(v);
      i++;
    } else if (a === "--scale") {
      const n = Number(v);
      if (!(n > 0 && n <= 1)) throw new Error(`--scale: expected a number in (0, 1], got ${v}`);
      opts.scale = n;
      i++;
    } else if (a === "--out") {
      if (!v) throw new Error("--out: expected a directory");
      opts.out = path.resolve(v);
      i++;
    } else throw new Error(`unknown argument ${a} (use --seed N, --scale X, --out DIR)`);
  }
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { out, ...opts } = parseArgs(process.argv.slice(2));
  console.log(`${GENERATOR_NAME} ${GENERATOR_VERSION} -> ${path.relative(process.cwd(), out) || "."}`);
  writeAll(opts, out, console.log);
}
