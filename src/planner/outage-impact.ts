/**
 * Live outage impact: for the sites currently out of service (fault / offline), the cells whose best server was a
 * down site, which had good coverage with every site in service and are now below the planner's "good" threshold;
 * the people there (the planner's demand model) and the neighbouring sites that now serve them.
 *
 * Two CoverageEngines over one city-wide lattice (setFrame: cells are evaluated on demand, never allocated in bulk):
 * `base` has every site in service (the reference each cell lost), `now` has the down sites taken out. Nothing
 * else propagates radio: both use the engine's own walk (`serversAt`).
 *
 * Incremental and exact: a cell's result depends on the down set only through (a) whether its baseline best server
 * is down and (b) its current best server. Taking site i down adds the cells i served (all within i's reach of the
 * good threshold) and re-evaluates the tracked cells i was serving now; bringing i back drops the cells it served and
 * re-evaluates tracked cells within maxRange of i (only there can its signal count). `recomputeFull` evaluates the
 * same definition from scratch; the tests compare the two over random outage sequences.
 */
import { DISTRICTS, type DistrictName } from "../protocol/data";
import { type CoverageParams, type GridGeometry, CoverageEngine, resolveParams } from "./coverage";
import { type DemandDistrict, type DemandLayer, buildDemand } from "./demand";
import { makeProjection, toLonLat } from "./geo";
import { DEFAULT_LOSSES } from "./radio";
import type { PlannerBuilding, PlannerSite } from "./session";

/** The planner's analysis, seen from indoors (20 dB building penetration): where people are when an outage hits. */
export const IMPACT_PARAMS: Partial<CoverageParams> = {
  losses: { ...DEFAULT_LOSSES, penetrationDb: 20 },
  bucketM: 300,
};

export interface ImpactInit {
  sites: readonly PlannerSite[];
  buildings?: readonly PlannerBuilding[];
  districts?: readonly DemandDistrict[];
  /** default IMPACT_PARAMS (indoor) */
  params?: Partial<CoverageParams>;
  /** lattice box [west, south, east, north]; default: the sites' box grown by maxRange */
  box?: readonly [number, number, number, number];
}

export interface ImpactNeighbour {
  id: string;
  lon: number;
  lat: number;
  /** people of lost-server cells this site now serves best */
  people: number;
  cells: number;
}

export interface SiteImpact {
  id: string;
  lon: number;
  lat: number;
  /** lost-coverage cells and people attributed to this site (their baseline best server) */
  cells: number;
  people: number;
  /** [west, south, east, north] of the cells it served with good coverage (all in service); null when none */
  box: [number, number, number, number] | null;
  /** sites now serving best the cells this site served with good coverage, most people first (≤ 5) */
  neighbours: ImpactNeighbour[];
  district: DistrictName | null;
}

export interface DistrictImpact {
  name: DistrictName;
  people: number;
  areaKm2: number;
}

export interface ImpactResult {
  /** down sites known to the engine */
  down: number;
  /** cells that lost good coverage (best server down, now below good) */
  cells: number;
  areaKm2: number;
  people: number;
  /** of those, people now below the weak threshold (or with no signal at all) */
  weakPeople: number;
  /** most people first */
  districts: DistrictImpact[];
  /** every down site, most people lost first */
  sites: SiteImpact[];
  /** footprint as row runs over the lattice: [row, firstCol, lastCol] triples */
  runs: Int32Array;
  lattice: GridGeometry;
  thresholds: { goodDbm: number; weakDbm: number };
  stats: { ms: number; evaluated: number };
}

export class OutageImpact {
  readonly params: CoverageParams;
  private base: CoverageEngine;
  private now: CoverageEngine;
  private grid: GridGeometry;
  private demand: DemandLayer;
  private slotById = new Map<string, number>();
  private sites: readonly PlannerSite[];
  private down = new Set<number>();
  /** baseline best server / RSRP of every cell evaluated so far */
  private baseIdx = new Map<number, number>();
  private baseBest = new Map<number, number>();
  /** cells each site serves best with good coverage when all are in service (filled when it first goes down) */
  private servedOf = new Map<number, Int32Array>();
  /** tracked cells (baseline server down, baseline good): current best server and RSRP */
  private nowIdx = new Map<number, number>();
  private nowBest = new Map<number, number>();
  /** tracked cells by current server */
  private servedNow = new Map<number, Set<number>>();
  private evaluated = 0;

