/**
 * PlannerSession: the stateful planner analysis (sites, buildings, demand, area, candidates) behind one small
 * API. The Web Worker wraps it message by message; Node tests and the bench use it directly.
 */
import { DISTRICTS, type DistrictName } from "../protocol/data";
import { Candidate, type PlannerArea } from "../protocol/scenario";
import { issuePath } from "../protocol/zod-errors";
import { type CandidateDelta, candidateDelta } from "./candidates";
import {
  type CandidateUpdate,
  type CoverageParams,
  type GridGeometry,
  type RadioSite,
  CoverageEngine,
  resolveParams,
} from "./coverage";
import {
  type CoverageKpis,
  type DemandBuilding,
  type DemandDistrict,
  type DemandLayer,
  buildDemand,
  coverageKpis,
  districtKpis,
} from "./demand";
import type { AreaGeometry } from "./geo";
import { type LegendStop, defaultLegend, rasterise } from "./heatmap";
import type { FootprintBuilding } from "./heights";
import {
  type RestoreOptions,
  type RestoreResult,
  DEFAULT_RESTORE,
  clusterAround,
  lostCells,
  lostPeople,
  outageRect,
  scoreAgainstOutage,
} from "./restore";
import { type SitingOptions, type SitingResult, proposeSites } from "./siting";

export interface PlannerSite extends RadioSite {
  district?: DistrictName;
}
export type PlannerBuilding = DemandBuilding & FootprintBuilding & { heightM: number };

export interface PlannerInit {
  sites: readonly PlannerSite[];
  buildings?: readonly PlannerBuilding[];
  districts?: readonly DemandDistrict[];
  params?: Partial<CoverageParams>;
}

export interface PlannerKpis {
  area: CoverageKpis;
  districts: Partial<Record<DistrictName, CoverageKpis>>;
}

export interface PlannerSnapshot {
  grid: GridGeometry & {
    mask: Uint8Array;
    best: Float32Array;
    bestIdx: Int32Array;
    second: Float32Array;
    secondIdx: Int32Array;
    people: Float32Array;
  };
  /** heat map pixels, nx × ny, north row first */
  rgba: Uint8ClampedArray;
  legend: LegendStop[];
  kpis: PlannerKpis;
  candidates: Candidate[];
  /**
   * How to read bestIdx / secondIdx: a value below `baseSiteCount` is an index into the `sites` given to init;
   * candidate ids map to their slot in `candidateSlots`; −1 = no server.
   */
  baseSiteCount: number;
  candidateSlots: Record<string, number>;
  stats: { kind: "full" | "incremental"; ms: number; cells: number; links: number };
}

export interface WeakSpot {
  cell: number;
  lon: number;
  lat: number;
  rsrpDbm: number;
  people: number;
}

export class PlannerSession {
  private init: PlannerInit;
  private params: CoverageParams;
  private eng: CoverageEngine;
  private area: AreaGeometry | null = null;
  private demand: DemandLayer | null = null;
  private cands = new Map<string, Candidate>();
  /** base slots out of service (a live outage turned into a planning case) */
  private outOfService = new Set<number>();

  constructor(init: PlannerInit) {
    this.init = init;
    this.params = resolveParams(init.params);
    this.eng = new CoverageEngine(init.sites, this.params, init.buildings ?? []);
  }

  get engine(): CoverageEngine {
    return this.eng;
  }

  get demandLayer(): DemandLayer | null {
    return this.demand;
  }

  get coverageParams(): CoverageParams {
    return this.params;
  }

  /** Resolve a district name or polygon to a geometry. */
  areaGeometry(area: PlannerArea | AreaGeometry): AreaGeometry {
    if ("type" in area) return area;
    if (area.kind === "polygon") return area.geometry;
    const d = this.init.districts?.find((x) => x.name === area.name);
    if (!d)
      throw new Error(
        `planner area: district ${area.name} not loaded (districts given: ${(this.init.districts ?? []).map((x) => x.name).join(", ") || "none"})`,
      );
    return d.geometry;
  }

  setArea(area: PlannerArea | AreaGeometry): PlannerSnapshot {
    this.area = this.areaGeometry(area);
    return this.recompute();
  }

  /** Change analysis parameters (cell size, thresholds, LOS mode, …) and recompute everything. */
  setParams(p: Partial<CoverageParams>): PlannerSnapshot {
    this.params = resolveParams({ ...this.params, ...p });
    this.eng = new CoverageEngine(this.init.sites, this.params, this.init.buildings ?? []);
    for (const i of this.outOfService) this.eng.setBaseInService(i, false);
    return this.recompute();
  }

  /**
   * Take existing sites out of service (e.g. the sites in fault/offline now) and recompute, so KPIs, weak spots and
   * `propose` ("restore coverage": siting restricted to the area, scored against the outage) see the outage.
   * Replaces the previous set; [] restores every site. Unknown ids are an error naming them.
   */
  setOutOfService(ids: readonly string[]): PlannerSnapshot {
    this.takeOutOfService(ids);
    return this.recompute();
  }

