/**
 * Deterministic synthetic fixtures for planner tests and the bench fallback (never used by the app at run time).
 */
import { Rng } from "../protocol/prng";
import type { BandName } from "./radio";
import type { RadioSite } from "./coverage";
import type { PolygonGeometry } from "./geo";
import { makeProjection, toLonLat } from "./geo";

/** A square lon/lat polygon of side `sideM` metres centred at (lon, lat). */
export function squareArea(
  lon: number,
  lat: number,
  sideM: number,
): PolygonGeometry & { coordinates: [number, number][][] } {
  const p = makeProjection(lon, lat);
  const h = sideM / 2;
  const ring = [toLonLat(p, -h, -h), toLonLat(p, h, -h), toLonLat(p, h, h), toLonLat(p, -h, h), toLonLat(p, -h, -h)];
  return { type: "Polygon", coordinates: [ring] };
}

/** `n` sites scattered uniformly over a square of side `sideM` around (lon, lat). */
export function randomSites(
  n: number,
  lon: number,
  lat: number,
  sideM: number,
  seed = 1,
  band: BandName = "n78",
): RadioSite[] {
  const rng = new Rng(seed);
  const rnd = () => rng.next();
  const p = makeProjection(lon, lat);
  const out: RadioSite[] = [];
  for (let i = 0; i < n; i++) {
    const [slon, slat] = toLonLat(p, (rnd() - 0.5) * sideM, (rnd() - 0.5) * sideM);
    const a0 = Math.floor(rnd() * 120);
    out.push({
      id: `S${i}`,
      lon: slon,
      lat: slat,
      heightM: 20 + Math.round(rnd() * 20),
      azimuths: [a0, a0 + 120, a0 + 240],
      tiltDeg: 4 + Math.round(rnd() * 6),
      txPowerDbm: 53,
      band,
    });
  }
  return out;
}
