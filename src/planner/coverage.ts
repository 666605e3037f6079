/**
 * Best-server coverage grid over an analysis area, with a spatial index over sites and incremental updates
 * for candidate sites. Pure TypeScript + typed arrays (runs in Node tests, the bench and the Web Worker).
 *
 * Speed comes from two things:
 * 1. Sites are bucketed on a uniform metric grid; each cell visits buckets ring by ring outwards.
 * 2. An upper bound on the RSRP any site can deliver at distance ≥ d (best EIRP + max antenna gain − a lower
 *    bound of the path loss over every distinct (carrier, antenna height) in the data) stops the ring walk as
 *    soon as no unvisited site can beat the current second-best server. The result is exact (identical to
 *    evaluating every site within range), which the tests check against the naive computation.
 * Candidates (sites the planner adds) live in slots after the base sites and are evaluated linearly; adding,
 * moving or removing one touches only cells within its range (and cells it served, on a move/remove).
 */
import {
  type AreaGeometry,
  type LocalProjection,
  bboxOf,
  makeProjection,
  rasterizeGeometry,
  toLocal,
  toLonLat,
} from "./geo";
import { type FootprintBuilding, type HeightRaster, buildHeightRaster, isLineOfSight } from "./heights";
import {
  type AntennaPattern,
  type BandName,
  type Losses,
  type PropagationOptions,
  BANDS,
  DEFAULT_ANTENNA,
  DEFAULT_LOSSES,
  DEFAULT_PROPAGATION,
  LOS_NO,
  LOS_YES,
  PLC_STRIDE,
  compilePathLoss,
  compiledPathLoss,
  defaultLosArg,
  perReDbm,
  sectorGain,
  totalLossDb,
} from "./radio";

/** The radio-relevant part of a site; protocol `Site` and planner `Candidate` both satisfy it. */
export interface RadioSite {
  id: string;
  lon: number;
  lat: number;
  heightM: number;
  azimuths: readonly number[];
  tiltDeg: number;
  txPowerDbm: number;
  band: BandName;
}

export interface Thresholds {
  /** RSRP at or above this is good coverage (dBm) */
  goodDbm: number;
  /** RSRP below this is weak coverage (dBm) */
  weakDbm: number;
}
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = { goodDbm: -105, weakDbm: -110 };

export interface CoverageParams {
  /** grid cell edge, metres (≤ 50) */
  cellSizeM: number;
  /** sites farther than this from a cell are ignored, metres */
  maxRangeM: number;
  propagation: PropagationOptions;
  antenna: AntennaPattern;
  losses: Losses;
  thresholds: Thresholds;
  /** losMode 'buildings': links longer than this are NLOS without tracing, metres */
  losCheckRangeM: number;
  /** height raster cell, metres (losMode 'buildings') */
  heightRasterM: number;
  /**
   * spatial index bucket edge, metres; 0 = automatic (≈ 1.5 × the mean site spacing around the area, clamped
   * to 150…1000 m: small buckets where sites are dense, few ring steps where they are sparse)
   */
  bucketM: number;
}
export const DEFAULT_COVERAGE_PARAMS: Readonly<CoverageParams> = {
  cellSizeM: 50,
  maxRangeM: 4000,
  propagation: DEFAULT_PROPAGATION,
  antenna: DEFAULT_ANTENNA,
  losses: DEFAULT_LOSSES,
  thresholds: DEFAULT_THRESHOLDS,
  losCheckRangeM: 1000,
  heightRasterM: 15,
  bucketM: 0,
};

export function resolveParams(p: Partial<CoverageParams> = {}): CoverageParams {
  const r: CoverageParams = {
    ...DEFAULT_COVERAGE_PARAMS,
    ...p,
    propagation: { ...DEFAULT_PROPAGATION, ...(p.propagation ?? {}) },
    antenna: { ...DEFAULT_ANTENNA, ...(p.antenna ?? {}) },
    losses: { ...DEFAULT_LOSSES, ...(p.losses ?? {}) },
    thresholds: { ...DEFAULT_THRESHOLDS, ...(p.thresholds ?? {}) },
  };
  if (!(r.cellSizeM > 0 && r.cellSizeM <= 50))
    throw new Error(`coverage params: cellSizeM must be in (0, 50], got ${r.cellSizeM}`);
  if (!(r.maxRangeM > 0)) throw new Error(`coverage params: maxRangeM must be > 0, got ${r.maxRangeM}`);
  if (!(r.thresholds.weakDbm <= r.thresholds.goodDbm))
    throw new Error(
      `coverage params: thresholds.weakDbm (${r.thresholds.weakDbm}) must be <= goodDbm (${r.thresholds.goodDbm})`,
    );
  return r;
}

/** RSRP value of a cell no site reaches. */
export const NO_SIGNAL = -999;