  private takeOutOfService(ids: readonly string[]): void {
    const slotOf = new Map(this.init.sites.map((s, i) => [s.id, i]));
    const unknown = ids.filter((id) => !slotOf.has(id));
    if (unknown.length) throw new Error(`planner: unknown site ids ${unknown.slice(0, 5).join(", ")}`);
    for (const i of this.outOfService) this.eng.setBaseInService(i, true);
    this.outOfService = new Set(ids.map((id) => slotOf.get(id)!));
    for (const i of this.outOfService) this.eng.setBaseInService(i, false);
  }

  /**
   * Restore coverage after an outage: the `down` sites go out of service, the area becomes the outage area around
   * the focus site (restore.ts), and the siting algorithm proposes sites for the people who lost good coverage,
   * each scored against the outage. Accept proposals like any others (setCandidates).
   */
  restoreCoverage(
    down: readonly string[],
    options: Partial<RestoreOptions> = {},
  ): { snapshot: PlannerSnapshot; restore: RestoreResult } {
    const t0 = performance.now();
    const o = { ...DEFAULT_RESTORE, ...options };
    this.takeOutOfService(down);
    const good = this.params.thresholds.goodDbm;
    const downSites = [...this.outOfService].map((i) => this.init.sites[i]);
    const ordered = down.map((id) => downSites.find((s) => s.id === id)!);
    const { inside, skipped } = clusterAround(ordered, o.clusterM, o.focus);
    const area = outageRect(
      inside.map((s) => ({ lon: s.lon, lat: s.lat, reachM: this.eng.reachM(s, good) })),
      this.params.cellSizeM,
    );
    const snapshot = this.setArea(area);
    const lost = lostCells(this.eng, downSites, good);
    const weights = lostPeople(this.demand!.people, lost);
    const siting = proposeSites(this.eng, weights, this.params.thresholds, this.init.buildings ?? [], {
      ...DEFAULT_RESTORE.siting,
      ...o.siting,
      count: o.count,
      idPrefix: o.siting?.idPrefix ?? "RESTORE",
    });
    const scores = scoreAgainstOutage(
      this.eng,
      siting.proposals.map((p) => p.candidate),
      lost,
      this.demand!.people,
      good,
    );
    let cells = 0;
    for (const v of lost) cells += v;
    const g = this.eng.getGrid();
    return {
      snapshot,
      restore: {
        sites: inside.map((s) => s.id),
        skipped: skipped.map((s) => s.id),
        area,
        lostCells: cells,
        lostPeople: siting.areaPeople,
        lostKm2: (cells * g.cellSizeM * g.cellSizeM) / 1e6,
        proposals: siting.proposals.map((p, k) => ({ ...p, ...scores[k] })),
        siting,
        ms: performance.now() - t0,
      },
    };
  }

  outOfServiceIds(): string[] {
    return [...this.outOfService].map((i) => this.init.sites[i].id);
  }

  private recompute(): PlannerSnapshot {
    if (!this.area) throw new Error("planner: setArea() first");
    let st = this.eng.setArea(this.area);
    const g = this.eng.getGrid();
    this.demand = buildDemand(g, g.mask, this.init.buildings ?? [], this.init.districts ?? []);
    if (this.cands.size) {
      for (const c of this.cands.values()) this.eng.upsertCandidate(c);
      st = { ...st, ms: st.ms };
    }
    return this.snapshot({ kind: "full", ...st });
  }

  /** Place a new candidate or move/edit an existing one (same id). */
  upsertCandidate(input: unknown): { snapshot: PlannerSnapshot; delta: CandidateDelta } {
    const c = parseCandidate(input);
    this.cands.set(c.id, c);
    const u = this.eng.upsertCandidate(c);
    const delta = candidateDelta(this.eng, c.id, this.demand!.people, this.params.thresholds, u);
    return { snapshot: this.snapshotAfter(u), delta };
  }

  removeCandidate(id: string): PlannerSnapshot {
    if (!this.cands.has(id)) throw new Error(`planner: no candidate with id ${id}`);
    this.cands.delete(id);
    return this.snapshotAfter(this.eng.removeCandidate(id));
  }

  /** Replace all candidates (loading a scenario). */
  setCandidates(input: readonly unknown[]): PlannerSnapshot {
    const list = input.map((x, i) => parseCandidate(x, `candidates[${i}]`));
    const t0 = performance.now();
    this.eng.clearCandidates();
    this.cands.clear();
    let links = 0;
    for (const c of list) {
      this.cands.set(c.id, c);
      links += this.eng.upsertCandidate(c).links;
    }
    return this.snapshot({
      kind: "incremental",
      ms: performance.now() - t0,
      cells: this.eng.areaCells().length,
      links,
    });
  }

  candidateDelta(id: string): CandidateDelta {
    return candidateDelta(this.eng, id, this.demand!.people, this.params.thresholds);
  }

