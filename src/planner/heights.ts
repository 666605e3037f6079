/**
 * Building height raster and line-of-sight test. Footprints (lon/lat) are rasterised, in a local metric
 * projection, to the maximum building height per raster cell (a coarse 10–20 m raster is enough for
 * LOS/NLOS classification). A link is LOS when the straight segment from the user (at hUT) to the antenna
 * (at hBS) passes above every raster cell it crosses.
 */
import { type LocalProjection, type Ring, pointInRing, toLocal } from "./geo";

export interface FootprintBuilding {
  heightM: number;
  /** lon/lat ring, not closed */
  footprint: Ring;
}

export interface HeightRaster {
  /** south-west corner of cell (0,0), metres in the projection */
  originX: number;
  originY: number;
  cellM: number;
  nx: number;
  ny: number;
  /** max building height per cell, row-major from the south row; 0 = open ground */
  heights: Float32Array;
}

/**
 * Rasterise building footprints into [minX,maxX]×[minY,maxY] (metres in `proj`). A raster cell takes the
 * height of every building whose footprint contains the cell centre.
 */
export function buildHeightRaster(
  buildings: readonly FootprintBuilding[],
  proj: LocalProjection,
  extent: { minX: number; minY: number; maxX: number; maxY: number },
  cellM = 15,
): HeightRaster {
  const nx = Math.max(1, Math.ceil((extent.maxX - extent.minX) / cellM));
  const ny = Math.max(1, Math.ceil((extent.maxY - extent.minY) / cellM));
  const heights = new Float32Array(nx * ny);
  const r: HeightRaster = { originX: extent.minX, originY: extent.minY, cellM, nx, ny, heights };
  for (const b of buildings) {
    const ring = b.footprint.map((p) => toLocal(proj, p[0], p[1]));
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
    const i0 = Math.max(0, Math.floor((x0 - r.originX) / cellM));
    const i1 = Math.min(nx - 1, Math.floor((x1 - r.originX) / cellM));
    const j0 = Math.max(0, Math.floor((y0 - r.originY) / cellM));
    const j1 = Math.min(ny - 1, Math.floor((y1 - r.originY) / cellM));
    if (i0 > i1 || j0 > j1) continue;
    let hit = false;
    for (let j = j0; j <= j1; j++) {
      const cy = r.originY + (j + 0.5) * cellM;
      for (let i = i0; i <= i1; i++) {
        const cx = r.originX + (i + 0.5) * cellM;
        if (pointInRing(cx, cy, ring)) {
          hit = true;
          const k = j * nx + i;
          if (b.heightM > heights[k]) heights[k] = b.heightM;
        }
      }
    }
    // footprints smaller than a raster cell still block: mark the cell holding their centre
    if (!hit) {
      const i = Math.floor(((x0 + x1) / 2 - r.originX) / cellM);
      const j = Math.floor(((y0 + y1) / 2 - r.originY) / cellM);
      if (i >= 0 && j >= 0 && i < nx && j < ny) {
        const k = j * nx + i;
        if (b.heightM > heights[k]) heights[k] = b.heightM;
      }
    }
  }
  return r;
}

/** Building height (m) at a metric point, 0 outside the raster. */
export function heightAt(r: HeightRaster, x: number, y: number): number {
  const i = Math.floor((x - r.originX) / r.cellM);
  const j = Math.floor((y - r.originY) / r.cellM);
  if (i < 0 || j < 0 || i >= r.nx || j >= r.ny) return 0;
  return r.heights[j * r.nx + i];
}

/**
 * True when the segment from the user (ux, uy, hUT) to the antenna (sx, sy, hBS) clears all buildings.
 * Samples every half raster cell, marching from the user end (where blockage is most likely, so blocked rays
 * exit early); the raster cell holding the antenna is ignored (the antenna's own rooftop).
 */
export function isLineOfSight(
  r: HeightRaster,
  ux: number,
  uy: number,
  hUT: number,
  sx: number,
  sy: number,
  hBS: number,
): boolean {
  const dx = sx - ux,
    dy = sy - uy;
  const d = Math.sqrt(dx * dx + dy * dy);
  const step = r.cellM * 0.5;
  const n = Math.floor(d / step);
  const si = Math.floor((sx - r.originX) / r.cellM),
    sj = Math.floor((sy - r.originY) / r.cellM);
  const nx = r.nx,
    ny = r.ny,
    h = r.heights,
    ox = r.originX,
    oy = r.originY,
    inv = 1 / r.cellM;
  for (let k = 0; k <= n; k++) {
    const t = d > 0 ? (k * step) / d : 0;
    const i = Math.floor((ux + dx * t - ox) * inv);
    const j = Math.floor((uy + dy * t - oy) * inv);
    if (i < 0 || j < 0 || i >= nx || j >= ny) continue;
    if (i === si && j === sj) break;
    const bh = h[j * nx + i];
    if (bh > 0 && bh > hUT + (hBS - hUT) * t) return false;
  }
  return true;
}