export interface GridGeometry {
  lon0: number;
  lat0: number;
  /** south-west corner of cell (0,0), metres from (lon0, lat0) */
  originX: number;
  originY: number;
  cellSizeM: number;
  nx: number;
  ny: number;
  /** lon/lat rectangle covered exactly by the nx × ny cells (for draping the heat map) */
  west: number;
  south: number;
  east: number;
  north: number;
}

/** Cell arrays are row-major from the SOUTH row: index = row * nx + col. */
export interface CoverageGrid extends GridGeometry {
  /** 1 where the cell centre lies inside the analysis area */
  mask: Uint8Array;
  /** best-server RSRP, dBm (NO_SIGNAL where nothing reaches; meaningless outside mask) */
  best: Float32Array;
  /** index of the best server in the engine's site slots, −1 none */
  bestIdx: Int32Array;
  second: Float32Array;
  secondIdx: Int32Array;
}

export interface ComputeStats {
  ms: number;
  cells: number;
  /** site–cell links evaluated */
  links: number;
}

interface SiteArrays {
  n: number;
  id: string[];
  x: Float64Array;
  y: Float64Array;
  h: Float64Array;
  fc: Float64Array;
  /** per-RE power minus losses, dBm */
  base: Float64Array;
  az: Float64Array; // 3 per site
  tilt: Float64Array;
  active: Uint8Array;
  /** compiled path-loss coefficients, PLC_STRIDE per site */
  plc: Float64Array;
}

const RAD2DEG = 180 / Math.PI;
const BOUND_BIN_M = 10;

export class CoverageEngine {
  readonly params: CoverageParams;
  readonly nBase: number;
  private sites: RadioSite[];
  private buildings: readonly FootprintBuilding[];
  private proj: LocalProjection | null = null;
  private s: SiteArrays | null = null;
  private raster: HeightRaster | null = null;
  // spatial index (CSR) over base sites
  private bx0 = 0;
  private by0 = 0;
  private bnx = 0;
  private bny = 0;
  /** one bucket index + RSRP bound per carrier frequency (so far-reaching n28 sites do not loosen the n78 bound) */
  private carrierBuckets: { fc: number; bStart: Int32Array; bItems: Int32Array; bound: Float64Array }[] = [];
  private maxRing = 0;
  private grid: CoverageGrid | null = null;
  private cells = new Int32Array(0);
  private cellX = new Float64Array(0);
  private cellY = new Float64Array(0);
  /** candidate slot index by candidate id */
  private slotOf = new Map<string, number>();
  private linkCount = 0;

  /** LOS argument of links not traced through buildings */
  private losArg: number;

  constructor(
    baseSites: readonly RadioSite[],
    params: Partial<CoverageParams> = {},
    buildings: readonly FootprintBuilding[] = [],
  ) {
    this.params = resolveParams(params);
    // 'buildings' mode without a height raster (or beyond losCheckRange) is NLOS, as linkPathLoss does
    this.losArg =
      this.params.propagation.losMode === "buildings" ? LOS_NO : defaultLosArg(this.params.propagation.losMode);
    this.sites = baseSites.slice();
    this.nBase = baseSites.length;
    this.buildings = buildings;
  }

  // ------------------------------------------------------------------ set-up

  /** Lay out the grid over `area` (lon/lat polygon) and compute it. */
  setArea(area: AreaGeometry): ComputeStats {
    const [w, s, e, n] = bboxOf(area);
    if (!(w < e && s < n)) throw new Error("coverage area: polygon has an empty bounding box");
    const cs = this.params.cellSizeM;
    const proj = makeProjection((w + e) / 2, (s + n) / 2);
    const [x0, y0] = toLocal(proj, w, s);
    const [x1, y1] = toLocal(proj, e, n);
    const nx = Math.max(1, Math.ceil((x1 - x0) / cs - 1e-6));
    const ny = Math.max(1, Math.ceil((y1 - y0) / cs - 1e-6));
    const [west, south] = toLonLat(proj, x0, y0);
    const [east, north] = toLonLat(proj, x0 + nx * cs, y0 + ny * cs);
    const size = nx * ny;
    const mask = rasterizeGeometry(area, { west, south, east, north }, nx, ny) as Uint8Array;
    const list: number[] = [];
    for (let c = 0; c < size; c++) if (mask[c]) list.push(c);
    this.proj = proj;
    this.kOfCache = null;
    this.frame = null;
    this.grid = {
      lon0: proj.lon0,
      lat0: proj.lat0,
      originX: x0,
      originY: y0,
      cellSizeM: cs,
      nx,
      ny,
      west,
      south,
      east,
      north,
      mask,
      best: new Float32Array(size).fill(NO_SIGNAL),
      bestIdx: new Int32Array(size).fill(-1),
      second: new Float32Array(size).fill(NO_SIGNAL),
      secondIdx: new Int32Array(size).fill(-1),
    };
    this.cells = Int32Array.from(list);
    this.cellX = new Float64Array(list.length);
    this.cellY = new Float64Array(list.length);
    list.forEach((c, k) => {
      this.cellX[k] = x0 + ((c % nx) + 0.5) * cs;
      this.cellY[k] = y0 + (Math.floor(c / nx) + 0.5) * cs;
    });
    this.projectSites();
    if (this.params.propagation.losMode === "buildings") {
      const m = this.params.losCheckRangeM;
      this.raster = buildHeightRaster(
        this.buildings,
        proj,
        { minX: x0 - m, minY: y0 - m, maxX: x0 + nx * cs + m, maxY: y0 + ny * cs + m },
        this.params.heightRasterM,
      );
    } else this.raster = null;
    return this.computeFull();
  }

