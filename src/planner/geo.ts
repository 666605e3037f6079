/**
 * Small geometry helpers for the planner: a local metric projection (equirectangular about a reference point,
 * error < 0.1 % over a 50 km city extent) and point-in-polygon / area for GeoJSON-style polygons.
 * Equirectangular is linear in lon/lat, so a square metric grid is also a regular lon/lat grid: the coverage
 * raster can be draped on an exact lon/lat rectangle.
 */

export type Position = readonly [number, number] | readonly number[];
export type Ring = readonly Position[];
export interface PolygonGeometry {
  type: "Polygon";
  coordinates: readonly Ring[];
}
export interface MultiPolygonGeometry {
  type: "MultiPolygon";
  coordinates: readonly (readonly Ring[])[];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

const EARTH_RADIUS_M = 6371008.8;
const DEG = Math.PI / 180;

export interface LocalProjection {
  lon0: number;
  lat0: number;
  /** metres per degree of longitude / latitude at lat0 */
  mPerDegLon: number;
  mPerDegLat: number;
}

export function makeProjection(lon0: number, lat0: number): LocalProjection {
  const mPerDegLat = EARTH_RADIUS_M * DEG;
  return { lon0, lat0, mPerDegLat, mPerDegLon: mPerDegLat * Math.cos(lat0 * DEG) };
}

export function toLocal(p: LocalProjection, lon: number, lat: number): [number, number] {
  return [(lon - p.lon0) * p.mPerDegLon, (lat - p.lat0) * p.mPerDegLat];
}

export function toLonLat(p: LocalProjection, x: number, y: number): [number, number] {
  return [p.lon0 + x / p.mPerDegLon, p.lat0 + y / p.mPerDegLat];
}

/** Great-circle distance (m) between two lon/lat points (haversine). */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * DEG;
  const dLon = (lon2 - lon1) * DEG;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

function polygonsOf(g: AreaGeometry): readonly (readonly Ring[])[] {
  return g.type === "Polygon" ? [g.coordinates] : g.coordinates;
}

/** [west, south, east, north] of a polygon or multipolygon. */
export function bboxOf(g: AreaGeometry): [number, number, number, number] {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (const poly of polygonsOf(g))
    for (const p of poly[0] ?? []) {
      if (p[0] < w) w = p[0];
      if (p[0] > e) e = p[0];
      if (p[1] < s) s = p[1];
      if (p[1] > n) n = p[1];
    }
  return [w, s, e, n];
}

function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0],
      yi = ring[i][1],
      xj = ring[j][0],
      yj = ring[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even-odd point in polygon (outer ring minus holes), lon/lat or any planar coordinates. */
export function pointInGeometry(x: number, y: number, g: AreaGeometry): boolean {
  for (const poly of polygonsOf(g)) {
    if (!poly.length || !inRing(x, y, poly[0])) continue;
    let hole = false;
    for (let k = 1; k < poly.length; k++)
      if (inRing(x, y, poly[k])) {
        hole = true;
        break;
      }
    if (!hole) return true;
  }
  return false;
}

export function pointInRing(x: number, y: number, ring: Ring): boolean {
  return inRing(x, y, ring);
}

/** Shoelace area of a ring already in metres (absolute value). */
export function ringAreaM2(ringXY: readonly (readonly number[])[]): number {
  let a = 0;
  for (let i = 0, j = ringXY.length - 1; i < ringXY.length; j = i++)
    a += (ringXY[j][0] + ringXY[i][0]) * (ringXY[j][1] - ringXY[i][1]);
  return Math.abs(a) / 2;
}

/** Area (m²) of a lon/lat ring, using a local projection at its first vertex. */
export function lonLatRingAreaM2(ring: Ring): number {
  if (ring.length < 3) return 0;
  const p = makeProjection(ring[0][0], ring[0][1]);
  return ringAreaM2(ring.map((q) => toLocal(p, q[0], q[1])));
}

/** Area (m²) of a polygon / multipolygon in lon/lat (holes subtracted). */
export function geometryAreaM2(g: AreaGeometry): number {
  let a = 0;
  for (const poly of polygonsOf(g)) poly.forEach((ring, k) => (a += (k === 0 ? 1 : -1) * lonLatRingAreaM2(ring)));
  return a;
}

/** Centroid (vertex average; adequate for small building footprints) of a ring. */
export function ringCentroid(ring: Ring): [number, number] {
  let x = 0,
    y = 0;
  for (const p of ring) {
    x += p[0];
    y += p[1];
  }
  return [x / ring.length, y / ring.length];
}

/**
 * Scanline fill: mark the cells of an nx × ny lon/lat grid (row-major from the south row) whose centre lies
 * inside the geometry (even-odd over all rings, so holes and multipolygon parts work). O(rows × edges + cells),
 * far cheaper than a point-in-polygon test per cell for detailed district outlines.
 */
export function rasterizeGeometry(
  g: AreaGeometry,
  rect: { west: number; south: number; east: number; north: number },
  nx: number,
  ny: number,
  out: Uint8Array | Int8Array = new Uint8Array(nx * ny),
  value = 1,
  onlyWhere?: Uint8Array,
): Uint8Array | Int8Array {
  const dLon = (rect.east - rect.west) / nx,
    dLat = (rect.north - rect.south) / ny;
  const edges: number[] = []; // ax, ay, bx, by flattened
  for (const poly of polygonsOf(g))
    for (const ring of poly)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
        edges.push(ring[j][0], ring[j][1], ring[i][0], ring[i][1]);
  const xs: number[] = [];
  for (let r = 0; r < ny; r++) {
    const y = rect.south + (r + 0.5) * dLat;
    xs.length = 0;
    for (let e = 0; e < edges.length; e += 4) {
      const ay = edges[e + 1],
        by = edges[e + 3];
      if (ay > y !== by > y) {
        const ax = edges[e],
          bx = edges[e + 2];
        xs.push(ax + ((y - ay) * (bx - ax)) / (by - ay));
      }
    }
    if (xs.length < 2) continue;
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const i0 = Math.max(0, Math.ceil((xs[k] - rect.west) / dLon - 0.5));
      const i1 = Math.min(nx - 1, Math.ceil((xs[k + 1] - rect.west) / dLon - 0.5) - 1);
      for (let i = i0; i <= i1; i++) {
        const c = r * nx + i;
        if (!onlyWhere || onlyWhere[c]) out[c] = value;
      }
    }
  }
  return out;
}
