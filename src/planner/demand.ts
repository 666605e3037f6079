/**
 * Demand: district population spread over residential buildings by floor area (footprint area × floors), so
 * every coverage cell carries people; and the coverage KPIs weighted by those people.
 */
import { DISTRICTS, type DistrictName, type BuildingUsage } from "../protocol/data";
import {
  type AreaGeometry,
  type Ring,
  bboxOf,
  lonLatRingAreaM2,
  makeProjection,
  rasterizeGeometry,
  ringCentroid,
  toLocal,
} from "./geo";
import type { GridGeometry, Thresholds } from "./coverage";
import { ESTIMATES_2018 } from "../protocol/population";

/**
 * Official 2018-12-31 population estimates of Fuzhou's 13 county-level divisions (sum 7,740,000).
 * Source: citypopulation.de, Fujian administrative divisions (district estimates listed beside the 2020 census
 * total 8,291,268 for Fuzhou), as transcribed in the project's reference notes (fuzhou-geography.json).
 */
export const DISTRICT_POPULATION_2018: Readonly<Record<DistrictName, number>> = ESTIMATES_2018;

/**
 * 每万人拥有5G基站数 target for 2025: 35 (baseline 2022: 18.6). Source: 榕政办〔2023〕86号 福州市新型基础设施建设
 * 三年行动方案（2023—2025年）, key-indicator table.
 */
export const PLAN_SITES_PER_10K_2025 = 35;

export interface DemandBuilding {
  district: DistrictName;
  usage: BuildingUsage;
  floors: number;
  footprint: Ring;
}

export interface DemandDistrict {
  name: DistrictName;
  geometry: AreaGeometry;
  /** defaults to DISTRICT_POPULATION_2018 */
  population?: number;
}

/** Floor area (m²) = footprint area × floors. */
export function floorAreaM2(b: DemandBuilding): number {
  return lonLatRingAreaM2(b.footprint) * b.floors;
}

/**
 * People per building: each district's population shared among its residential buildings in proportion to
 * floor area; non-residential buildings get 0. Returns per-building people and, per district, whether it had
 * any residential floor area (districts without one are spread uniformly by `buildDemand`).
 */
export function peoplePerBuilding(
  buildings: readonly DemandBuilding[],
  population: Readonly<Record<DistrictName, number>> = DISTRICT_POPULATION_2018,
): { people: Float64Array; residentialFloorM2: Record<DistrictName, number> } {
  const fa = new Float64Array(buildings.length);
  const total = Object.fromEntries(DISTRICTS.map((d) => [d, 0])) as Record<DistrictName, number>;
  buildings.forEach((b, i) => {
    if (b.usage !== "residential") return;
    fa[i] = floorAreaM2(b);
    total[b.district] += fa[i];
  });
  const people = new Float64Array(buildings.length);
  buildings.forEach((b, i) => {
    if (fa[i] > 0) people[i] = (population[b.district] * fa[i]) / total[b.district];
  });
  return { people, residentialFloorM2: total };
}

export interface DemandLayer {
  /** people per grid cell (grid row-major from the south row) */
  people: Float32Array;
  /** district index (into DISTRICTS) per grid cell, −1 outside every district */
  district: Int8Array;
  /** sum of people over in-area cells */
  totalPeople: number;
}

/**
 * Per-cell people over a grid. A residential building's people go to the cell holding its footprint centroid;
 * districts with no residential buildings spread their population uniformly over their area (cells whose centre
 * is in the district get density × cell area). Cells outside `mask` get 0.
 */