  constructor(init: ImpactInit) {
    this.params = resolveParams(init.params ?? IMPACT_PARAMS);
    this.sites = init.sites;
    init.sites.forEach((s, i) => this.slotById.set(s.id, i));
    this.base = new CoverageEngine(init.sites, this.params);
    this.now = new CoverageEngine(init.sites, this.params);
    const box = init.box ?? sitesBox(init.sites, this.params.maxRangeM);
    this.grid = this.base.setFrame(box);
    this.now.setFrame(box);
    const all = new Uint8Array(this.grid.nx * this.grid.ny).fill(1);
    this.demand = buildDemand(this.grid, all, init.buildings ?? [], init.districts ?? []);
  }

  lattice(): GridGeometry {
    return this.grid;
  }

  /** People in lattice cell c (the demand model). */
  peopleAt(c: number): number {
    return this.demand.people[c];
  }

  downIds(): string[] {
    return [...this.down].map((i) => this.sites[i].id);
  }

  /** Replace the down set; unknown ids are ignored (counted in the returned `unknown`). */
  setDown(ids: Iterable<string>): { result: ImpactResult; unknown: number } {
    const t0 = performance.now();
    this.evaluated = 0;
    const want = new Set<number>();
    let unknown = 0;
    for (const id of ids) {
      const slot = this.slotById.get(id);
      if (slot === undefined) unknown++;
      else want.add(slot);
    }
    const goingDown = [...want].filter((i) => !this.down.has(i));
    const comingUp = [...this.down].filter((i) => !want.has(i));
    this.apply(goingDown, comingUp);
    return { result: this.result(performance.now() - t0), unknown };
  }

  private apply(goingDown: number[], comingUp: number[]): void {
    const dirty = new Set<number>();
    for (const i of comingUp) {
      this.down.delete(i);
      this.now.setBaseInService(i, true);
      for (const c of this.servedCells(i)) this.untrack(c);
    }
    if (comingUp.length) this.markNear(comingUp, dirty);
    for (const i of goingDown) {
      this.down.add(i);
      this.now.setBaseInService(i, false);
    }
    for (const i of goingDown) {
      for (const c of this.servedCells(i)) dirty.add(c);
      const now = this.servedNow.get(i);
      if (now) for (const c of now) dirty.add(c);
    }
    for (const c of dirty) if (this.down.has(this.baseIdx.get(c) ?? -1)) this.evaluateNow(c);
  }

  /** Tracked cells within maxRange of any of `slots`. */
  private markNear(slots: number[], into: Set<number>): void {
    const R = this.params.maxRangeM;
    const pts = slots.map((i) => this.base.slotXY(i));
    for (const c of this.nowIdx.keys()) {
      const [x, y] = this.centre(c);
      if (pts.some(([sx, sy]) => (sx - x) ** 2 + (sy - y) ** 2 <= R * R)) into.add(c);
    }
  }

  private evaluateNow(c: number): void {
    const r = this.now.serversAt(c);
    this.evaluated++;
    const prev = this.nowIdx.get(c);
    if (prev !== undefined) this.servedNow.get(prev)?.delete(c);
    this.nowIdx.set(c, r.bestIdx);
    this.nowBest.set(c, r.best);
    let set = this.servedNow.get(r.bestIdx);
    if (!set) this.servedNow.set(r.bestIdx, (set = new Set()));
    set.add(c);
  }

  private untrack(c: number): void {
    const prev = this.nowIdx.get(c);
    if (prev === undefined) return;
    this.servedNow.get(prev)?.delete(c);
    this.nowIdx.delete(c);
    this.nowBest.delete(c);
  }

  /** Cells site i serves best with good coverage when every site is in service (cached). */
  private servedCells(i: number): Int32Array {
    const hit = this.servedOf.get(i);
    if (hit) return hit;
    const good = this.params.thresholds.goodDbm;
    const out: number[] = [];
    for (const c of this.disc(i, this.base.reachM(this.sites[i], good))) {
      let idx = this.baseIdx.get(c);
      if (idx === undefined) {
        const r = this.base.serversAt(c);
        this.evaluated++;
        idx = r.bestIdx;
        this.baseIdx.set(c, idx);
        this.baseBest.set(c, r.best);
      }
      if (idx === i && this.baseBest.get(c)! >= good) out.push(c);
    }
    const arr = Int32Array.from(out);
    this.servedOf.set(i, arr);
    return arr;
  }

