/**
 * "Restore coverage": an outage (sites out of service) as a siting problem. The planner's area becomes the outage
 * area, the cells that lost good coverage are the only demand, and the existing siting algorithm (proposeSites)
 * proposes sites there; each proposal is scored against the outage (people and km² regained).
 *
 *  - outage area: the down sites near a focus site (within `clusterM`), each grown by its reach of the good
 *    threshold (the farthest a cell it served well can lie), as one rectangle in metres snapped outward to the cell
 *    size — a rectangle, not a hull, so a lone site's area is the hand-checkable square of cells around it;
 *  - lost cells: in-area cells now below good that some down site reached at good or better (with every site in
 *    service their best server was at least that strong, so they were good; now they are not) — the same set as the
 *    wall's outage impact, evaluated with the planner's own engine (probeSite: the same link code path);
 *  - scoring: proposeSites weighted by the people of lost cells only, so its marginal gains are people regained;
 *    km² regained counts lost cells (populated or not) a proposal brings back to good, in rank order.
 */
import type { PlannerArea } from "../protocol/scenario";
import type { CoverageEngine, RadioSite } from "./coverage";
import { type LocalProjection, makeProjection, toLocal, toLonLat } from "./geo";
import type { SitingOptions, SitingProposal, SitingResult } from "./siting";

export interface RestoreOptions {
  /** down sites within this distance of the focus site form the outage area, metres */
  clusterM: number;
  /** the down site the area is built around (default: the first id given) */
  focus?: string;
  /** proposals wanted */
  count: number;
  siting?: Partial<Omit<SitingOptions, "count">>;
}
/**
 * An outage area can be a few hundred metres across (indoor small cells reach ~150 m at good): the siting grid is
 * denser than the planner's 250 m and a position need only keep 50 m from an existing site, so there are positions.
 */
export const DEFAULT_RESTORE: Readonly<RestoreOptions> = {
  clusterM: 5000,
  count: 3,
  siting: { gridSpacingM: 100, minSeparationM: 50 },
};

export interface OutageScore {
  /** people of lost cells this proposal brings back to good (given the higher-ranked ones) */
  regainedPeople: number;
  regainedCells: number;
  regainedKm2: number;
}

export type RestoreProposal = SitingProposal & OutageScore;

export interface RestoreResult {
  /** the down sites the outage area is built from (focus first) */
  sites: string[];
  /** down sites left out (farther than clusterM from the focus) */
  skipped: string[];
  area: Extract<PlannerArea, { kind: "polygon" }>;
  lostCells: number;
  lostPeople: number;
  lostKm2: number;
  proposals: RestoreProposal[];
  /** proposeSites' answer with lost people as the demand (areaPeople = lostPeople) */
  siting: SitingResult;
  ms: number;
}

/** The down sites within `clusterM` of the focus (focus first), and the rest. */
export function clusterAround<S extends { id: string; lon: number; lat: number }>(
  down: readonly S[],
  clusterM: number,
  focus?: string,
): { inside: S[]; skipped: S[] } {
  if (!down.length) return { inside: [], skipped: [] };
  const f = down.find((s) => s.id === focus) ?? down[0];
  const p = makeProjection(f.lon, f.lat);
  const inside: S[] = [f],
    skipped: S[] = [];
  for (const s of down) {
    if (s === f) continue;
    const [x, y] = toLocal(p, s.lon, s.lat);
    (x * x + y * y <= clusterM * clusterM ? inside : skipped).push(s);
  }
  return { inside, skipped };
}

/**
 * Rectangle covering each site's disc of radius `reachM`, in the local metres of the first site, snapped outward to
 * multiples of `cellSizeM` from that site (so the planner grid laid over it has the first site on a cell corner).
 */
export function outageRect(
  sites: readonly { lon: number; lat: number; reachM: number }[],
  cellSizeM: number,
): Extract<PlannerArea, { kind: "polygon" }> {
  if (!sites.length) throw new Error("restore coverage: no sites out of service");
  const p: LocalProjection = makeProjection(sites[0].lon, sites[0].lat);
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const s of sites) {
    const [x, y] = toLocal(p, s.lon, s.lat);
    x0 = Math.min(x0, x - s.reachM);
    y0 = Math.min(y0, y - s.reachM);
    x1 = Math.max(x1, x + s.reachM);
    y1 = Math.max(y1, y + s.reachM);
  }
  const snap = (v: number, f: (x: number) => number) => f(v / cellSizeM - 1e-9 * Math.sign(v)) * cellSizeM;
  [x0, y0, x1, y1] = [snap(x0, Math.floor), snap(y0, Math.floor), snap(x1, Math.ceil), snap(y1, Math.ceil)];
  const ring = [
    toLonLat(p, x0, y0),
    toLonLat(p, x1, y0),
    toLonLat(p, x1, y1),
    toLonLat(p, x0, y1),
    toLonLat(p, x0, y0),
  ];
  return { kind: "polygon", geometry: { type: "Polygon", coordinates: [ring] } };
}

/**
 * In-area cells that lost good coverage: now (the engine with the down sites out of service) below `goodDbm`, and
 * reached at `goodDbm` or better by one of the down sites. 1 = lost.
 */
export function lostCells(engine: CoverageEngine, down: readonly RadioSite[], goodDbm: number): Uint8Array {
  const g = engine.getGrid();
  const lost = new Uint8Array(g.nx * g.ny);
  for (const s of down) {
    const probe = engine.probeSite(s, engine.reachM(s, goodDbm));
    for (let t = 0; t < probe.cells.length; t++) {
      const c = probe.cells[t];
      if (probe.rsrp[t] >= goodDbm && g.best[c] < goodDbm) lost[c] = 1;
    }
  }
  return lost;
}

/** People of the lost cells only (the demand restore coverage optimises). */
export function lostPeople(people: Float32Array, lost: Uint8Array): Float32Array {
  const out = new Float32Array(people.length);
  for (let c = 0; c < lost.length; c++) if (lost[c]) out[c] = people[c];
  return out;
}

/** Each site's marginal share of the lost cells it brings back to good, in the order given. */
export function scoreAgainstOutage(
  engine: CoverageEngine,
  sites: readonly RadioSite[],
  lost: Uint8Array,
  people: Float32Array,
  goodDbm: number,
): OutageScore[] {
  const g = engine.getGrid();
  const cellKm2 = (g.cellSizeM * g.cellSizeM) / 1e6;
  const left = lost.slice();
  return sites.map((s) => {
    const probe = engine.probeSite(s, engine.reachM(s, goodDbm));
    let n = 0,
      cells = 0;
    for (let t = 0; t < probe.cells.length; t++) {
      const c = probe.cells[t];
      if (!left[c] || probe.rsrp[t] < goodDbm) continue;
      left[c] = 0;
      cells++;
      n += people[c];
    }
    return { regainedPeople: n, regainedCells: cells, regainedKm2: cells * cellKm2 };
  });
}