  private projectSites(): void {
    const all = this.sites;
    const n = all.length;
    const s: SiteArrays = {
      n,
      id: all.map((x) => x.id),
      x: new Float64Array(n),
      y: new Float64Array(n),
      h: new Float64Array(n),
      fc: new Float64Array(n),
      base: new Float64Array(n),
      az: new Float64Array(3 * n),
      tilt: new Float64Array(n),
      active: new Uint8Array(n),
      plc: new Float64Array(PLC_STRIDE * n),
    };
    for (let i = 0; i < n; i++) this.writeSlot(s, i, all[i]);
    this.s = s;
    for (let i = this.nBase; i < n; i++) if (this.slotOf.get(all[i].id) !== i) s.active[i] = 0;
    for (const i of this.disabled) s.active[i] = 0;
    this.buildIndex();
  }

  private writeSlot(s: SiteArrays, i: number, site: RadioSite): void {
    const band = BANDS[site.band];
    if (!band) throw new Error(`site ${site.id}: unknown band ${String(site.band)}`);
    if (site.azimuths.length < 1) throw new Error(`site ${site.id}: needs at least one sector azimuth`);
    const [x, y] = toLocal(this.proj!, site.lon, site.lat);
    s.id[i] = site.id;
    s.x[i] = x;
    s.y[i] = y;
    s.h[i] = site.heightM;
    s.fc[i] = band.fcGHz;
    s.base[i] = perReDbm(site.txPowerDbm, band.nPrb) - totalLossDb(this.params.losses);
    for (let k = 0; k < 3; k++) s.az[3 * i + k] = site.azimuths[Math.min(k, site.azimuths.length - 1)];
    s.tilt[i] = site.tiltDeg;
    s.active[i] = 1;
    compilePathLoss(s.plc, i * PLC_STRIDE, site.heightM, band.fcGHz, this.params.propagation);
  }

  /** Bucket edge in use (resolved from params.bucketM). */
  bucketM = 200;

  /** Bucket base sites near the area and tabulate the RSRP upper bound by distance. */
  private buildIndex(): void {
    const g = (this.grid ?? this.frame)!,
      s = this.s!,
      R = this.params.maxRangeM;
    this.bx0 = g.originX - R;
    this.by0 = g.originY - R;
    const w = g.nx * g.cellSizeM + 2 * R,
      h = g.ny * g.cellSizeM + 2 * R;
    let B = this.params.bucketM;
    if (!(B > 0)) {
      let n = 0;
      for (let i = 0; i < this.nBase; i++) {
        const dx = s.x[i] - this.bx0,
          dy = s.y[i] - this.by0;
        if (dx >= 0 && dy >= 0 && dx < w && dy < h) n++;
      }
      B = Math.min(1000, Math.max(150, Math.round(1.5 * Math.sqrt((w * h) / Math.max(1, n)))));
    }
    this.bucketM = B;
    this.bnx = Math.ceil((g.nx * g.cellSizeM + 2 * R) / B) + 1;
    this.bny = Math.ceil((g.ny * g.cellSizeM + 2 * R) / B) + 1;
    const nb = this.bnx * this.bny;
    this.maxRing = Math.ceil(R / B) + 1;
    const bucketOf = new Int32Array(this.nBase).fill(-1);
    const byFc = new Map<number, number[]>();
    for (let i = 0; i < this.nBase; i++) {
      const bi = Math.floor((s.x[i] - this.bx0) / B),
        bj = Math.floor((s.y[i] - this.by0) / B);
      if (bi < 0 || bj < 0 || bi >= this.bnx || bj >= this.bny) continue;
      bucketOf[i] = bj * this.bnx + bi;
      const list = byFc.get(s.fc[i]);
      if (list) list.push(i);
      else byFc.set(s.fc[i], [i]);
    }
    const nBins = Math.ceil(R / BOUND_BIN_M) + 2;
    this.carrierBuckets = [...byFc.entries()]
      .sort((a, b) => b[1].length - a[1].length) // densest carrier first: it sets a high second-best early
      .map(([fc, members]) => {
        const counts = new Int32Array(nb + 1);
        for (const i of members) counts[bucketOf[i] + 1]++;
        for (let b = 0; b < nb; b++) counts[b + 1] += counts[b];
        const fill = counts.slice(0, nb);
        const items = new Int32Array(members.length);
        for (const i of members) items[fill[bucketOf[i]]++] = i;
        // upper bound of RSRP at distance ≥ d over this carrier: best per-RE power + max gain − the lowest path
        // loss of any antenna height present (suffix minimum, so it holds for every distance beyond d)
        const minPl = new Float64Array(nBins).fill(Infinity);
        const seen = new Set<number>();
        let maxBase = -Infinity;
        for (const i of members) {
          if (s.base[i] > maxBase) maxBase = s.base[i];
          if (seen.has(s.h[i])) continue;
          seen.add(s.h[i]);
          for (let b = 0; b < nBins; b++) {
            const pl = this.minPathLoss(b * BOUND_BIN_M, s.h[i], fc);
            if (pl < minPl[b]) minPl[b] = pl;
          }
        }
        const bound = new Float64Array(nBins);
        let run = Infinity;
        for (let b = nBins - 1; b >= 0; b--) {
          run = Math.min(run, minPl[b]);
          bound[b] = maxBase + this.params.antenna.maxGainDbi - run + 1e-6;
        }
        return { fc, bStart: counts, bItems: items, bound };
      });
  }

