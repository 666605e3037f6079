/**
 * Building footprints (GeoJSON or Shapefile) -> validated `Building` records: one building per polygon (the largest
 * part of a MultiPolygon), converted to WGS84, counter-clockwise, at most 64 vertices (simplified beyond that),
 * holes dropped (courtyards are filled; counted), height from a height field or floors × storey height, district
 * by point-in-polygon. Invalid geometries are refused with the reason: empty, unclosed, too few points,
 * self-crossing, outside the city.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import * as turf from "@turf/turf";
import * as shapefile from "shapefile";
import { z } from "zod";
import { Building, type BuildingUsage, type DistrictName, type LonLat } from "../../src/protocol/data";
import { toWgs84, type Crs } from "./crs";
import { normaliseHeader } from "./columns";
import { parseNumber, validId } from "./normalise";
import type { RefusedRow } from "./report";

export const STOREY_M = 3.2;

/** Recognised property names (compared after normaliseHeader) */
export const FOOTPRINT_FIELDS = {
  id: ["id", "osmid", "@id", "编号", "建筑编号", "bldgid", "fid"],
  height: ["height", "buildingheight", "高度", "建筑高度", "楼高", "h"],
  floors: ["floors", "buildinglevels", "levels", "层数", "楼层数", "地上层数", "storeys"],
  usage: ["usage", "building", "use", "用途", "建筑用途", "类型", "type"],
} as const;

const USAGES: [RegExp, BuildingUsage][] = [
  [/data.?cent|数据中心|机房/i, "datacentre"],
  [/resid|apartment|house|dormitory|住宅|居住|宿舍/i, "residential"],
  [/office|办公|写字楼/i, "office"],
  [/commerc|retail|shop|mall|hotel|商业|商场|酒店/i, "commercial"],
  [/industr|factory|warehouse|工业|厂房|仓库/i, "industrial"],
  [/school|hospital|public|civic|government|university|学校|医院|公共|政府/i, "public"],
];

export interface FootprintOptions {
  crs: Crs;
  districtAt: (p: LonLat) => DistrictName | null;
  storeyM?: number;
}

export interface FootprintResult {
  buildings: Building[];
  refused: RefusedRow[];
  read: number;
  defaults: Record<string, number>;
  holesDropped: number;
  simplified: number;
}

const Feature = z.object({
  type: z.literal("Feature"),
  id: z.union([z.string(), z.number()]).optional(),
  properties: z.record(z.string(), z.unknown()).nullable().optional(),
  geometry: z.object({ type: z.string(), coordinates: z.unknown().optional() }).nullable(),
});
type Feature = z.infer<typeof Feature>;

/** Read the features of a .geojson or a .shp (with its .dbf, and .cpg naming the DBF encoding). */
export async function readFootprintFeatures(file: string): Promise<unknown[]> {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".shp") {
    const base = file.slice(0, -4);
    const cpg = existsSync(`${base}.cpg`) ? readFileSync(`${base}.cpg`, "utf8").trim().toLowerCase() : "utf-8";
    const fc = await shapefile.read(file, existsSync(`${base}.dbf`) ? `${base}.dbf` : undefined, { encoding: cpg });
    return fc.features;
  }
  if (ext !== ".geojson" && ext !== ".json")
    throw new Error(`${path.basename(file)}: footprints must be GeoJSON (.geojson) or a Shapefile (.shp)`);
  const json = JSON.parse(readFileSync(file, "utf8")) as { type?: string; features?: unknown };
  if (json.type !== "FeatureCollection" || !Array.isArray(json.features))
    throw new Error(`${path.basename(file)}: not a GeoJSON FeatureCollection`);
  return json.features;
}

class Refuse extends Error {}

function prop(props: Record<string, unknown>, names: readonly string[]): string {
  for (const [k, v] of Object.entries(props))
    if (names.includes(normaliseHeader(k)) && v !== null && v !== undefined && String(v).trim() !== "")
      return String(v).trim();
  return "";
}

/** the outer ring of the building's polygon (largest part of a MultiPolygon), validated, closing point removed */
function outerRing(f: Feature, counts: { holes: number }): LonLat[] {
  const g = f.geometry;
  if (!g || g.coordinates === undefined) throw new Refuse("empty geometry");
  let polys: unknown[][];
  if (g.type === "Polygon") polys = [g.coordinates as unknown[]];
  else if (g.type === "MultiPolygon") polys = g.coordinates as unknown[][];
  else throw new Refuse(`geometry is ${g.type}, expected Polygon`);
  const rings = polys.filter((p) => Array.isArray(p) && p.length > 0) as LonLat[][][];
  if (rings.length === 0 || rings.every((p) => p[0].length === 0)) throw new Refuse("empty geometry");
  const poly = rings.reduce((a, b) => (ringArea(b[0]) > ringArea(a[0]) ? b : a));
  counts.holes += poly.length - 1;
  const ring = poly[0];
  if (!ring.every((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1])))
    throw new Refuse("bad coordinate in ring");
  const [a, z] = [ring[0], ring[ring.length - 1]];
  if (a[0] !== z[0] || a[1] !== z[1]) throw new Refuse("unclosed ring (first and last positions differ)");
  const open = ring.slice(0, -1).filter((p, i, r) => i === 0 || p[0] !== r[i - 1][0] || p[1] !== r[i - 1][1]);
  if (open.length < 3) throw new Refuse("fewer than 3 distinct points");
  if (turf.kinks(turf.polygon([ring])).features.length > 0) throw new Refuse("self-crossing ring");
  return open;
}

