/**
 * Geometry helpers of the generator: a fast point-in-district index over public/data/districts.geojson,
 * "on land" tests (inside a district and clear of the derived Min River channels), local ENU metres.
 */
import type { DistrictName, DistrictsFile, LonLat, RiverFile } from "../../src/protocol/data";
import type { LandMask } from "./landmask";
import { inPolys, type PolyRings } from "./rings";

export const EARTH_R = 6371008.8;
const RAD = Math.PI / 180;

/** metres per degree of longitude / latitude at a latitude */
export function metresPerDegree(lat: number): { x: number; y: number } {
  return { x: EARTH_R * RAD * Math.cos(lat * RAD), y: EARTH_R * RAD };
}

/** Offset a lon/lat by east/north metres (small distances, equirectangular). */
export function offset(lon: number, lat: number, eastM: number, northM: number): LonLat {
  const m = metresPerDegree(lat);
  return [lon + eastM / m.x, lat + northM / m.y];
}

/**
 * Planar (equirectangular) distance at the pair's mean latitude: the generator's own metric, not a great-circle
 * distance (that is planner/geo haversineM). The sample data's road lengths depend on it, so it stays.
 */
export function distanceM(a: LonLat, b: LonLat): number {
  const m = metresPerDegree((a[1] + b[1]) / 2);
  return Math.hypot((a[0] - b[0]) * m.x, (a[1] - b[1]) * m.y);
}

export const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;
export const round1 = (v: number): number => Math.round(v * 10) / 10;

export interface DistrictInfo {
  name: DistrictName;
  population: number;
  areaKm2: number;
  bbox: [number, number, number, number];
  polys: PolyRings[];
}

export class DistrictIndex {
  readonly districts: DistrictInfo[];
  private readonly byName = new Map<DistrictName, DistrictInfo>();
  private readonly riverSegs: Float64Array; // x0,y0,x1,y1 in degrees

  constructor(
    file: DistrictsFile,
    river?: RiverFile,
    private readonly mask?: LandMask,
  ) {
    this.districts = file.features.map((f) => {
      const polys = (f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates).map((poly) => {
        const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
        const rings = poly.map((ring) => {
          const a = new Float64Array(ring.length * 2);
          ring.forEach(([x, y], i) => {
            a[2 * i] = x;
            a[2 * i + 1] = y;
            bbox[0] = Math.min(bbox[0], x);
            bbox[1] = Math.min(bbox[1], y);
            bbox[2] = Math.max(bbox[2], x);
            bbox[3] = Math.max(bbox[3], y);
          });
          return a;
        });
        return { bbox, rings };
      });
      const bbox: [number, number, number, number] = [
        Math.min(...polys.map((p) => p.bbox[0])),
        Math.min(...polys.map((p) => p.bbox[1])),
        Math.max(...polys.map((p) => p.bbox[2])),
        Math.max(...polys.map((p) => p.bbox[3])),
      ];
      const info: DistrictInfo = {
        name: f.properties.name,
        population: f.properties.population,
        areaKm2: f.properties.areaKm2,
        bbox,
        polys,
      };
      this.byName.set(info.name, info);
      return info;
    });
    const segs: number[] = [];
    for (const f of river?.features ?? [])
      for (const line of f.geometry.coordinates)
        for (let i = 0; i < line.length - 1; i++) segs.push(line[i][0], line[i][1], line[i + 1][0], line[i + 1][1]);
    this.riverSegs = Float64Array.from(segs);
  }

  get(name: DistrictName): DistrictInfo {
    const d = this.byName.get(name);
    if (!d) throw new Error(`unknown district ${name}`);
    return d;
  }

  contains(name: DistrictName, x: number, y: number): boolean {
    const d = this.get(name);
    if (x < d.bbox[0] || x > d.bbox[2] || y < d.bbox[1] || y > d.bbox[3]) return false;
    return inPolys(d.polys, x, y);
  }

  districtAt(x: number, y: number): DistrictName | null {
    for (const d of this.districts) if (this.contains(d.name, x, y)) return d.name;
    return null;
  }

  /** distance in metres to the nearest derived river reach (Infinity without river data) */
  riverDistanceM(x: number, y: number): number {
    const s = this.riverSegs;
    const m = metresPerDegree(y);
    let best = Infinity;
    for (let i = 0; i < s.length; i += 4) {
      const ax = (s[i] - x) * m.x,
        ay = (s[i + 1] - y) * m.y;
      const bx = (s[i + 2] - x) * m.x,
        by = (s[i + 3] - y) * m.y;
      const dx = bx - ax,
        dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
      const d = Math.hypot(ax + t * dx, ay + t * dy);
      if (d < best) best = d;
    }
    return best;
  }

  /**
   * inside the named district, on land (not sea, river surface or Matsu, where a land mask is given) and at least
   * `riverClearM` from the river centre lines
   */
  onLand(name: DistrictName, x: number, y: number, riverClearM = 150): boolean {
    return (
      this.contains(name, x, y) &&
      (!this.mask || this.mask.allowed(x, y)) &&
      (riverClearM <= 0 || this.riverDistanceM(x, y) >= riverClearM)
    );
  }
}