  private plcScratch = new Float64Array(PLC_STRIDE);
  /** Lowest path loss the model can give at 2D distance d (any LOS state the mode allows). */
  private minPathLoss(d: number, h: number, fc: number): number {
    const o = this.params.propagation;
    compilePathLoss(this.plcScratch, 0, h, fc, o);
    const los =
      o.losMode === "buildings" ? (d <= this.params.losCheckRangeM ? LOS_YES : LOS_NO) : defaultLosArg(o.losMode);
    return compiledPathLoss(this.plcScratch, 0, d, los, o.hUT);
  }

  // ------------------------------------------------------------------ evaluation

  /** RSRP (dBm) from slot i at metric point (x, y); NO_SIGNAL beyond range. */
  private linkRsrp(i: number, x: number, y: number): number {
    const s = this.s!;
    const dx = x - s.x[i],
      dy = y - s.y[i];
    const d = Math.sqrt(dx * dx + dy * dy);
    if (d > this.params.maxRangeM) return NO_SIGNAL;
    this.linkCount++;
    const p = this.params,
      o = p.propagation,
      h = s.h[i];
    let bearing = Math.atan2(dx, dy) * RAD2DEG;
    if (bearing < 0) bearing += 360;
    let off = 360;
    for (let k = 0; k < 3; k++) {
      let a = Math.abs(bearing - s.az[3 * i + k]);
      if (a > 180) a = 360 - a;
      if (a < off) off = a;
    }
    const dep = Math.atan2(h - o.hUT, Math.max(d, 1)) * RAD2DEG;
    const gain = sectorGain(off, dep, s.tilt[i], p.antenna);
    let los = this.losArg;
    if (this.raster)
      los = d <= p.losCheckRangeM && isLineOfSight(this.raster, x, y, o.hUT, s.x[i], s.y[i], h) ? LOS_YES : LOS_NO;
    return s.base[i] + gain - compiledPathLoss(s.plc, i * PLC_STRIDE, d, los, o.hUT);
  }

  /** Recompute best/second of one cell (k = index into the in-area cell list) from all active sites. */
  private computeCell(k: number): void {
    this.walk(this.cellX[k], this.cellY[k]);
    const g = this.grid!,
      c = this.cells[k];
    g.best[c] = this.w1;
    g.bestIdx[c] = this.wi1;
    g.second[c] = this.w2;
    g.secondIdx[c] = this.wi2;
  }

  /** result of the last walk(): best / second RSRP and slot */
  private w1 = NO_SIGNAL;
  private wi1 = -1;
  private w2 = NO_SIGNAL;
  private wi2 = -1;

