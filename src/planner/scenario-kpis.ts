/**
 * Scenario KPIs: flatten the planner's KPIs into the scenario's `kpis` record (what is saved), and compare two
 * scenarios for the A-vs-B table.
 */
import { DISTRICTS } from "../protocol/data";
import type { ScenarioKpis } from "../protocol/scenario";
import type { CoverageKpis } from "./demand";
import type { PlannerKpis } from "./session";

/** Saved KPI fields, their label, unit and which direction is better. */
export const KPI_FIELDS: readonly {
  key: keyof CoverageKpis;
  label: string;
  labelZh: string;
  unit: string;
  better: "higher" | "lower" | "none";
}[] = [
  { key: "coveredPct", label: "Population covered", labelZh: "覆盖人口占比", unit: "%", better: "higher" },
  { key: "coveredPeople", label: "People covered", labelZh: "覆盖人口", unit: "", better: "higher" },
  { key: "weakPeople", label: "Weak-coverage people", labelZh: "弱覆盖人口", unit: "", better: "lower" },
  { key: "weakPct", label: "Weak-coverage share", labelZh: "弱覆盖占比", unit: "%", better: "lower" },
  { key: "sitesPer10k", label: "Sites per 10,000 people", labelZh: "每万人5G基站数", unit: "", better: "higher" },
  { key: "sitesShort", label: "Sites short of 35/10k", labelZh: "距35个/万人缺口", unit: "", better: "lower" },
  { key: "sites", label: "Sites", labelZh: "基站数", unit: "", better: "none" },
  { key: "people", label: "People in area", labelZh: "区域人口", unit: "", better: "none" },
];

/** `{coveredPct: …, …, "鼓楼区.coveredPct": …}` — area KPIs bare, per-district ones prefixed by the district. */
export function flattenKpis(k: PlannerKpis): ScenarioKpis {
  const out: ScenarioKpis = {};
  for (const f of KPI_FIELDS) out[f.key] = round(k.area[f.key]);
  for (const d of DISTRICTS) {
    const dk = k.districts[d];
    if (dk) for (const f of KPI_FIELDS) out[`${d}.${f.key}`] = round(dk[f.key]);
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export interface KpiComparisonRow {
  key: string;
  /** district name for per-district rows, null for the area */
  district: string | null;
  label: string;
  labelZh: string;
  unit: string;
  a: number | null;
  b: number | null;
  /** b − a */
  delta: number | null;
  better: "a" | "b" | "same" | null;
}

/** Rows for the A-vs-B table: area KPIs first, then per district (districts present in either scenario). */
export function compareScenarioKpis(a: ScenarioKpis, b: ScenarioKpis): KpiComparisonRow[] {
  const rows: KpiComparisonRow[] = [];
  const prefixes: (string | null)[] = [
    null,
    ...DISTRICTS.filter((d) =>
      Object.keys(a)
        .concat(Object.keys(b))
        .some((k) => k.startsWith(`${d}.`)),
    ),
  ];
  for (const district of prefixes)
    for (const f of KPI_FIELDS) {
      const key = district ? `${district}.${f.key}` : f.key;
      const va = a[key] ?? null,
        vb = b[key] ?? null;
      if (va === null && vb === null) continue;
      const delta = va !== null && vb !== null ? vb - va : null;
      let better: KpiComparisonRow["better"] = null;
      if (delta !== null && f.better !== "none")
        better = Math.abs(delta) < 1e-9 ? "same" : delta > 0 === (f.better === "higher") ? "b" : "a";
      rows.push({ key, district, label: f.label, labelZh: f.labelZh, unit: f.unit, a: va, b: vb, delta, better });
    }
  return rows;
}
