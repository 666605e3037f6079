/**
 * Schemas of the static layer data files (public/data/*.json), written down once: zod schemas with the
 * TypeScript types inferred from them. Imported by the generator (tools/data), the gateway (src/server)
 * and the client (src/layers) — every loader validates with these, so a bad record is rejected with a
 * message naming the file, the record and the field.
 */
import { z } from "zod";

export const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export type LonLat = z.infer<typeof LonLat>;

const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, "ids use letters, digits and _ . : - only");
const name = z.string().min(1).max(120);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");

/** The 13 county-level divisions of Fuzhou, by their Chinese names as in the reference population table. */
export const DISTRICTS = [
  "鼓楼区",
  "台江区",
  "仓山区",
  "晋安区",
  "马尾区",
  "长乐区",
  "福清市",
  "闽侯县",
  "连江县",
  "罗源县",
  "闽清县",
  "永泰县",
  "平潭县",
] as const;
export const DistrictName = z.enum(DISTRICTS);
export type DistrictName = z.infer<typeof DistrictName>;

/** the districts' English names (district labels, the inspector in English) */
export const DISTRICT_NAME_EN: Readonly<Record<DistrictName, string>> = {
  鼓楼区: "Gulou District",
  台江区: "Taijiang District",
  仓山区: "Cangshan District",
  晋安区: "Jin'an District",
  马尾区: "Mawei District",
  长乐区: "Changle District",
  福清市: "Fuqing City",
  闽侯县: "Minhou County",
  连江县: "Lianjiang County",
  罗源县: "Luoyuan County",
  闽清县: "Minqing County",
  永泰县: "Yongtai County",
  平潭县: "Pingtan County",
};

/** Header every generated data file carries: it is sample data and says which generator made it. */
export const SampleHeader = z.object({
  schema: z.string(),
  sample: z.boolean(),
  generator: z.object({ name: z.string(), version: z.string(), seed: z.number().int() }),
  source: z.string().optional(),
  note: z.string().optional(),
});
export type SampleHeader = z.infer<typeof SampleHeader>;

// ---------------------------------------------------------------- 5G base stations
export const Operator = z.enum(["CMCC", "CUCC", "CTCC", "CBN"]);
export type Operator = z.infer<typeof Operator>;
export const Band = z.enum(["n78", "n41", "n79", "n28"]);
export type Band = z.infer<typeof Band>;

/**
 * macro: a tower or rooftop with three sectors; small: a pole-mounted outdoor small cell (low, short range);
 * indoor: an indoor distribution system (室分) inside a building. Absent = macro.
 */
export const CellClass = z.enum(["macro", "small", "indoor"]);
export type CellClass = z.infer<typeof CellClass>;

export const Site = z.object({
  id,
  name,
  operator: Operator,
  band: Band,
  lon,
  lat,
  /** antenna height above ground, metres */
  heightM: z.number().min(3).max(200),
  /** three sector azimuths, degrees clockwise from north */
  azimuths: z.tuple([z.number().min(0).lt(360), z.number().min(0).lt(360), z.number().min(0).lt(360)]),
  /** electrical + mechanical downtilt, degrees */
  tiltDeg: z.number().min(-10).max(30),
  /** total transmit power per sector, dBm */
  txPowerDbm: z.number().min(0).max(60),
  district: DistrictName,
  commissioned: isoDate,
  cellClass: CellClass.optional(),
  /** 共建共享: the second operator on this physical site (China Telecom + China Unicom share one network) */
  sharedWith: Operator.optional(),
});
export type Site = z.infer<typeof Site>;

// ---------------------------------------------------------------- data centres
export const DataCentre = z.object({
  id,
  name,
  nameEn: name,
  lon,
  lat,
  district: DistrictName,
  /** inside 中国东南大数据产业园 */
  inPark: z.boolean(),
  kind: z.enum(["government", "carrier", "enterprise", "ai-computing", "edge"]),
  racks: z.number().int().min(1).max(100000),
  itCapacityMw: z.number().positive().max(1000),
  designPue: z.number().min(1).max(3),
  /** compute in PFLOPS (FP16 for AI centres), null where not relevant */
  pflops: z.number().nonnegative().nullable(),
  halls: z.number().int().min(1).max(64),
});
export type DataCentre = z.infer<typeof DataCentre>;

