/**
 * Where the generator may put an object: on land (public/data/landwater.geojson, OpenStreetMap coastline data),
 * off the Min River surfaces, and not on the Matsu islands, which the district package draws inside 连江县/长乐区
 * although they are administered from Taiwan and none of the plan's infrastructure is built there.
 */
import type { LandWaterFile, LonLat } from "../../src/protocol/data";
import { inPolys, type PolyRings } from "./rings";

/**
 * The Matsu (马祖) island groups, [west, south, east, north] degrees, generous boxes around 南竿, 北竿, 东引 and
 * 莒光 (approximate public coordinates; nothing of the mainland lies inside them).
 */
export const MATSU_BOXES: readonly { name: string; bbox: [number, number, number, number] }[] = [
  { name: "南竿", bbox: [119.88, 26.12, 119.99, 26.19] },
  { name: "北竿", bbox: [119.95, 26.19, 120.06, 26.26] },
  { name: "东引", bbox: [120.46, 26.34, 120.53, 26.4] },
  { name: "莒光", bbox: [119.9, 25.93, 120.0, 26.0] },
];

function toPoly(rings: LonLat[][]): PolyRings {
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of rings[0]) {
    bbox[0] = Math.min(bbox[0], x);
    bbox[1] = Math.min(bbox[1], y);
    bbox[2] = Math.max(bbox[2], x);
    bbox[3] = Math.max(bbox[3], y);
  }
  return { bbox, rings: rings.map((r) => Float64Array.from(r.flat())) };
}

export const inMatsu = (x: number, y: number): boolean =>
  MATSU_BOXES.some(({ bbox: b }) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]);

export class LandMask {
  private readonly land: PolyRings[];
  private readonly river: PolyRings[];

  constructor(file: LandWaterFile) {
    const polys = (kind: "land" | "river") =>
      file.features
        .filter((f) => f.properties.kind === kind)
        .flatMap((f) => (f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates))
        .map(toPoly);
    this.land = polys("land");
    this.river = polys("river");
  }

  isLand(x: number, y: number): boolean {
    return inPolys(this.land, x, y);
  }

  isRiver(x: number, y: number): boolean {
    return inPolys(this.river, x, y);
  }

  /** on land, off the river surfaces, not on Matsu */
  allowed(x: number, y: number): boolean {
    return !inMatsu(x, y) && this.isLand(x, y) && !this.isRiver(x, y);
  }
}
