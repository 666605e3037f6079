/**
 * Where the camera may look: inside Fuzhou's districts or within `nearCoastM` of them (the near coast), so a
 * visitor who drags or flicks the map always keeps part of the city in view. Pure geometry (lon/lat in, lon/lat
 * out) in a local metric projection; `TargetFence` (target-fence.ts) applies it to the camera.
 */
import { makeProjection, pointInRing, toLocal, toLonLat, type LocalProjection } from "../planner/geo";
import type { DistrictsFile, LonLat } from "../protocol/data";
import { inMatsu } from "../protocol/matsu";

interface Outline {
  /** ring in local metres */
  xy: Float64Array;
  bbox: [number, number, number, number];
  ring: readonly LonLat[];
}

export class LandFence {
  private readonly proj: LocalProjection;
  private readonly outlines: Outline[] = [];

  /** `rings`: the outer rings of the allowed area, lon/lat */
  constructor(
    rings: ReadonlyArray<readonly LonLat[]>,
    readonly nearCoastM = 1500,
  ) {
    let lon = 0;
    let lat = 0;
    let n = 0;
    for (const r of rings)
      for (const p of r) {
        lon += p[0];
        lat += p[1];
        n++;
      }
    if (!n) throw new Error("LandFence: no outline");
    this.proj = makeProjection(lon / n, lat / n);
    for (const ring of rings) {
      const xy = new Float64Array(ring.length * 2);
      const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
      ring.forEach((p, i) => {
        const [x, y] = toLocal(this.proj, p[0], p[1]);
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
        bbox[0] = Math.min(bbox[0], x);
        bbox[1] = Math.min(bbox[1], y);
        bbox[2] = Math.max(bbox[2], x);
        bbox[3] = Math.max(bbox[3], y);
      });
      this.outlines.push({ xy, bbox, ring });
    }
  }

  /** the outer rings of every district polygon */
  static ofDistricts(file: DistrictsFile, nearCoastM?: number): LandFence {
    const rings: LonLat[][] = [];
    for (const f of file.features) {
      const g = f.geometry;
      if (g.type === "Polygon") rings.push(g.coordinates[0]);
      else for (const poly of g.coordinates) rings.push(poly[0]);
    }
    // the Matsu islands are drawn inside 连江/长乐 but are not Fuzhou's to show
    return new LandFence(
      rings.filter((r) => !r.every(([x, y]) => inMatsu(x, y))),
      nearCoastM,
    );
  }

  /** true over a district or within `nearCoastM` of one */
  contains(lon: number, lat: number): boolean {
    return this.inside(lon, lat) || this.nearest(lon, lat).d <= this.nearCoastM;
  }

  /** distance (m) from the point to the nearest district outline, 0 inside */
  distanceM(lon: number, lat: number): number {
    return this.inside(lon, lat) ? 0 : this.nearest(lon, lat).d;
  }

  /** the point itself where allowed, else the nearest allowed point (just inside the near-coast band) */
  clamp(lon: number, lat: number, nearM = this.nearCoastM): LonLat {
    if (this.inside(lon, lat)) return [lon, lat];
    const { d, x, y } = this.nearest(lon, lat);
    if (d <= nearM) return [lon, lat];
    const [px, py] = toLocal(this.proj, lon, lat);
    const k = (nearM * 0.9) / d;
    return toLonLat(this.proj, x + (px - x) * k, y + (py - y) * k);
  }

  private inside(lon: number, lat: number): boolean {
    const [x, y] = toLocal(this.proj, lon, lat);
    for (const o of this.outlines) {
      const b = o.bbox;
      if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
      if (pointInRing(lon, lat, o.ring)) return true;
    }
    return false;
  }

  /** nearest point on any outline, in local metres, and its distance */
  private nearest(lon: number, lat: number): { d: number; x: number; y: number } {
    const [px, py] = toLocal(this.proj, lon, lat);
    let best = { d: Infinity, x: px, y: py };
    for (const o of this.outlines) {
      const b = o.bbox;
      const bx = Math.max(b[0] - px, 0, px - b[2]);
      const by = Math.max(b[1] - py, 0, py - b[3]);
      if (Math.hypot(bx, by) >= best.d) continue;
      const xy = o.xy;
      for (let i = 0; i + 3 < xy.length; i += 2) {
        const ax = xy[i];
        const ay = xy[i + 1];
        const dx = xy[i + 2] - ax;
        const dy = xy[i + 3] - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
        const qx = ax + t * dx;
        const qy = ay + t * dy;
        const d = Math.hypot(px - qx, py - qy);
        if (d < best.d) best = { d, x: qx, y: qy };
      }
    }
    return best;
  }
}