// ---------------------------------------------------------------- EV charging
export const Charger = z.object({
  id,
  name,
  kind: z.enum(["super", "ordinary"]),
  lon,
  lat,
  district: DistrictName,
  connectors: z.number().int().min(1).max(200),
  /** maximum power per connector, kW */
  connectorKw: z.number().positive().max(1000),
  /** solar roof peak power (super stations), kWp, else 0 */
  solarKwp: z.number().nonnegative().max(10000),
  /** battery storage capacity (super stations), kWh, else 0 */
  storageKwh: z.number().nonnegative().max(100000),
});
export type Charger = z.infer<typeof Charger>;

// ---------------------------------------------------------------- traffic
export const RoadClass = z.enum(["expressway", "ring", "arterial"]);
export const Road = z.object({
  id,
  name,
  nameEn: name,
  class: RoadClass,
  /** polyline, lon/lat degrees */
  path: z.array(LonLat).min(2),
  speedLimitKmh: z.number().positive().max(140),
  lanes: z.number().int().min(1).max(12),
});
export type Road = z.infer<typeof Road>;

export const Sensor = z.object({
  id,
  name,
  kind: z.enum(["loop", "video", "ai-video"]),
  roadId: id,
  road: name,
  /** distance along the road polyline, metres */
  chainageM: z.number().nonnegative(),
  lon,
  lat,
  district: DistrictName,
});
export type Sensor = z.infer<typeof Sensor>;

// ---------------------------------------------------------------- CIM buildings
export const BuildingUsage = z.enum(["residential", "office", "commercial", "industrial", "public", "datacentre"]);
export type BuildingUsage = z.infer<typeof BuildingUsage>;
export const Building = z.object({
  id,
  district: DistrictName,
  usage: BuildingUsage,
  floors: z.number().int().min(1).max(120),
  heightM: z.number().positive().max(600),
  /** closed ring not repeated: footprint vertices lon/lat, counter-clockwise */
  footprint: z.array(LonLat).min(3).max(64),
});
export type Building = z.infer<typeof Building>;

// ---------------------------------------------------------------- files
const fileOf = <T extends z.ZodTypeAny>(schema: string, item: T) =>
  SampleHeader.extend({ schema: z.literal(schema), items: z.array(item) });

export const SitesFile = fileOf("rongtwin.sites/1", Site);
export const DataCentresFile = fileOf("rongtwin.datacentres/1", DataCentre);
export const ChargersFile = fileOf("rongtwin.chargers/1", Charger);
export const SensorsFile = fileOf("rongtwin.sensors/1", Sensor);
export const RoadsFile = fileOf("rongtwin.roads/1", Road);
export const BuildingsFile = fileOf("rongtwin.buildings/1", Building);
export type SitesFile = z.infer<typeof SitesFile>;
export type DataCentresFile = z.infer<typeof DataCentresFile>;
export type ChargersFile = z.infer<typeof ChargersFile>;
export type SensorsFile = z.infer<typeof SensorsFile>;
export type RoadsFile = z.infer<typeof RoadsFile>;
export type BuildingsFile = z.infer<typeof BuildingsFile>;

export const Landmark = z.object({ name, nameEn: name, lon, lat });
export const LandmarksFile = SampleHeader.extend({
  schema: z.literal("rongtwin.landmarks/1"),
  items: z.array(Landmark),
});
export type Landmark = z.infer<typeof Landmark>;
export type LandmarksFile = z.infer<typeof LandmarksFile>;

/** District boundary GeoJSON written by tools/data/import-districts.ts. */
export const DistrictFeature = z.object({
  type: z.literal("Feature"),
  properties: z.object({
    name: DistrictName,
    nameEn: z.string(),
    /** label point */
    cp: LonLat,
    /** 2018 estimate, from the reference table */
    population: z.number().int().positive(),
    areaKm2: z.number().positive(),
  }),
  geometry: z.union([
    z.object({ type: z.literal("Polygon"), coordinates: z.array(z.array(LonLat)) }),
    z.object({ type: z.literal("MultiPolygon"), coordinates: z.array(z.array(z.array(LonLat))) }),
  ]),
});
export type DistrictFeature = z.infer<typeof DistrictFeature>;
export const DistrictsFile = z.object({
  type: z.literal("FeatureCollection"),
  schema: z.literal("rongtwin.districts/1"),
  attribution: z.string(),
  features: z.array(DistrictFeature).length(13),
});
export type DistrictsFile = z.infer<typeof DistrictsFile>;