  /** Lattice cells whose centre is within `radiusM` of slot i. */
  private disc(i: number, radiusM: number): number[] {
    const g = this.grid,
      cs = g.cellSizeM;
    const [sx, sy] = this.base.slotXY(i);
    const i0 = Math.max(0, Math.floor((sx - radiusM - g.originX) / cs));
    const i1 = Math.min(g.nx - 1, Math.floor((sx + radiusM - g.originX) / cs));
    const j0 = Math.max(0, Math.floor((sy - radiusM - g.originY) / cs));
    const j1 = Math.min(g.ny - 1, Math.floor((sy + radiusM - g.originY) / cs));
    const out: number[] = [];
    for (let j = j0; j <= j1; j++) {
      const dy = g.originY + (j + 0.5) * cs - sy;
      for (let k = i0; k <= i1; k++) {
        const dx = g.originX + (k + 0.5) * cs - sx;
        if (dx * dx + dy * dy <= radiusM * radiusM) out.push(j * g.nx + k);
      }
    }
    return out;
  }

  private centre(c: number): [number, number] {
    const g = this.grid;
    return [g.originX + ((c % g.nx) + 0.5) * g.cellSizeM, g.originY + (Math.floor(c / g.nx) + 0.5) * g.cellSizeM];
  }

  /**
   * The same definition evaluated from scratch (no caches, no incremental bookkeeping): the reference the
   * incremental result must equal. Returns lost cells with their current server and RSRP.
   */
  recomputeFull(): Map<number, { nowIdx: number; nowBest: number }> {
    const good = this.params.thresholds.goodDbm;
    const out = new Map<number, { nowIdx: number; nowBest: number }>();
    for (const i of this.down)
      for (const c of this.disc(i, this.base.reachM(this.sites[i], good))) {
        if (out.has(c)) continue;
        const b = this.base.serversAt(c);
        if (b.bestIdx < 0 || !this.down.has(b.bestIdx) || b.best < good) continue;
        const n = this.now.serversAt(c);
        if (n.best < good) out.set(c, { nowIdx: n.bestIdx, nowBest: n.best });
      }
    return out;
  }

  /** The incremental state in the shape of recomputeFull. */
  lostCells(): Map<number, { nowIdx: number; nowBest: number }> {
    const good = this.params.thresholds.goodDbm;
    const out = new Map<number, { nowIdx: number; nowBest: number }>();
    for (const [c, idx] of this.nowIdx) {
      const best = this.nowBest.get(c)!;
      if (best < good) out.set(c, { nowIdx: idx, nowBest: best });
    }
    return out;
  }

  result(ms = 0): ImpactResult {
    return summarise(this, ms, this.evaluated);
  }

  /** What summarise reads (read-only views of the state). */
  view(): ImpactView {
    return {
      lost: this.lostCells(),
      tracked: this.nowIdx,
      baseIdx: this.baseIdx,
      demand: this.demand,
      sites: this.sites,
      down: [...this.down],
      servedCells: (i) => this.servedCells(i),
    };
  }
}

interface ImpactView {
  lost: Map<number, { nowIdx: number; nowBest: number }>;
  tracked: ReadonlyMap<number, number>;
  baseIdx: ReadonlyMap<number, number>;
  demand: DemandLayer;
  sites: readonly PlannerSite[];
  down: number[];
  servedCells: (slot: number) => Int32Array;
}

/** Sites' lon/lat box grown by `marginM`. */
export function sitesBox(
  sites: readonly { lon: number; lat: number }[],
  marginM: number,
): [number, number, number, number] {
  if (!sites.length) throw new Error("outage impact: no sites");
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (const x of sites) {
    w = Math.min(w, x.lon);
    e = Math.max(e, x.lon);
    s = Math.min(s, x.lat);
    n = Math.max(n, x.lat);
  }
  const dLat = marginM / 111320,
    dLon = marginM / (111320 * Math.cos((((s + n) / 2) * Math.PI) / 180));
  return [w - dLon, s - dLat, e + dLon, n + dLat];
}

