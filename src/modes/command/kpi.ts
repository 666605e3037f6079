/**
 * Pure KPI arithmetic for the command wall — no DOM, no Cesium, no store: inputs are plain arrays so every
 * figure can be checked by hand in kpi.test.ts.
 *
 *  - sitesPer10k: 5G sites per 10,000 people city-wide and per district (ranked, against the plan's 35)
 *  - planProgress: where the plan's milestones (and a measured value, if any) sit between the 2022 baseline and
 *    the 2025 target
 *  - liveKpis: infrastructure KPIs from the live status / metric arrays (status 4 = unknown is left out)
 */
import type { PlanIndicator } from "./plan-indicators";
import { STATUS } from "../../protocol/live";

export interface DistrictPopulation {
  name: string;
  nameEn?: string;
  population: number;
}

export interface DistrictDensity {
  name: string;
  nameEn: string;
  sites: number;
  population: number;
  per10k: number;
  meetsTarget: boolean;
  /** 1 = most sites per person */
  rank: number;
}

export interface SitesDensity {
  sites: number;
  population: number;
  per10k: number;
  target: number;
  meetsTarget: boolean;
  /** ranked, most sites per 10,000 people first */
  districts: DistrictDensity[];
  /** sites whose district is not in the population table (counted city-wide only) */
  unassigned: number;
}

/**
 * 5G sites per 10,000 people. `siteDistricts` is each site's district name (the sites layer's `district`
 * field); `districts` the population table. Throws on a non-positive population or a repeated district.
 */
export function sitesPer10k(
  siteDistricts: Iterable<string>,
  districts: readonly DistrictPopulation[],
  target = 35,
): SitesDensity {
  const count = new Map<string, number>();
  for (const d of districts) {
    if (count.has(d.name)) throw new Error(`districts: "${d.name}" appears twice`);
    if (!Number.isFinite(d.population) || d.population <= 0)
      throw new Error(`districts: "${d.name}".population must be a positive number, got ${d.population}`);
    count.set(d.name, 0);
  }
  let sites = 0;
  let unassigned = 0;
  for (const name of siteDistricts) {
    sites++;
    const c = count.get(name);
    if (c === undefined) unassigned++;
    else count.set(name, c + 1);
  }
  const population = districts.reduce((a, d) => a + d.population, 0);
  const per = (n: number, p: number) => (p > 0 ? (n / p) * 10000 : 0);
  const rows = districts
    .map((d) => {
      const n = count.get(d.name)!;
      const v = per(n, d.population);
      return {
        name: d.name,
        nameEn: d.nameEn ?? d.name,
        sites: n,
        population: d.population,
        per10k: v,
        meetsTarget: v >= target,
        rank: 0,
      };
    })
    .sort((a, b) => b.per10k - a.per10k || (a.name < b.name ? -1 : 1));
  rows.forEach((r, i) => (r.rank = i + 1));
  const city = per(sites, population);
  return { sites, population, per10k: city, target, meetsTarget: city >= target, districts: rows, unassigned };
}

export interface PlanProgress {
  /** fraction of the way from the 2022 baseline to the 2025 target that each plan milestone represents */
  milestones: { year: 2023 | 2024 | 2025; value: number; frac: number }[];
  /** the province's 2025 target on the same scale (may be > 1 or < 1), null if none */
  provinceFrac: number | null;
  /** the measured value on the same scale, null if not measured */
  measuredFrac: number | null;
}

/** Progress toward 2025 on the baseline (0) .. 2025 target (1) scale. */
export function planProgress(ind: PlanIndicator, measured: number | null = null): PlanProgress {
  const span = ind.target_2025 - ind.baseline_2022;
  if (!(span > 0))
    throw new Error(
      `plan indicator ${ind.id}: target_2025 (${ind.target_2025}) must exceed baseline_2022 (${ind.baseline_2022})`,
    );
  const frac = (v: number) => (v - ind.baseline_2022) / span;
  return {
    milestones: [
      { year: 2023, value: ind.target_2023, frac: frac(ind.target_2023) },
      { year: 2024, value: ind.target_2024, frac: frac(ind.target_2024) },
      { year: 2025, value: ind.target_2025, frac: 1 },
    ],
    provinceFrac: ind.province_target_2025 === null ? null : frac(ind.province_target_2025),
    measuredFrac: measured === null ? null : frac(measured),
  };
}