  propose(options: Partial<SitingOptions> = {}): SitingResult {
    return proposeSites(this.eng, this.demand!.people, this.params.thresholds, this.init.buildings ?? [], options);
  }

  kpis(): PlannerKpis {
    const g = this.eng.getGrid(),
      d = this.demand!;
    const baseIn = this.eng.baseSitesInArea().filter((slot) => !this.outOfService.has(slot)); // in service only
    const byDistrict: Partial<Record<DistrictName, number>> = {};
    const bump = (name: DistrictName | undefined) => {
      if (name) byDistrict[name] = (byDistrict[name] ?? 0) + 1;
    };
    for (const slot of baseIn) {
      const s = this.init.sites[slot];
      bump(s.district ?? this.districtAt(s.lon, s.lat));
    }
    let candIn = 0;
    for (const c of this.cands.values())
      if (this.eng.inArea(c.lon, c.lat)) {
        candIn++;
        bump(this.districtAt(c.lon, c.lat));
      }
    return {
      area: coverageKpis(g.best, g.mask, d.people, this.params.thresholds, baseIn.length + candIn),
      districts: districtKpis(g.best, g.mask, d, this.params.thresholds, byDistrict),
    };
  }

  private districtAt(lon: number, lat: number): DistrictName | undefined {
    const g = this.eng.getGrid();
    const i = Math.floor(((lon - g.west) / (g.east - g.west)) * g.nx),
      j = Math.floor(((lat - g.south) / (g.north - g.south)) * g.ny);
    if (i < 0 || j < 0 || i >= g.nx || j >= g.ny) return undefined;
    const k = this.demand!.district[j * g.nx + i];
    return k >= 0 ? DISTRICTS[k] : undefined;
  }

  /**
   * Populated cells below the good threshold, most people first (or weakest RSRP first), at least
   * `minSpacingM` apart — "where to put the next site" hints and e2e click targets.
   */
  weakSpots(limit = 10, by: "people" | "rsrp" = "people", minSpacingM = 300): WeakSpot[] {
    const g = this.eng.getGrid(),
      people = this.demand!.people,
      good = this.params.thresholds.goodDbm;
    const list: number[] = [];
    for (const c of this.eng.areaCells()) if (people[c] > 0 && g.best[c] < good) list.push(c);
    list.sort(
      by === "people"
        ? (a, b) => people[b] - people[a] || g.best[a] - g.best[b]
        : (a, b) => g.best[a] - g.best[b] || people[b] - people[a],
    );
    const out: WeakSpot[] = [];
    const picked: [number, number][] = [];
    for (const c of list) {
      if (out.length >= limit) break;
      const [x, y] = this.eng.cellCentre(c);
      if (picked.some(([px, py]) => (px - x) ** 2 + (py - y) ** 2 < minSpacingM * minSpacingM)) continue;
      picked.push([x, y]);
      const [lon, lat] = this.eng.cellLonLat(c);
      out.push({ cell: c, lon, lat, rsrpDbm: g.best[c], people: people[c] });
    }
    return out;
  }

  candidates(): Candidate[] {
    return [...this.cands.values()];
  }

  private snapshotAfter(u: CandidateUpdate): PlannerSnapshot {
    return this.snapshot({ kind: "incremental", ms: u.ms, cells: u.cells.length, links: u.links });
  }

  /** A self-contained copy of the current state (safe to transfer to another thread). */
  snapshot(stats: PlannerSnapshot["stats"]): PlannerSnapshot {
    const g = this.eng.getGrid();
    const legend = defaultLegend(this.params.thresholds);
    return {
      grid: {
        lon0: g.lon0,
        lat0: g.lat0,
        originX: g.originX,
        originY: g.originY,
        cellSizeM: g.cellSizeM,
        nx: g.nx,
        ny: g.ny,
        west: g.west,
        south: g.south,
        east: g.east,
        north: g.north,
        mask: g.mask.slice(),
        best: g.best.slice(),
        bestIdx: g.bestIdx.slice(),
        second: g.second.slice(),
        secondIdx: g.secondIdx.slice(),
        people: this.demand!.people.slice(),
      },
      rgba: rasterise(g, legend),
      legend,
      kpis: this.kpis(),
      candidates: this.candidates(),
      baseSiteCount: this.eng.nBase,
      candidateSlots: Object.fromEntries(this.candidates().map((c) => [c.id, this.eng.slotOfCandidate(c.id)!])),
      stats,
    };
  }

  /** Id of the site in a slot (as found in bestIdx / secondIdx). */
  siteIdOfSlot(slot: number): string | null {
    return this.eng.siteAt(slot)?.id ?? null;
  }
}

function parseCandidate(input: unknown, where = "candidate"): Candidate {
  const r = Candidate.safeParse(input);
  if (r.success) return r.data;
  const iss = r.error.issues[0];
  throw new Error(`${where}.${issuePath(iss.path, "dots", "")}: ${iss.message}`);
}