function summarise(eng: OutageImpact, ms: number, evaluated: number): ImpactResult {
  const g = eng.lattice(),
    p = eng.params,
    v = eng.view();
  const cellKm2 = (g.cellSizeM * g.cellSizeM) / 1e6;
  const people = v.demand.people;
  let total = 0,
    weak = 0;
  const byDistrict = new Map<number, { people: number; cells: number }>();
  const bySite = new Map<number, { cells: number; people: number }>();
  for (const [c, r] of v.lost) {
    const n = people[c];
    total += n;
    if (r.nowBest < p.thresholds.weakDbm) weak += n;
    const d = v.demand.district[c];
    const bd = byDistrict.get(d) ?? { people: 0, cells: 0 };
    bd.people += n;
    bd.cells++;
    byDistrict.set(d, bd);
    const site = v.baseIdx.get(c)!;
    const bs = bySite.get(site) ?? { cells: 0, people: 0 };
    bs.cells++;
    bs.people += n;
    bySite.set(site, bs);
  }
  const districts: DistrictImpact[] = [...byDistrict]
    .filter(([d]) => d >= 0)
    .map(([d, x]) => ({ name: DISTRICTS[d], people: x.people, areaKm2: x.cells * cellKm2 }))
    .sort((a, b) => b.people - a.people || b.areaKm2 - a.areaKm2);
  const sites = v.down
    .map((slot) => siteImpact(g, v, slot, bySite.get(slot) ?? { cells: 0, people: 0 }))
    .sort((a, b) => b.people - a.people || b.cells - a.cells || a.id.localeCompare(b.id));
  return {
    down: v.down.length,
    cells: v.lost.size,
    areaKm2: v.lost.size * cellKm2,
    people: total,
    weakPeople: weak,
    districts,
    sites,
    runs: rowRuns([...v.lost.keys()], g.nx),
    lattice: { ...g },
    thresholds: { goodDbm: p.thresholds.goodDbm, weakDbm: p.thresholds.weakDbm },
    stats: { ms, evaluated },
  };
}

/** One down site: what it lost, the box of the cells it served (framing), who serves those cells now. */
function siteImpact(g: GridGeometry, v: ImpactView, slot: number, lost: { cells: number; people: number }): SiteImpact {
  const served = v.servedCells(slot);
  const nb = new Map<number, { people: number; cells: number }>();
  let i0 = Infinity,
    i1 = -Infinity,
    j0 = Infinity,
    j1 = -Infinity;
  for (const c of served) {
    const i = c % g.nx,
      j = Math.floor(c / g.nx);
    i0 = Math.min(i0, i);
    i1 = Math.max(i1, i);
    j0 = Math.min(j0, j);
    j1 = Math.max(j1, j);
    const now = v.tracked.get(c);
    if (now === undefined || now < 0) continue;
    const x = nb.get(now) ?? { people: 0, cells: 0 };
    x.people += v.demand.people[c];
    x.cells++;
    nb.set(now, x);
  }
  const proj = makeProjection(g.lon0, g.lat0);
  const [west, south] = toLonLat(proj, g.originX + i0 * g.cellSizeM, g.originY + j0 * g.cellSizeM);
  const [east, north] = toLonLat(proj, g.originX + (i1 + 1) * g.cellSizeM, g.originY + (j1 + 1) * g.cellSizeM);
  const site = v.sites[slot];
  return {
    id: site.id,
    lon: site.lon,
    lat: site.lat,
    cells: lost.cells,
    people: lost.people,
    box: served.length ? [west, south, east, north] : null,
    neighbours: [...nb]
      .map(([i, x]) => ({ id: v.sites[i].id, lon: v.sites[i].lon, lat: v.sites[i].lat, ...x }))
      .sort((a, b) => b.people - a.people || b.cells - a.cells)
      .slice(0, 5),
    district: site.district ?? null,
  };
}

/** Row runs [row, firstCol, lastCol] of a set of lattice cells (row-major, from the south row). */
export function rowRuns(cells: number[], nx: number): Int32Array {
  const sorted = Int32Array.from(cells).sort();
  const out: number[] = [];
  for (let k = 0; k < sorted.length;) {
    const c = sorted[k],
      row = Math.floor(c / nx);
    let last = c;
    k++;
    while (k < sorted.length && sorted[k] === last + 1 && Math.floor(sorted[k] / nx) === row) last = sorted[k++];
    out.push(row, c % nx, last % nx);
  }
  return Int32Array.from(out);
}