  /** Best and second server at metric point (x, y) over all active slots (index + exact bound pruning). */
  private walk(x: number, y: number): void {
    const s = this.s!;
    let b1 = NO_SIGNAL,
      i1 = -1,
      b2 = NO_SIGNAL,
      i2 = -1;
    for (let i = this.nBase; i < s.n; i++) {
      if (!s.active[i]) continue;
      const r = this.linkRsrp(i, x, y);
      if (r > b1) {
        b2 = b1;
        i2 = i1;
        b1 = r;
        i1 = i;
      } else if (r > b2) {
        b2 = r;
        i2 = i;
      }
    }
    const B = this.bucketM;
    const ci = Math.floor((x - this.bx0) / B),
      cj = Math.floor((y - this.by0) / B);
    // rings outermost, carriers inside: nearby sites of every carrier raise the second-best early; a carrier drops
    // out once its bound at the ring's minimum distance is below the second-best
    const buckets = this.carrierBuckets,
      nL = buckets.length;
    let live = (1 << nL) - 1;
    for (let ring = 0; ring <= this.maxRing && live; ring++) {
      const dMin = ring > 0 ? (ring - 1) * B : 0;
      if (dMin > this.params.maxRangeM) break;
      const jLo = cj - ring,
        jHi = cj + ring,
        iLo = ci - ring,
        iHi = ci + ring;
      for (let l = 0; l < nL; l++) {
        if (!(live & (1 << l))) continue;
        const { bound, bStart, bItems } = buckets[l];
        if (ring > 0 && bound[Math.min(bound.length - 1, Math.floor(dMin / BOUND_BIN_M))] < b2) {
          live &= ~(1 << l);
          continue;
        }
        for (let bj = jLo; bj <= jHi; bj++) {
          if (bj < 0 || bj >= this.bny) continue;
          const edgeRow = bj === jLo || bj === jHi;
          for (let bi = iLo; bi <= iHi; bi += edgeRow ? 1 : iHi - iLo || 1) {
            if (bi >= 0 && bi < this.bnx) {
              const b = bj * this.bnx + bi;
              for (let t = bStart[b], e = bStart[b + 1]; t < e; t++) {
                const i = bItems[t];
                if (!s.active[i]) continue;
                const r = this.linkRsrp(i, x, y);
                if (r > b1) {
                  b2 = b1;
                  i2 = i1;
                  b1 = r;
                  i1 = i;
                } else if (r > b2) {
                  b2 = r;
                  i2 = i;
                }
              }
            }
          }
        }
      }
    }
    this.w1 = b1;
    this.wi1 = i1;
    this.w2 = b2;
    this.wi2 = i2;
  }

  /** Full computation of every in-area cell. */
  computeFull(): ComputeStats {
    const t0 = performance.now();
    this.linkCount = 0;
    for (let k = 0; k < this.cells.length; k++) this.computeCell(k);
    return { ms: performance.now() - t0, cells: this.cells.length, links: this.linkCount };
  }

  /**
   * Baseline for the benchmark: every active site within maxRange of every cell, no index, no pruning.
   * Writes the same grid arrays (used by tests to prove the pruned result exact). `stride` > 1 computes only
   * every stride-th in-area cell (the bench extrapolates the time of a full naive pass from it).
   */
  computeNaive(stride = 1): ComputeStats {
    const t0 = performance.now();
    this.linkCount = 0;
    const g = this.grid!,
      s = this.s!;
    let cells = 0;
    for (let k = 0; k < this.cells.length; k += stride) {
      cells++;
      const x = this.cellX[k],
        y = this.cellY[k];
      let b1 = NO_SIGNAL,
        i1 = -1,
        b2 = NO_SIGNAL,
        i2 = -1;
      for (let i = 0; i < s.n; i++) {
        if (!s.active[i]) continue;
        const r = this.linkRsrp(i, x, y);
        if (r > b1) {
          b2 = b1;
          i2 = i1;
          b1 = r;
          i1 = i;
        } else if (r > b2) {
          b2 = r;
          i2 = i;
        }
      }
      const c = this.cells[k];
      g.best[c] = b1;
      g.bestIdx[c] = i1;
      g.second[c] = b2;
      g.secondIdx[c] = i2;
    }
    return { ms: performance.now() - t0, cells, links: this.linkCount };
  }

  // ------------------------------------------------------------------ candidates

  /**
   * Add a candidate, or move/edit it if its id is already placed. Only cells within range of its new position,
   * plus cells it served before (on a move), are recomputed. Returns the in-area cell indices whose best or
   * second server changed, with their previous best RSRP.
   */
  upsertCandidate(c: RadioSite): CandidateUpdate {
    const t0 = performance.now();
    this.linkCount = 0;
    if (!this.grid) throw new Error("coverage: setArea() first");
    let slot = this.slotOf.get(c.id);
    const s = this.s!;
    if (slot === undefined) {
      slot = this.sites.length;
      this.sites.push(c);
      this.growSlots();
      this.slotOf.set(c.id, slot);
      this.writeSlot(this.s!, slot, c);
      return this.finishUpdate(this.mergeSlot(slot, new Set()), t0);
    }
    this.sites[slot] = c;
    this.writeSlot(s, slot, c);
    const touched = this.recomputeServedBy(slot);
    return this.finishUpdate(this.mergeSlot(slot, touched), t0);
  }

