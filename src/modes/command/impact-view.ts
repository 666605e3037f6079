/**
 * Pure pieces of the wall's outage impact: the camera view that frames a down site's footprint with its neighbours,
 * and the in-service 5G density (每万人5G基站数 counting only sites not in fault/offline).
 */
import type { CameraView } from "../../config/schema";
import { haversineM } from "../../planner/geo";
import type { SiteImpact } from "../../planner/outage-impact";
import { sitesPer10k, type DistrictPopulation, type SitesDensity } from "./kpi";

const M_PER_DEG = 111320;

/** Down sites within this distance of the followed one are framed with it (one event, e.g. a power cut). */
const CLUSTER_M = 1500;

/**
 * A pitched view over the area a down site served with good coverage, its neighbours that took over and the site
 * itself — plus the other down sites within 1.5 km and their areas: centred on their box, far enough that the box
 * fills about half the view height.
 */
export function outageView(s: SiteImpact, others: readonly SiteImpact[] = [], pitchDeg = -50): CameraView {
  let [w, so, e, n] = s.box ?? [s.lon, s.lat, s.lon, s.lat];
  const near = others.filter((o) => o !== s && haversineM(s.lon, s.lat, o.lon, o.lat) <= CLUSTER_M);
  for (const o of near)
    if (o.box) {
      w = Math.min(w, o.box[0]);
      so = Math.min(so, o.box[1]);
      e = Math.max(e, o.box[2]);
      n = Math.max(n, o.box[3]);
    }
  for (const p of [s, ...s.neighbours, ...near]) {
    w = Math.min(w, p.lon);
    e = Math.max(e, p.lon);
    so = Math.min(so, p.lat);
    n = Math.max(n, p.lat);
  }
  const lat = (so + n) / 2,
    lon = (w + e) / 2;
  const widthM = (e - w) * M_PER_DEG * Math.cos((lat * Math.PI) / 180),
    heightM = (n - so) * M_PER_DEG;
  const range = Math.min(30000, Math.max(1500, 1.6 * Math.max(widthM, heightM)));
  return {
    id: "outage",
    name_zh: "断站影响",
    name_en: "outage",
    lon,
    lat,
    range,
    heading: 0,
    pitch: pitchDeg,
    dwellS: 10,
  };
}

/**
 * The wall's panels cover the top of the centre column (the impact tile, the inspector), so an outage is looked at
 * from a point `frac` × range further along the view's heading: the footprint then sits in the clear lower middle of
 * the screen, between the panels above and the follow card below (0.13 × range ≈ an eighth of the screen height at the
 * wall's pitch and field of view).
 */
export function lowerOnScreen(v: CameraView, frac = 0.13): CameraView {
  const h = ((v.heading ?? 0) * Math.PI) / 180;
  const d = frac * v.range;
  return {
    ...v,
    lat: v.lat + (d * Math.cos(h)) / M_PER_DEG,
    lon: v.lon + (d * Math.sin(h)) / (M_PER_DEG * Math.cos((v.lat * Math.PI) / 180)),
  };
}

/** 5G sites per 10,000 people counting only the sites in service (`down` = ids in fault/offline). */
export function inServiceDensity(
  sites: readonly { id: string; district: string }[],
  down: ReadonlySet<string>,
  districts: readonly DistrictPopulation[],
  target = 35,
): SitesDensity {
  const inService: string[] = [];
  for (const s of sites) if (!down.has(s.id)) inService.push(s.district);
  return sitesPer10k(inService, districts, target);
}
