/**
 * Input coordinate systems. Everything inside the app is WGS84; GCJ-02 (AMap, Tencent) and BD-09 (Baidu) are
 * converted here with gcoord. CGCS2000 is taken as WGS84: they differ by well under a metre.
 */
import gcoord from "gcoord";
import type { LonLat } from "../../src/protocol/data";

export const CRS_NAMES = ["wgs84", "gcj02", "bd09", "cgcs2000"] as const;
export type Crs = (typeof CRS_NAMES)[number];

export function toWgs84(p: LonLat, crs: Crs): LonLat {
  if (crs === "wgs84" || crs === "cgcs2000") return p;
  const from = crs === "gcj02" ? gcoord.GCJ02 : gcoord.BD09;
  const [lon, lat] = gcoord.transform([p[0], p[1]], from, gcoord.WGS84);
  return [lon, lat];
}

export interface CrsSuggestion {
  crs: Crs;
  insideAsGiven: number;
  insideIfSuggested: number;
  total: number;
}

/**
 * A file read in the wrong system lands ~500 m off (GCJ-02) or ~1 km off (BD-09): points near district edges and
 * the coast fall outside, and the same points read the other way fall inside. Suggest the system that puts clearly
 * more of the file's points inside the city, or null when the given one is as good as any.
 */
export function suggestCrs(
  points: readonly LonLat[],
  given: Crs,
  inside: (p: LonLat) => boolean,
): CrsSuggestion | null {
  if (points.length === 0) return null;
  const count = (crs: Crs) => points.reduce((n, p) => n + (inside(toWgs84(p, crs)) ? 1 : 0), 0);
  const base = count(given);
  let best: CrsSuggestion | null = null;
  for (const crs of ["wgs84", "gcj02", "bd09"] as const) {
    if (crs === given || (given === "cgcs2000" && crs === "wgs84")) continue;
    const n = count(crs);
    const clearlyMore = n - base >= Math.max(2, Math.ceil(points.length * 0.02));
    if (clearlyMore && (!best || n > best.insideIfSuggested))
      best = { crs, insideAsGiven: base, insideIfSuggested: n, total: points.length };
  }
  return best;
}