export function buildDemand(
  grid: GridGeometry,
  mask: Uint8Array,
  buildings: readonly DemandBuilding[],
  districts: readonly DemandDistrict[],
): DemandLayer {
  const size = grid.nx * grid.ny;
  const people = new Float32Array(size);
  const district = new Int8Array(size).fill(-1);
  const proj = makeProjection(grid.lon0, grid.lat0);
  const cs = grid.cellSizeM;
  const popOf = Object.fromEntries(
    DISTRICTS.map((d) => [d, districts.find((x) => x.name === d)?.population ?? DISTRICT_POPULATION_2018[d]]),
  ) as Record<DistrictName, number>;
  // district of each in-area cell (scanline fill per district whose bbox meets the grid)
  for (const d of districts) {
    const box = bboxOf(d.geometry);
    if (box[2] < grid.west || box[0] > grid.east || box[3] < grid.south || box[1] > grid.north) continue;
    rasterizeGeometry(d.geometry, grid, grid.nx, grid.ny, district, DISTRICTS.indexOf(d.name), mask);
  }
  const { people: pb, residentialFloorM2 } = peoplePerBuilding(buildings, popOf);
  buildings.forEach((b, k) => {
    if (pb[k] <= 0) return;
    const [lon, lat] = ringCentroid(b.footprint);
    const [x, y] = toLocal(proj, lon, lat);
    const i = Math.floor((x - grid.originX) / cs),
      j = Math.floor((y - grid.originY) / cs);
    if (i < 0 || j < 0 || i >= grid.nx || j >= grid.ny) return;
    const c = j * grid.nx + i;
    if (mask[c]) people[c] += pb[k];
  });
  // districts without residential buildings: uniform density, one pass over the cells for all of them
  const perCell = new Float64Array(DISTRICTS.length);
  for (const d of districts) {
    if (residentialFloorM2[d.name] > 0) continue;
    const areaM2 = geometryArea(d.geometry);
    if (areaM2 > 0) perCell[DISTRICTS.indexOf(d.name)] = (popOf[d.name] / areaM2) * cs * cs;
  }
  if (perCell.some((v) => v > 0))
    for (let c = 0; c < size; c++) if (mask[c] && district[c] >= 0) people[c] += perCell[district[c]];
  let totalPeople = 0;
  for (let c = 0; c < size; c++) if (mask[c]) totalPeople += people[c];
  return { people, district, totalPeople };
}

function geometryArea(g: AreaGeometry): number {
  const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  let a = 0;
  for (const poly of polys) poly.forEach((ring, k) => (a += (k === 0 ? 1 : -1) * lonLatRingAreaM2(ring)));
  return a;
}

// ---------------------------------------------------------------- KPIs

export interface CoverageKpis {
  people: number;
  coveredPeople: number;
  /** 0–100 */
  coveredPct: number;
  weakPeople: number;
  weakPct: number;
  cells: number;
  coveredCells: number;
  weakCells: number;
  /** sites counted in the area (existing + candidates) */
  sites: number;
  sitesPer10k: number;
  targetPer10k: number;
  /** sites still needed to reach the target density (0 when met) */
  sitesShort: number;
}

/**
 * KPIs over the cells selected by `select(c)` (default: all masked cells): people in cells with best RSRP
 * ≥ good are covered, < weak are weak (cells between weak and good count as neither).
 */
export function coverageKpis(
  best: Float32Array,
  mask: Uint8Array,
  people: Float32Array,
  thresholds: Thresholds,
  sites: number,
  select?: (c: number) => boolean,
  targetPer10k = PLAN_SITES_PER_10K_2025,
): CoverageKpis {
  let p = 0,
    cov = 0,
    weak = 0,
    cells = 0,
    covC = 0,
    weakC = 0;
  for (let c = 0; c < best.length; c++) {
    if (!mask[c] || (select && !select(c))) continue;
    const n = people[c];
    cells++;
    p += n;
    if (best[c] >= thresholds.goodDbm) {
      cov += n;
      covC++;
    } else if (best[c] < thresholds.weakDbm) {
      weak += n;
      weakC++;
    }
  }
  const per10k = p > 0 ? (sites / p) * 1e4 : 0;
  return {
    people: p,
    coveredPeople: cov,
    coveredPct: p > 0 ? (100 * cov) / p : 0,
    weakPeople: weak,
    weakPct: p > 0 ? (100 * weak) / p : 0,
    cells,
    coveredCells: covC,
    weakCells: weakC,
    sites,
    sitesPer10k: per10k,
    targetPer10k,
    sitesShort: Math.max(0, Math.ceil((targetPer10k * p) / 1e4 - sites)),
  };
}

/** KPIs per district present in the grid; `sitesByDistrict` counts sites (existing + candidates) per district. */
export function districtKpis(
  best: Float32Array,
  mask: Uint8Array,
  demand: DemandLayer,
  thresholds: Thresholds,
  sitesByDistrict: Partial<Record<DistrictName, number>>,
): Partial<Record<DistrictName, CoverageKpis>> {
  const present = new Set<number>();
  for (let c = 0; c < mask.length; c++) if (mask[c] && demand.district[c] >= 0) present.add(demand.district[c]);
  const out: Partial<Record<DistrictName, CoverageKpis>> = {};
  for (const idx of [...present].sort((a, b) => a - b)) {
    const name = DISTRICTS[idx];
    out[name] = coverageKpis(
      best,
      mask,
      demand.people,
      thresholds,
      sitesByDistrict[name] ?? 0,
      (c) => demand.district[c] === idx,
    );
  }
  return out;
}
