/**
 * buildings.json -> 3D Tiles 1.0 tileset of extruded, pickable buildings (`tsx tools/tiles/build-buildings.ts`).
 *
 * public/tiles/buildings/tileset.json: a root without content (region bounding volume, refine ADD) and one
 * child per grid cell (quad-split until a cell holds at most `maxPerTile` buildings). Each child's content is
 * a b3dm whose glTF positions are in the child's local ENU frame (y-up, see prism.ts) with the frame's
 * ENU->ECEF matrix as the tile `transform`; the batch table holds id, usage, floors, heightM, district, so
 * `feature.getProperty("id")` works on pick. Output is deterministic: same buildings.json -> same bytes.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Document, NodeIO } from "@gltf-transform/core";
import { BuildingsFile, parseDataFile } from "../../src/protocol/data";
import type { Building } from "../../src/protocol/data";
import { encodeB3dm } from "./b3dm";
import { enuFrame } from "./geodesy";
import { buildPrisms } from "./prism";

import { TILER_VERSION } from "../data/versions";
export { TILER_VERSION };
const RAD = Math.PI / 180;

export interface TilerOptions {
  /** initial grid cell size, degrees */
  cellDeg: number;
  /** quad-split cells holding more buildings than this */
  maxPerTile: number;
  /** geometric error of the root (metres): buildings show once the root's screen-space error exceeds the limit */
  rootGeometricError: number;
}
export const DEFAULT_TILER_OPTIONS: TilerOptions = { cellDeg: 0.04, maxPerTile: 4000, rootGeometricError: 1200 };

export type Region = [number, number, number, number, number, number];

export interface TileBuild {
  key: string;
  buildings: Building[];
  /** lon/lat bounds of the cell */
  cell: [number, number, number, number];
}

const centroid = (b: Building): [number, number] => {
  let x = 0,
    y = 0;
  for (const p of b.footprint) {
    x += p[0];
    y += p[1];
  }
  return [x / b.footprint.length, y / b.footprint.length];
};

/** Assign buildings to grid cells by centroid; split crowded cells into quadrants. Sorted, deterministic. */
export function partition(buildings: readonly Building[], opts: TilerOptions): TileBuild[] {
  const cells = new Map<string, Building[]>();
  for (const b of buildings) {
    const [x, y] = centroid(b);
    const k = `${Math.floor(x / opts.cellDeg)}_${Math.floor(y / opts.cellDeg)}`;
    const list = cells.get(k);
    if (list) list.push(b);
    else cells.set(k, [b]);
  }
  const out: TileBuild[] = [];
  const split = (key: string, list: Building[], cell: [number, number, number, number], depth: number) => {
    if (list.length <= opts.maxPerTile || depth >= 6) {
      out.push({ key, buildings: list, cell });
      return;
    }
    const mx = (cell[0] + cell[2]) / 2,
      my = (cell[1] + cell[3]) / 2;
    const q: Building[][] = [[], [], [], []];
    for (const b of list) {
      const [x, y] = centroid(b);
      q[(x >= mx ? 1 : 0) + (y >= my ? 2 : 0)].push(b);
    }
    const boxes: [number, number, number, number][] = [
      [cell[0], cell[1], mx, my],
      [mx, cell[1], cell[2], my],
      [cell[0], my, mx, cell[3]],
      [mx, my, cell[2], cell[3]],
    ];
    q.forEach((l, i) => l.length && split(`${key}_${i}`, l, boxes[i], depth + 1));
  };
  for (const k of [...cells.keys()].sort()) {
    const [i, j] = k.split("_").map(Number);
    split(k, cells.get(k)!, [i * opts.cellDeg, j * opts.cellDeg, (i + 1) * opts.cellDeg, (j + 1) * opts.cellDeg], 0);
  }
  return out;
}

