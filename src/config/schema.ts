/**
 * The scene configuration (public/config/scene.json, or ?config=URL): which basemap, which 3D Tiles, which data
 * files, which gateway, which camera views. Validated with zod; a bad file is reported by field name and the
 * built-in default scene (DEFAULT_CONFIG) is used instead.
 */
import { z } from "zod";
import { zodSummary } from "../protocol/zod-errors";

const url = z
  .string()
  .min(1)
  .max(2048)
  .refine((s) => !/^\s*javascript:/i.test(s), "javascript: URLs are not allowed");

export const CameraView = z.object({
  id: z.string().min(1).max(40),
  name_zh: z.string().min(1).max(60),
  name_en: z.string().min(1).max(60),
  /** the point looked at */
  lon: z.number().min(118).max(121),
  lat: z.number().min(25).max(27.5),
  /** distance from the camera to that point, metres */
  range: z.number().min(200).max(400000),
  heading: z.number().min(-360).max(360).default(0),
  pitch: z.number().min(-90).max(0).default(-45),
  /** seconds to dwell here during the automatic tour */
  dwellS: z.number().min(1).max(600).default(20),
});
export type CameraView = z.infer<typeof CameraView>;

export const Basemap = z.discriminatedUnion("type", [
  z.object({ type: z.literal("embedded") }),
  z.object({
    type: z.literal("xyz"),
    url: url.refine(
      (s) => s.includes("{x}") && s.includes("{y}") && s.includes("{z}"),
      "an XYZ url template needs {x}, {y} and {z}",
    ),
    maximumLevel: z.number().int().min(1).max(22).default(18),
    credit: z.string().max(200).default(""),
    /** the system the tiles are drawn in: "gcj02" for AMap / Tencent tiles (shifted ~500 m in Fuzhou, placed with a
     *  GCJ-02-corrected tiling scheme); "wgs84" for OpenStreetMap, Tianditu and a local MBTiles/PMTiles cut from them */
    crs: z.enum(["wgs84", "gcj02"]).default("wgs84"),
  }),
  z.object({
    type: z.literal("wmts"),
    url,
    layer: z.string().min(1),
    style: z.string().default("default"),
    tileMatrixSetID: z.string().min(1),
    format: z.string().default("image/png"),
    maximumLevel: z.number().int().min(1).max(22).default(18),
    credit: z.string().max(200).default(""),
  }),
]);
export type Basemap = z.infer<typeof Basemap>;

export const SceneConfig = z.object({
  version: z.literal(1),
  basemap: Basemap.default({ type: "embedded" }),
  /** 3D Tiles for the CIM building layer; the project's generated tileset by default */
  buildingsTileset: url.nullable().default("tiles/buildings/tileset.json"),
  /** extra 3D Tiles (a real CIM model, photogrammetry) */
  extraTilesets: z.array(url).max(8).default([]),
  /** quantized-mesh terrain; null = the smooth ellipsoid (offline default) */
  terrainUrl: url.nullable().default(null),
  data: z
    .object({
      districts: url.default("data/districts.geojson"),
      river: url.nullable().default("data/river.geojson"),
      /** land and water cut from public data at build time; null = no land/sea drawing */
      landwater: url.nullable().default("data/landwater.geojson"),
      landmarks: url.default("data/landmarks.json"),
      roads: url.default("data/roads.json"),
      sites: url.default("data/sites.json"),
      datacentres: url.default("data/datacentres.json"),
      chargers: url.default("data/chargers.json"),
      sensors: url.default("data/sensors.json"),
    })
    .default({
      districts: "data/districts.geojson",
      river: "data/river.geojson",
      landwater: "data/landwater.geojson",
      landmarks: "data/landmarks.json",
      roads: "data/roads.json",
      sites: "data/sites.json",
      datacentres: "data/datacentres.json",
      chargers: "data/chargers.json",
      sensors: "data/sensors.json",
    }),
  /** socket.io gateway; "" = same origin */
  gatewayUrl: z.string().max(2048).default(""),
  /** seconds without an update before an object is drawn grey as stale */
  staleAfterS: z.number().min(5).max(86400).default(120),
  /** at most one live recolour (and so one redraw caused by live data) per this many ms; status is not animation */
  liveFrameMs: z.number().int().min(0).max(10000).default(250),
  camera: z.object({
    /** the camera is kept inside this lon/lat box [west, south, east, north] */
    limit: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    minHeight: z.number().min(50).default(150),
    maxHeight: z.number().max(2000000).default(260000),
    presets: z.array(CameraView).min(1).max(32),
    /** views visited by the automatic tour (command mode) */
    tour: z.array(CameraView).max(32).default([]),
  }),
});
export type SceneConfig = z.infer<typeof SceneConfig>;

const presets: CameraView[] = [
  {
    id: "city",
    name_zh: "全市",
    name_en: "Whole city",
    lon: 119.22,
    lat: 25.98,
    range: 240000,
    heading: 0,
    pitch: -75,
    dwellS: 20,
  },
  {
    id: "core",
    name_zh: "主城区",
    name_en: "Urban core",
    lon: 119.31,
    lat: 26.06,
    range: 32000,
    heading: 0,
    pitch: -45,
    dwellS: 20,
  },
  {
    id: "binhai",
    name_zh: "滨海新城",
    name_en: "Binhai New City",
    lon: 119.6,
    lat: 25.875,
    range: 16000,
    heading: 20,
    pitch: -40,
    dwellS: 20,
  },
];

export const DEFAULT_CONFIG: SceneConfig = SceneConfig.parse({
  version: 1,
  camera: {
    limit: [118.0, 24.9, 120.4, 27.1],
    presets,
    tour: presets,
  },
});

/** Turn a zod error into one sentence naming each bad field, e.g. `camera.presets[0].lat: Too big: ...`. */
export function describeConfigError(err: z.ZodError): string {
  return zodSummary(err, { max: 4, style: "brackets" });
}

export type ConfigResult = { config: SceneConfig; error: string | null; source: string };

/** Parse an unknown JSON value; on failure keep the defaults and return the reason. */
export function parseConfig(json: unknown, source: string): ConfigResult {
  const r = SceneConfig.safeParse(json);
  if (r.success) return { config: r.data, error: null, source };
  return { config: DEFAULT_CONFIG, error: `${source}: ${describeConfigError(r.error)}`, source };
}

/** Load a config from a URL (same origin or a configured one); never throws. */
export async function loadConfig(urlStr: string, fetchFn: typeof fetch = fetch): Promise<ConfigResult> {
  let json: unknown;
  try {
    const res = await fetchFn(urlStr);
    if (!res.ok) return { config: DEFAULT_CONFIG, error: `${urlStr}: HTTP ${res.status}`, source: urlStr };
    const text = await res.text();
    try {
      json = JSON.parse(text);
    } catch (e) {
      return { config: DEFAULT_CONFIG, error: `${urlStr}: not valid JSON (${(e as Error).message})`, source: urlStr };
    }
  } catch (e) {
    return {
      config: DEFAULT_CONFIG,
      error: `${urlStr}: could not be loaded (${(e as Error).message})`,
      source: urlStr,
    };
  }
  return parseConfig(json, urlStr);
}
