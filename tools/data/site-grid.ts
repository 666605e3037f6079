/**
 * Macro 5G site grids: one jittered hexagonal lattice per operator network and area class, with the inter-site
 * distance operators use there. The area class of a point comes from its distance to the nearest urban centre
 * (places.ts), measured in that centre's spread (sigma).
 */
import type { DistrictName } from "../../src/protocol/data";
import { offset, round6, metresPerDegree, type DistrictIndex } from "./geo";
import { URBAN_CENTRES } from "./places";
import type { Rng } from "../../src/protocol/prng";

export type Zone = "core" | "urban" | "suburban" | "rural";
export const ZONES: readonly Zone[] = ["core", "urban", "suburban", "rural"];
/** inter-site distance of one network's macro grid, metres */
export const ZONE_ISD_M: Readonly<Record<Zone, number>> = { core: 320, urban: 620, suburban: 1900, rural: 5200 };
/** the ranges the placement test holds each zone's median nearest-neighbour distance to, metres */
export const ZONE_ISD_RANGE_M: Readonly<Record<Zone, [number, number]>> = {
  core: [200, 400],
  urban: [400, 800],
  suburban: [1000, 3000],
  rural: [3000, 8000],
};
/** China Mobile; China Telecom + China Unicom (one shared network); China Broadnet 700 MHz outside the cities */
export type Network = "CMCC" | "CTCU" | "CBN";
const NETWORK_ZONES: Readonly<Record<Network, readonly Zone[]>> = {
  CMCC: ZONES,
  CTCU: ZONES,
  CBN: ["suburban", "rural"],
};
const NETWORK_ISD_FACTOR: Readonly<Record<Network, number>> = { CMCC: 1, CTCU: 1, CBN: 1.4 };

/** area class of a point: core within 0.9 sigma of a main centre (weight >= 2), urban within 2.2, suburban 4.5 */
export function zoneAt(lon: number, lat: number): Zone {
  let best = Infinity;
  let bestMain = Infinity;
  const m = metresPerDegree(lat);
  for (const c of URBAN_CENTRES) {
    const z = Math.hypot((lon - c.lon) * m.x, (lat - c.lat) * m.y) / (c.sigmaKm * 1000);
    if (z < best) best = z;
    if (c.weight >= 2 && z < bestMain) bestMain = z;
  }
  if (bestMain < 0.9) return "core";
  if (best < 2.2) return "urban";
  if (best < 4.5) return "suburban";
  return "rural";
}

export interface MacroPoint {
  lon: number;
  lat: number;
  district: DistrictName;
  zone: Zone;
  network: Network;
}

/** Every network's macro sites over the whole city; `spread` >= 1 widens all distances (smaller samples). */
export function macroGrid(index: DistrictIndex, rng: Rng, spread = 1): MacroPoint[] {
  const bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const d of index.districts) {
    bbox[0] = Math.min(bbox[0], d.bbox[0]);
    bbox[1] = Math.min(bbox[1], d.bbox[1]);
    bbox[2] = Math.max(bbox[2], d.bbox[2]);
    bbox[3] = Math.max(bbox[3], d.bbox[3]);
  }
  const out: MacroPoint[] = [];
  for (const network of ["CMCC", "CTCU", "CBN"] as const)
    for (const zone of NETWORK_ZONES[network]) {
      const isd = ZONE_ISD_M[zone] * NETWORK_ISD_FACTOR[network] * spread;
      const r = rng.fork(`grid:${network}:${zone}`);
      const lat0 = (bbox[1] + bbox[3]) / 2;
      const m = metresPerDegree(lat0);
      const rowH = (isd * Math.sqrt(3)) / 2;
      const ox = r.range(0, isd);
      const oy = r.range(0, rowH);
      const width = (bbox[2] - bbox[0]) * m.x;
      const height = (bbox[3] - bbox[1]) * m.y;
      for (let row = 0, y = oy; y < height; row++, y += rowH)
        for (let x = ox + (row % 2 ? isd / 2 : 0); x < width; x += isd) {
          const [lon, lat] = offset(bbox[0], bbox[1], x + r.normal() * isd * 0.12, y + r.normal() * isd * 0.12);
          if (zoneAt(lon, lat) !== zone) continue;
          const district = index.districtAt(lon, lat);
          if (!district || !index.onLand(district, lon, lat, 0)) continue;
          out.push({ lon: round6(lon), lat: round6(lat), district, zone, network });
        }
    }
  return out;
}
