/**
 * Candidate sites and the delta report shown when one is placed or moved.
 */
import type { Candidate } from "../protocol/scenario";
import { type CandidateUpdate, type CoverageEngine, type Thresholds, NO_SIGNAL } from "./coverage";

export type { Candidate } from "../protocol/scenario";

/** Default radio settings of a new candidate: 30 m mast, three sectors, 6° downtilt, 200 W (53 dBm), n78. */
export const DEFAULT_CANDIDATE: Readonly<Omit<Candidate, "id" | "lon" | "lat">> = {
  heightM: 30,
  azimuths: [0, 120, 240],
  tiltDeg: 6,
  txPowerDbm: 53,
  band: "n78",
  source: "manual",
};

let seq = 0;
/** A candidate at (lon, lat) with default radio settings; id defaults to a fresh `C-…` id. */
export function makeCandidate(lon: number, lat: number, overrides: Partial<Candidate> = {}): Candidate {
  const id = overrides.id ?? `C-${Date.now().toString(36)}-${(seq++).toString(36)}`;
  return {
    ...DEFAULT_CANDIDATE,
    ...overrides,
    id,
    lon,
    lat,
    azimuths: [...(overrides.azimuths ?? DEFAULT_CANDIDATE.azimuths)] as Candidate["azimuths"],
  };
}

export interface CandidateDelta {
  candidateId: string;
  /** people in cells the candidate brings to ≥ good that no other site covers (its marginal contribution) */
  peopleNewlyCovered: number;
  cellsNewlyCovered: number;
  /** people in cells that were weak (< weak) without it and are no longer weak with it */
  weakPeopleRelieved: number;
  /** cells where it is the best server */
  cellsServed: number;
  /** cells it covers (≥ good) that another site already covers */
  cellsAlreadyCovered: number;
  /** cells it covers where the best other server is within `overlapDb` of it (handover / interference zone) */
  overlapCells: number;
  /** share (0–100) of the cells it covers that were already covered */
  overlapPct: number;
  overlapDb: number;
  /** nearest existing (non-candidate) site */
  nearestSiteId: string | null;
  nearestSiteM: number;
  /** change of covered people over the whole area caused by the last edit (move: relative to the old position) */
  coveredPeopleChange: number;
}

/**
 * Delta report for a placed candidate. `update` (the return of upsert/remove) gives the edit's net change
 * of covered people; the marginal figures compare with the scenario without the candidate.
 */
export function candidateDelta(
  engine: CoverageEngine,
  candidateId: string,
  people: Float32Array,
  thresholds: Thresholds,
  update?: CandidateUpdate,
  overlapDb = 6,
): CandidateDelta {
  const slot = engine.slotOfCandidate(candidateId);
  if (slot === undefined) throw new Error(`candidate delta: no placed candidate ${candidateId}`);
  const site = engine.siteAt(slot)!;
  const g = engine.getGrid();
  const probe = engine.probeSite(site);
  let newlyP = 0,
    newlyC = 0,
    weakRel = 0,
    served = 0,
    already = 0,
    overlap = 0,
    covers = 0;
  for (let k = 0; k < probe.cells.length; k++) {
    const c = probe.cells[k],
      r = probe.rsrp[k];
    const other = g.bestIdx[c] === slot ? g.second[c] : g.bestIdx[c] >= 0 ? g.best[c] : NO_SIGNAL;
    if (g.bestIdx[c] === slot) served++;
    if (other < thresholds.weakDbm && r >= thresholds.weakDbm) weakRel += people[c];
    if (r < thresholds.goodDbm) continue;
    covers++;
    if (other >= thresholds.goodDbm) {
      already++;
      if (Math.abs(other - r) <= overlapDb) overlap++;
    } else {
      newlyC++;
      newlyP += people[c];
    }
  }
  const near = engine.nearestBaseSite(site.lon, site.lat);
  return {
    candidateId,
    peopleNewlyCovered: newlyP,
    cellsNewlyCovered: newlyC,
    weakPeopleRelieved: weakRel,
    cellsServed: served,
    cellsAlreadyCovered: already,
    overlapCells: overlap,
    overlapPct: covers ? (100 * already) / covers : 0,
    overlapDb,
    nearestSiteId: near?.id ?? null,
    nearestSiteM: near?.distanceM ?? Infinity,
    coveredPeopleChange: update ? coveredChange(update, g.best, people, thresholds) : newlyP,
  };
}

/** Net change of covered people over the cells an update touched. */
export function coveredChange(
  update: CandidateUpdate,
  best: Float32Array,
  people: Float32Array,
  t: Thresholds,
): number {
  let d = 0;
  for (let k = 0; k < update.cells.length; k++) {
    const c = update.cells[k];
    const before = update.prevBest[k] >= t.goodDbm ? 1 : 0;
    const after = best[c] >= t.goodDbm ? 1 : 0;
    d += (after - before) * people[c];
  }
  return d;
}