/** Region (radians, metres) enclosing the buildings' footprints from ground to roof, with a small margin. */
export function regionOf(buildings: readonly Building[]): Region {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity,
    top = 0;
  for (const b of buildings) {
    for (const [x, y] of b.footprint) {
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
    }
    top = Math.max(top, b.heightM);
  }
  const m = 1e-6; // ~0.1 m
  // the ground sags below the ENU tangent plane away from the origin; heights here are above the ellipsoid
  return [(w - m) * RAD, (s - m) * RAD, (e + m) * RAD, (n + m) * RAD, -1, top + 1];
}

export function unionRegion(rs: readonly Region[]): Region {
  return [
    Math.min(...rs.map((r) => r[0])),
    Math.min(...rs.map((r) => r[1])),
    Math.max(...rs.map((r) => r[2])),
    Math.max(...rs.map((r) => r[3])),
    Math.min(...rs.map((r) => r[4])),
    Math.max(...rs.map((r) => r[5])),
  ];
}

/** Build one tile: local ENU frame at the tile's centre, prisms, glb, b3dm. */
export async function buildTile(
  buildings: readonly Building[],
): Promise<{ b3dm: Buffer; transform: number[]; region: Region; vertices: number; triangles: number }> {
  const region = regionOf(buildings);
  const lon0 = (region[0] + region[2]) / 2 / RAD,
    lat0 = (region[1] + region[3]) / 2 / RAD;
  const frame = enuFrame(Math.round(lon0 * 1e6) / 1e6, Math.round(lat0 * 1e6) / 1e6, 0);
  const mesh = buildPrisms(buildings, frame);

  const doc = new Document();
  doc.getRoot().getAsset().generator = `rongtwin tools/tiles/build-buildings.ts ${TILER_VERSION}`;
  const buffer = doc.createBuffer();
  const material = doc
    .createMaterial("building")
    .setBaseColorFactor([1, 1, 1, 1])
    .setMetallicFactor(0)
    .setRoughnessFactor(0.9);
  const indices = mesh.vertexCount > 65535 ? mesh.indices : Uint16Array.from(mesh.indices);
  const prim = doc
    .createPrimitive()
    .setAttribute("POSITION", doc.createAccessor().setType("VEC3").setArray(mesh.positions).setBuffer(buffer))
    .setAttribute("NORMAL", doc.createAccessor().setType("VEC3").setArray(mesh.normals).setBuffer(buffer))
    .setAttribute("_BATCHID", doc.createAccessor().setType("SCALAR").setArray(mesh.batchIds).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType("SCALAR").setArray(indices).setBuffer(buffer))
    .setMaterial(material);
  const node = doc.createNode("buildings").setMesh(doc.createMesh("buildings").addPrimitive(prim));
  doc.createScene("scene").addChild(node);
  doc.getRoot().setDefaultScene(doc.getRoot().listScenes()[0]);
  const glb = await new NodeIO().writeBinary(doc);

  const b3dm = encodeB3dm({
    featureTable: { BATCH_LENGTH: buildings.length },
    batchTable: {
      id: buildings.map((b) => b.id),
      usage: buildings.map((b) => b.usage),
      floors: buildings.map((b) => b.floors),
      heightM: buildings.map((b) => b.heightM),
      district: buildings.map((b) => b.district),
    },
    glb,
  });
  return { b3dm, transform: frame.matrix, region, vertices: mesh.vertexCount, triangles: mesh.triangleCount };
}

export interface Tileset {
  asset: { version: "1.0"; generator: string; extras: Record<string, unknown> };
  properties: Record<string, { minimum: number; maximum: number }>;
  geometricError: number;
  root: {
    boundingVolume: { region: Region };
    geometricError: number;
    refine: "ADD";
    children: {
      boundingVolume: { region: Region };
      geometricError: number;
      transform: number[];
      content: { uri: string };
    }[];
  };
}

export interface BuildResult {
  tileset: Tileset;
  tiles: { uri: string; bytes: number; buildings: number; vertices: number; triangles: number }[];
}

