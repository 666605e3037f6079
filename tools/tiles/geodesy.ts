/** WGS84 geodesy for tile frames: geodetic <-> ECEF and the local east-north-up frame (column-major 4x4). */
const A = 6378137.0;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const RAD = Math.PI / 180;

export type Vec3 = [number, number, number];

export function toEcef(lonDeg: number, latDeg: number, h: number): Vec3 {
  const lon = lonDeg * RAD,
    lat = latDeg * RAD;
  const sl = Math.sin(lat),
    cl = Math.cos(lat);
  const N = A / Math.sqrt(1 - E2 * sl * sl);
  return [(N + h) * cl * Math.cos(lon), (N + h) * cl * Math.sin(lon), (N * (1 - E2) + h) * sl];
}

/** ECEF -> geodetic (Bowring, iterated), degrees and metres. */
export function fromEcef([x, y, z]: Vec3): { lon: number; lat: number; h: number } {
  const lon = Math.atan2(y, x);
  const p = Math.hypot(x, y);
  let lat = Math.atan2(z, p * (1 - E2));
  let h = 0;
  for (let i = 0; i < 6; i++) {
    const sl = Math.sin(lat);
    const N = A / Math.sqrt(1 - E2 * sl * sl);
    h = p / Math.cos(lat) - N;
    lat = Math.atan2(z, p * (1 - (E2 * N) / (N + h)));
  }
  return { lon: lon / RAD, lat: lat / RAD, h };
}

export interface EnuFrame {
  origin: Vec3;
  east: Vec3;
  north: Vec3;
  up: Vec3;
  /** column-major 4x4 local->ECEF, as 3D Tiles `transform` */
  matrix: number[];
}

export function enuFrame(lonDeg: number, latDeg: number, h = 0): EnuFrame {
  const lon = lonDeg * RAD,
    lat = latDeg * RAD;
  const so = Math.sin(lon),
    co = Math.cos(lon),
    sa = Math.sin(lat),
    ca = Math.cos(lat);
  const east: Vec3 = [-so, co, 0];
  const north: Vec3 = [-sa * co, -sa * so, ca];
  const up: Vec3 = [ca * co, ca * so, sa];
  const origin = toEcef(lonDeg, latDeg, h);
  return { origin, east, north, up, matrix: [...east, 0, ...north, 0, ...up, 0, ...origin, 1] };
}

/** geodetic -> local ENU metres of a frame */
export function toEnu(frame: EnuFrame, lonDeg: number, latDeg: number, h: number): Vec3 {
  const p = toEcef(lonDeg, latDeg, h);
  const d: Vec3 = [p[0] - frame.origin[0], p[1] - frame.origin[1], p[2] - frame.origin[2]];
  const dot = (v: Vec3) => d[0] * v[0] + d[1] * v[1] + d[2] * v[2];
  return [dot(frame.east), dot(frame.north), dot(frame.up)];
}

/** apply a column-major 4x4 to a point */
export function applyMatrix(m: readonly number[], [x, y, z]: Vec3): Vec3 {
  return [
    m[0] * x + m[4] * y + m[8] * z + m[12],
    m[1] * x + m[5] * y + m[9] * z + m[13],
    m[2] * x + m[6] * y + m[10] * z + m[14],
  ];
}