/** The four live layers. */
export const LAYER_IDS = ["sites", "datacentres", "chargers", "sensors"] as const;
export const LayerId = z.enum(LAYER_IDS);
export type LayerId = z.infer<typeof LayerId>;

/**
 * Validate a parsed JSON file; on failure throw an Error whose message names the file, the record index
 * (and id where known) and the field path, e.g. `sites.json: items[12] (5G-00013).lon: Too big: expected number to be <=180`.
 */
export function parseDataFile<T extends z.ZodTypeAny>(schema: T, json: unknown, fileName: string): z.infer<T> {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  throw new Error(formatZodError(r.error, fileName, json));
}

export function formatZodError(err: z.ZodError, fileName: string, json?: unknown): string {
  const lines = err.issues.slice(0, 5).map((iss) => {
    const path = iss.path;
    let where = "";
    path.forEach((p, i) => {
      if (typeof p === "number") {
        where += `[${p}]`;
        // name the record by its id where we can
        if (i === 1 && path[0] === "items" && json && typeof json === "object") {
          const items = (json as { items?: unknown[] }).items;
          const rec = Array.isArray(items) ? items[p] : undefined;
          const rid = rec && typeof rec === "object" ? (rec as { id?: unknown }).id : undefined;
          if (typeof rid === "string") where += ` (${rid})`;
        }
      } else where += (where ? "." : "") + String(p);
    });
    return `${fileName}: ${where || "(root)"}: ${iss.message}`;
  });
  const more = err.issues.length > 5 ? ` (+${err.issues.length - 5} more)` : "";
  return lines.join("; ") + more;
}

/** Min River reaches derived from district boundaries by tools/data/import-districts.ts (approximate, not surveyed). */
export const RiverFeature = z.object({
  type: z.literal("Feature"),
  properties: z.object({ name: z.string(), nameEn: z.string(), derived: z.literal(true) }),
  geometry: z.object({ type: z.literal("MultiLineString"), coordinates: z.array(z.array(LonLat).min(2)) }),
});
export const RiverFile = z.object({
  type: z.literal("FeatureCollection"),
  schema: z.literal("rongtwin.river/1"),
  derived: z.literal(true),
  note: z.string(),
  attribution: z.string(),
  features: z.array(RiverFeature).min(1),
});
export type RiverFile = z.infer<typeof RiverFile>;

/**
 * Land and water of the Fuzhou frame, cut at build time by tools/data/import-land.ts: `land` polygons from
 * OpenStreetMap-derived coastline data (holes = large inland water), `water` the Min River surfaces (channel
 * centre lines widened to each reach's typical width — derived, not surveyed). Everything else is sea.
 */
const PolygonGeometry = z.union([
  z.object({ type: z.literal("Polygon"), coordinates: z.array(z.array(LonLat).min(4)) }),
  z.object({ type: z.literal("MultiPolygon"), coordinates: z.array(z.array(z.array(LonLat).min(4))) }),
]);
export const LandWaterFeature = z.object({
  type: z.literal("Feature"),
  properties: z.object({
    kind: z.enum(["land", "river"]),
    name: z.string(),
    nameEn: z.string(),
    /** river surfaces: typical channel width used to widen the centre line, metres */
    widthM: z.number().positive().optional(),
  }),
  geometry: PolygonGeometry,
});
export type LandWaterFeature = z.infer<typeof LandWaterFeature>;
export const LandWaterFile = z.object({
  type: z.literal("FeatureCollection"),
  schema: z.literal("rongtwin.landwater/1"),
  /** [west, south, east, north] degrees: the cut */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  note: z.string(),
  attribution: z.string(),
  features: z.array(LandWaterFeature).min(1),
});
export type LandWaterFile = z.infer<typeof LandWaterFile>;
