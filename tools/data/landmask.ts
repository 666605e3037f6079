/**
 * Where the generator may put an object: on land (public/data/landwater.geojson, OpenStreetMap coastline data),
 * off the Min River surfaces, and not on the Matsu islands, which the district package draws inside 连江县/长乐区
 * although they are administered from Taiwan and none of the plan's infrastructure is built there.
 */
import type { LandWaterFile, LonLat } from "../../src/protocol/data";
import { inPolys, type PolyRings } from "./rings";
import { inMatsu } from "../../src/protocol/matsu";

export { MATSU_BOXES, inMatsu } from "../../src/protocol/matsu";

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