  /** Remove a placed candidate; cells it served as best or second are recomputed. */
  removeCandidate(id: string): CandidateUpdate {
    const t0 = performance.now();
    this.linkCount = 0;
    const slot = this.slotOf.get(id);
    if (slot === undefined) throw new Error(`coverage: no candidate with id ${id}`);
    this.s!.active[slot] = 0;
    this.slotOf.delete(id);
    const touched = this.recomputeServedBy(slot);
    return this.finishUpdate(touched, t0);
  }

  /** Remove every candidate (keeps slots allocated; they stay inactive). */
  clearCandidates(): void {
    for (const id of [...this.slotOf.keys()]) this.removeCandidate(id);
  }

  candidateIds(): string[] {
    return [...this.slotOf.keys()];
  }

  private prevBest = new Map<number, number>();

  private recomputeServedBy(slot: number): Set<number> {
    const g = this.grid!;
    const touched = new Set<number>();
    for (let k = 0; k < this.cells.length; k++) {
      const c = this.cells[k];
      if (g.bestIdx[c] === slot || g.secondIdx[c] === slot) {
        if (!this.prevBest.has(c)) this.prevBest.set(c, g.best[c]);
        this.computeCell(k);
        touched.add(k);
      }
    }
    return touched;
  }

  /** Merge slot's RSRP into cells within its range not already recomputed. */
  private mergeSlot(slot: number, done: Set<number>): Set<number> {
    const g = this.grid!,
      s = this.s!,
      R = this.params.maxRangeM,
      cs = g.cellSizeM;
    const i0 = Math.max(0, Math.floor((s.x[slot] - R - g.originX) / cs));
    const i1 = Math.min(g.nx - 1, Math.floor((s.x[slot] + R - g.originX) / cs));
    const j0 = Math.max(0, Math.floor((s.y[slot] - R - g.originY) / cs));
    const j1 = Math.min(g.ny - 1, Math.floor((s.y[slot] + R - g.originY) / cs));
    const changed = new Set(done);
    if (i0 > i1 || j0 > j1) return changed;
    const kOf = this.cellIndexOf();
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const c = j * g.nx + i;
        const k = kOf[c];
        if (k < 0 || done.has(k)) continue;
        const r = this.linkRsrp(slot, this.cellX[k], this.cellY[k]);
        if (r > g.second[c]) {
          if (!this.prevBest.has(c)) this.prevBest.set(c, g.best[c]);
          if (r > g.best[c]) {
            g.second[c] = g.best[c];
            g.secondIdx[c] = g.bestIdx[c];
            g.best[c] = r;
            g.bestIdx[c] = slot;
          } else {
            g.second[c] = r;
            g.secondIdx[c] = slot;
          }
          changed.add(k);
        }
      }
    return changed;
  }

  private kOfCache: Int32Array | null = null;
  private cellIndexOf(): Int32Array {
    const g = this.grid!;
    if (this.kOfCache && this.kOfCache.length === g.nx * g.ny) return this.kOfCache;
    const a = new Int32Array(g.nx * g.ny).fill(-1);
    this.cells.forEach((c, k) => (a[c] = k));
    this.kOfCache = a;
    return a;
  }

  private finishUpdate(changedK: Set<number>, t0: number): CandidateUpdate {
    const cells = new Int32Array(changedK.size);
    const prevBest = new Float32Array(changedK.size);
    let n = 0;
    for (const k of changedK) {
      const c = this.cells[k];
      cells[n] = c;
      prevBest[n] = this.prevBest.get(c) ?? this.grid!.best[c];
      n++;
    }
    this.prevBest.clear();
    return { cells, prevBest, ms: performance.now() - t0, links: this.linkCount };
  }

  /** Make the slot arrays hold `this.sites.length` slots plus `extra` scratch slots (capacity doubles). */
  private growSlots(extra = 0): void {
    const old = this.s!,
      n = this.sites.length,
      need = n + extra;
    if (old.x.length < need) {
      const cap = Math.max(need, Math.ceil(old.x.length * 1.5) + 8);
      const grow = <T extends Float64Array | Uint8Array>(a: T, per = 1): T => {
        const b = new (a.constructor as new (n: number) => T)(cap * per);
        b.set(a);
        return b;
      };
      this.s = {
        n,
        id: old.id,
        x: grow(old.x),
        y: grow(old.y),
        h: grow(old.h),
        fc: grow(old.fc),
        base: grow(old.base),
        az: grow(old.az, 3),
        tilt: grow(old.tilt),
        active: grow(old.active),
        plc: grow(old.plc, PLC_STRIDE),
      };
    } else this.s = { ...old, n };
  }

  // ------------------------------------------------------------------ frame mode (sparse lattice)

  private frame: GridGeometry | null = null;
  /** base slots taken out of service (e.g. sites in fault): skipped by every evaluation */
  private disabled = new Set<number>();

  /**
   * Lay a ≤ 50 m lattice over a lon/lat box without computing (or allocating) any cell: for callers that
   * evaluate only the cells they need with `serversAt` (e.g. outage impact over a whole city). Drops any area.
   */
  setFrame(box: readonly [number, number, number, number]): GridGeometry {
    const [w, s, e, n] = box;
    if (!(w < e && s < n)) throw new Error("coverage frame: empty bounding box");
    const cs = this.params.cellSizeM;
    const proj = makeProjection((w + e) / 2, (s + n) / 2);
    const [x0, y0] = toLocal(proj, w, s);
    const [x1, y1] = toLocal(proj, e, n);
    const nx = Math.max(1, Math.ceil((x1 - x0) / cs - 1e-6));
    const ny = Math.max(1, Math.ceil((y1 - y0) / cs - 1e-6));
    const [west, south] = toLonLat(proj, x0, y0);
    const [east, north] = toLonLat(proj, x0 + nx * cs, y0 + ny * cs);
    this.proj = proj;
    this.grid = null;
    this.kOfCache = null;
    this.cells = new Int32Array(0);
    this.frame = {
      lon0: proj.lon0,
      lat0: proj.lat0,
      originX: x0,
      originY: y0,
      cellSizeM: cs,
      nx,
      ny,
      west,
      south,
      east,
      north,
    };
    this.projectSites();
    this.raster = null;
    if (this.params.propagation.losMode === "buildings")
      throw new Error("coverage frame: losMode 'buildings' needs an area (setArea), not a frame");
    return this.frame;
  }

  /** The lattice of setFrame, or the grid geometry of setArea. */
  lattice(): GridGeometry {
    const g = this.frame ?? this.grid;
    if (!g) throw new Error("coverage: setFrame() or setArea() first");
    return g;
  }

  /**
   * Best and second server at lattice cell c (row-major from the south row) over every active slot, without
   * touching the grid arrays. The same walk and pruning as the grid computation.
   */
  serversAt(c: number): { best: number; bestIdx: number; second: number; secondIdx: number } {
    const g = this.lattice();
    this.walk(g.originX + ((c % g.nx) + 0.5) * g.cellSizeM, g.originY + (Math.floor(c / g.nx) + 0.5) * g.cellSizeM);
    return { best: this.w1, bestIdx: this.wi1, second: this.w2, secondIdx: this.wi2 };
  }

  /**
   * Take base slots out of service (or back in). Evaluations after this skip them; the grid of setArea is NOT
   * recomputed (callers recompute the cells they need).
   */
  setBaseInService(slot: number, inService: boolean): void {
    if (!(slot >= 0 && slot < this.nBase)) throw new Error(`coverage: no base site slot ${slot}`);
    if (inService) this.disabled.delete(slot);
    else this.disabled.add(slot);
    if (this.s) this.s.active[slot] = inService ? 1 : 0;
  }

  /** Metric position of a slot's site in the current projection. */
  slotXY(slot: number): [number, number] {
    const s = this.s;
    if (!s || slot < 0 || slot >= s.n) throw new Error(`coverage: no site slot ${slot}`);
    return [s.x[slot], s.y[slot]];
  }

  // ------------------------------------------------------------------ queries

  getGrid(): CoverageGrid {
    if (!this.grid) throw new Error("coverage: setArea() first");
    return this.grid;
  }

  /** Indices (into the grid arrays) of in-area cells. */
  areaCells(): Int32Array {
    return this.cells;
  }

  /** Metric centre of grid cell c. */
  cellCentre(c: number): [number, number] {
    const g = this.getGrid();
    return [g.originX + ((c % g.nx) + 0.5) * g.cellSizeM, g.originY + (Math.floor(c / g.nx) + 0.5) * g.cellSizeM];
  }

  /** lon/lat centre of grid cell c. */
  cellLonLat(c: number): [number, number] {
    const [x, y] = this.cellCentre(c);
    return toLonLat(this.proj!, x, y);
  }

  projection(): LocalProjection {
    if (!this.proj) throw new Error("coverage: setArea() first");
    return this.proj;
  }

  /** Site record of a slot index as found in bestIdx/secondIdx. */
  siteAt(slot: number): RadioSite | undefined {
    return slot >= 0 ? this.sites[slot] : undefined;
  }

  isCandidateSlot(slot: number): boolean {
    return slot >= this.nBase;
  }

  slotOfCandidate(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  /**
   * RSRP of an arbitrary (not placed) site at in-area cells, without changing the grid. Returns the cells
   * within `radiusM` (default: maxRange) and their RSRP. Used for candidate delta reports and siting.
   */
  probeSite(site: RadioSite, radiusM = this.params.maxRangeM): { cells: Int32Array; rsrp: Float32Array } {
    const g = this.getGrid();
    const tmp = this.sites.length;
    // evaluate through a scratch slot past the last real one (never visited by computeCell), so the same
    // code path (and LOS tracing) is used
    this.growSlots(1);
    this.writeSlot(this.s!, tmp, site);
    this.s!.active[tmp] = 0;
    const s = this.s!,
      R = Math.min(radiusM, this.params.maxRangeM),
      cs = g.cellSizeM;
    const i0 = Math.max(0, Math.floor((s.x[tmp] - R - g.originX) / cs));
    const i1 = Math.min(g.nx - 1, Math.floor((s.x[tmp] + R - g.originX) / cs));
    const j0 = Math.max(0, Math.floor((s.y[tmp] - R - g.originY) / cs));
    const j1 = Math.min(g.ny - 1, Math.floor((s.y[tmp] + R - g.originY) / cs));
    const kOf = this.cellIndexOf();
    const cells: number[] = [],
      rsrp: number[] = [];
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const c = j * g.nx + i,
          k = kOf[c];
        if (k < 0) continue;
        const r = this.linkRsrp(tmp, this.cellX[k], this.cellY[k]);
        if (r > NO_SIGNAL) {
          cells.push(c);
          rsrp.push(r);
        }
      }
    s.id.length = tmp;
    return { cells: Int32Array.from(cells), rsrp: Float32Array.from(rsrp) };
  }

  /** Nearest base (existing, non-candidate) site to a lon/lat point, planar distance in the local projection. */
  nearestBaseSite(lon: number, lat: number): { id: string; distanceM: number; slot: number } | null {
    const s = this.s!;
    const [x, y] = toLocal(this.projection(), lon, lat);
    let best = -1,
      bd = Infinity;
    for (let i = 0; i < this.nBase; i++) {
      const dx = s.x[i] - x,
        dy = s.y[i] - y,
        d = dx * dx + dy * dy;
      if (d < bd) {
        bd = d;
        best = i;
      }
    }
    return best < 0 ? null : { id: s.id[best], distanceM: Math.sqrt(bd), slot: best };
  }

  /** Base sites whose position lies inside the grid's in-area cells (by the cell holding them). */
  baseSitesInArea(): number[] {
    const g = this.getGrid(),
      s = this.s!,
      out: number[] = [];
    for (let i = 0; i < this.nBase; i++) {
      const ci = Math.floor((s.x[i] - g.originX) / g.cellSizeM),
        cj = Math.floor((s.y[i] - g.originY) / g.cellSizeM);
      if (ci >= 0 && cj >= 0 && ci < g.nx && cj < g.ny && g.mask[cj * g.nx + ci]) out.push(i);
    }
    return out;
  }

  /** True when lon/lat falls in an in-area cell. */
  inArea(lon: number, lat: number): boolean {
    const g = this.getGrid();
    const [x, y] = toLocal(this.projection(), lon, lat);
    const ci = Math.floor((x - g.originX) / g.cellSizeM),
      cj = Math.floor((y - g.originY) / g.cellSizeM);
    return ci >= 0 && cj >= 0 && ci < g.nx && cj < g.ny && g.mask[cj * g.nx + ci] === 1;
  }

  /**
   * Distance (m) beyond which `site` cannot reach `minDbm` under any LOS state the mode allows — the radius
   * siting needs to probe.
   */
  reachM(site: RadioSite, minDbm: number): number {
    const band = BANDS[site.band];
    const base =
      perReDbm(site.txPowerDbm, band.nPrb) - totalLossDb(this.params.losses) + this.params.antenna.maxGainDbi;
    for (let d = 0; d <= this.params.maxRangeM; d += BOUND_BIN_M) {
      if (base - this.minPathLoss(d, site.heightM, band.fcGHz) < minDbm) return d;
    }
    return this.params.maxRangeM;
  }
}

/** Grid cell index holding lon/lat (row-major from the south row), or −1 outside the grid rectangle. */
export function cellIndexAt(g: GridGeometry, lon: number, lat: number): number {
  const i = Math.floor(((lon - g.west) / (g.east - g.west)) * g.nx);
  const j = Math.floor(((lat - g.south) / (g.north - g.south)) * g.ny);
  return i < 0 || j < 0 || i >= g.nx || j >= g.ny ? -1 : j * g.nx + i;
}

export interface CandidateUpdate {
  /** grid cell indices whose best or second server changed */
  cells: Int32Array;
  /** best RSRP of those cells before the update */
  prevBest: Float32Array;
  ms: number;
  links: number;
}