// ----------------------------------------------------------------------------------------------- live KPIs
type Num = ArrayLike<number>;

export interface LiveKpiInput {
  sites?: { status: Num } | null;
  datacentres?: {
    items: readonly { racks: number; pflops: number | null; kind: string }[];
    status: Num;
    itMw: Num;
    facilityMw: Num;
    pue: Num;
  } | null;
  chargers?: { items: readonly { kind: string; connectors: number }[]; status: Num; charging: Num } | null;
  sensors?: { status: Num; congestion: Num } | null;
}

export interface LiveKpis {
  /** sites with status 0/1 among those with a known status (0..3); null before any data */
  siteAvailability: number | null;
  sitesKnown: number;
  sitesUp: number;
  /** racks of data centres that are not offline (status 0..2) */
  racksInService: number;
  racksTotal: number;
  /** energy-weighted PUE: sum facility MW / sum IT MW */
  pueAvg: number | null;
  pueWorst: number | null;
  pueWorstIndex: number;
  /** PFLOPS of ai-computing centres that are not offline */
  aiPflops: number;
  superInService: number;
  superTotal: number;
  /** connectors charging / connectors, over stations with a known status */
  chargerUtil: number | null;
  /** mean congestion level (0 free .. 4 jammed) of sensors reporting normally (status 0/1) */
  congestion: number | null;
  sensorsReporting: number;
}

export function liveKpis(inp: LiveKpiInput): LiveKpis {
  const k: LiveKpis = {
    siteAvailability: null,
    sitesKnown: 0,
    sitesUp: 0,
    racksInService: 0,
    racksTotal: 0,
    pueAvg: null,
    pueWorst: null,
    pueWorstIndex: -1,
    aiPflops: 0,
    superInService: 0,
    superTotal: 0,
    chargerUtil: null,
    congestion: null,
    sensorsReporting: 0,
  };
  if (inp.sites) {
    const st = inp.sites.status;
    for (let i = 0; i < st.length; i++) {
      const s = st[i];
      if (s === STATUS.unknown) continue;
      k.sitesKnown++;
      if (s <= 1) k.sitesUp++;
    }
    k.siteAvailability = k.sitesKnown ? k.sitesUp / k.sitesKnown : null;
  }
  if (inp.datacentres) {
    const d = inp.datacentres;
    let it = 0;
    let fac = 0;
    d.items.forEach((dc, i) => {
      k.racksTotal += dc.racks;
      const s = d.status[i];
      if (s === STATUS.unknown || s === STATUS.offline) return;
      k.racksInService += dc.racks;
      if (dc.kind === "ai-computing") k.aiPflops += dc.pflops ?? 0;
      if (d.itMw[i] > 0) {
        it += d.itMw[i];
        fac += d.facilityMw[i];
      }
      if (k.pueWorst === null || d.pue[i] > k.pueWorst) {
        k.pueWorst = d.pue[i];
        k.pueWorstIndex = i;
      }
    });
    k.pueAvg = it > 0 ? fac / it : null;
  }
  if (inp.chargers) {
    const c = inp.chargers;
    let conn = 0;
    let charging = 0;
    c.items.forEach((st, i) => {
      if (st.kind === "super") k.superTotal++;
      const s = c.status[i];
      if (s === STATUS.unknown) return;
      if (st.kind === "super" && s <= 1) k.superInService++;
      conn += st.connectors;
      charging += c.charging[i];
    });
    k.chargerUtil = conn > 0 ? charging / conn : null;
  }
  if (inp.sensors) {
    const { status, congestion } = inp.sensors;
    let sum = 0;
    for (let i = 0; i < status.length; i++) {
      if (status[i] > 1) continue;
      sum += congestion[i];
      k.sensorsReporting++;
    }
    k.congestion = k.sensorsReporting ? sum / k.sensorsReporting : null;
  }
  return k;
}