function ringArea(r: readonly LonLat[]): number {
  let s = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += (r[j][0] - r[i][0]) * (r[j][1] + r[i][1]);
  return Math.abs(s / 2);
}

/** counter-clockwise, at most 64 vertices */
function tidy(ring: LonLat[], counts: { simplified: number }): LonLat[] {
  let r = ringArea2(ring) < 0 ? [...ring].reverse() : ring;
  if (r.length > 64) {
    counts.simplified++;
    let tol = 1e-6;
    while (r.length > 64) {
      const poly = turf.simplify(turf.polygon([[...ring, ring[0]]]), { tolerance: tol, highQuality: true });
      r = (poly.geometry.coordinates[0] as LonLat[]).slice(0, -1);
      if (ringArea2(r) < 0) r.reverse();
      tol *= 2;
    }
  }
  return r.map(([x, y]) => [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7]);
}

/** signed area (positive = counter-clockwise) */
function ringArea2(r: readonly LonLat[]): number {
  let s = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += (r[j][0] * r[i][1] - r[i][0] * r[j][1]) / 2;
  return s;
}

function heightAndFloors(props: Record<string, unknown>, storeyM: number, defaulted: (f: string) => void) {
  const hText = prop(props, FOOTPRINT_FIELDS.height);
  const fText = prop(props, FOOTPRINT_FIELDS.floors);
  const h = hText ? parseNumber(hText) : null;
  const f = fText ? parseNumber(fText) : null;
  if (hText && (h === null || h <= 0)) throw new Refuse(`bad height "${hText}"`);
  if (fText && (f === null || f < 1)) throw new Refuse(`bad floors "${fText}"`);
  if (h !== null && f !== null) return { heightM: h, floors: Math.round(f) };
  if (h !== null) return { heightM: h, floors: Math.max(1, Math.round(h / storeyM)) };
  if (f !== null) return { heightM: Math.round(f * storeyM * 10) / 10, floors: Math.round(f) };
  defaulted("height");
  return { heightM: 2 * storeyM, floors: 2 };
}

/** One feature -> one building, or a refusal reason. */
function toBuilding(f: Feature, n: number, opts: FootprintOptions, acc: FootprintResult, seen: Set<string>): Building {
  const props = f.properties ?? {};
  const counts = { holes: 0, simplified: 0 };
  const ring = outerRing(f, counts).map((p) => toWgs84(p, opts.crs));
  const c = turf.centroid(turf.polygon([[...ring, ring[0]]])).geometry.coordinates as LonLat;
  const district = opts.districtAt(c);
  if (!district) throw new Refuse("outside the city");
  const defaults: string[] = [];
  const hf = heightAndFloors(props, opts.storeyM ?? STOREY_M, (x) => defaults.push(x));
  const usageText = prop(props, FOOTPRINT_FIELDS.usage);
  const usage = USAGES.find(([re]) => re.test(usageText))?.[1] ?? (defaults.push("usage"), "residential");
  const rawId = prop(props, FOOTPRINT_FIELDS.id) || (f.id !== undefined ? String(f.id) : "");
  const id = validId(rawId.replace(/[^A-Za-z0-9_.:-]/g, "_")) ?? `B-${n}`;
  if (seen.has(id)) throw new Refuse(`duplicate id ${id}`);
  const r = Building.safeParse({ id, district, usage, ...hf, footprint: tidy(ring, counts) });
  if (!r.success) throw new Refuse(`${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message}`);
  seen.add(id);
  acc.holesDropped += counts.holes;
  acc.simplified += counts.simplified;
  for (const d of defaults) acc.defaults[d] = (acc.defaults[d] ?? 0) + 1;
  return r.data;
}

export function importFootprints(
  features: readonly unknown[],
  opts: FootprintOptions,
  onProgress?: (n: number) => void,
) {
  const acc: FootprintResult = {
    buildings: [],
    refused: [],
    read: features.length,
    defaults: {},
    holesDropped: 0,
    simplified: 0,
  };
  const seen = new Set<string>();
  features.forEach((raw, i) => {
    const line = i + 1;
    const f = Feature.safeParse(raw);
    try {
      if (!f.success) throw new Refuse("not a GeoJSON Feature");
      acc.buildings.push(toBuilding(f.data, line, opts, acc, seen));
    } catch (e) {
      if (!(e instanceof Refuse)) throw e;
      acc.refused.push({ line, reason: e.message });
    }
    if (onProgress && i % 5000 === 0) onProgress(i);
  });
  return acc;
}