/** Build the whole tileset into outDir (cleared first). `stamp` is written to asset.extras.rongtwin. */
export async function buildTileset(
  buildings: readonly Building[],
  outDir: string,
  stamp: Record<string, unknown>,
  opts: TilerOptions = DEFAULT_TILER_OPTIONS,
): Promise<BuildResult> {
  if (buildings.length === 0) throw new Error("build-buildings: no buildings to tile");
  // build next to the target and swap it in at the end, so a reader never sees a half-written tileset
  const finalDir = outDir;
  outDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.join(outDir, "tiles"), { recursive: true });
  const parts = partition(buildings, opts);
  const children: Tileset["root"]["children"] = [];
  const tiles: BuildResult["tiles"] = [];
  for (const part of parts) {
    const t = await buildTile(part.buildings);
    const uri = `tiles/${part.key}.b3dm`;
    writeFileSync(path.join(outDir, uri), t.b3dm);
    children.push({
      boundingVolume: { region: t.region },
      geometricError: 0,
      transform: t.transform,
      content: { uri },
    });
    tiles.push({
      uri,
      bytes: t.b3dm.length,
      buildings: part.buildings.length,
      vertices: t.vertices,
      triangles: t.triangles,
    });
  }
  const range = (f: (b: Building) => number) => ({
    minimum: Math.min(...buildings.map(f)),
    maximum: Math.max(...buildings.map(f)),
  });
  const tileset: Tileset = {
    asset: {
      version: "1.0",
      generator: `rongtwin tools/tiles/build-buildings.ts ${TILER_VERSION}`,
      extras: {
        rongtwin: {
          ...stamp,
          tilerVersion: TILER_VERSION,
          buildings: buildings.length,
          tiles: tiles.length,
          sample: stamp.sample !== false,
        },
      },
    },
    properties: { floors: range((b) => b.floors), heightM: range((b) => b.heightM) },
    geometricError: opts.rootGeometricError,
    root: {
      boundingVolume: { region: unionRegion(children.map((c) => c.boundingVolume.region)) },
      geometricError: opts.rootGeometricError,
      refine: "ADD",
      children,
    },
  };
  writeFileSync(path.join(outDir, "tileset.json"), JSON.stringify(tileset, null, 1) + "\n");
  const old = `${finalDir}.old-${process.pid}`;
  if (existsSync(finalDir)) renameSync(finalDir, old);
  renameSync(outDir, finalDir);
  rmSync(old, { recursive: true, force: true });
  return { tileset, tiles };
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BUILDINGS_JSON = path.join(ROOT, "public/data/buildings.json");
export const TILES_DIR = path.join(ROOT, "public/tiles/buildings");

export function sha256(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Read buildings.json, build the tileset; the stamp ties the tiles to the exact input bytes. */
export async function buildFromFile(
  input = BUILDINGS_JSON,
  outDir = TILES_DIR,
  log: (s: string) => void = () => {},
): Promise<BuildResult> {
  const t0 = Date.now();
  const text = readFileSync(input, "utf8");
  const file = parseDataFile(BuildingsFile, JSON.parse(text), path.basename(input));
  const res = await buildTileset(file.items, outDir, {
    input: path.basename(input),
    inputSha256: sha256(text),
    generator: file.generator,
  });
  const bytes = res.tiles.reduce((s, t) => s + t.bytes, 0);
  const tris = res.tiles.reduce((s, t) => s + t.triangles, 0);
  log(
    `tileset: ${file.items.length} buildings in ${res.tiles.length} tiles (max ${Math.max(...res.tiles.map((t) => t.buildings))} per tile), ` +
      `${tris} triangles, ${(bytes / 1048576).toFixed(1)} MB, ${Date.now() - t0} ms -> ${path.relative(process.cwd(), outDir)}`,
  );
  return res;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildFromFile(BUILDINGS_JSON, TILES_DIR, console.log).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
