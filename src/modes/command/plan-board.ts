/**
 * The plan's KPI board: the ten indicators with 2022 baseline, 2023/2024/2025 targets and the provincial 2025
 * target, a progress bar from baseline (left) to the 2025 target (right) with the milestones as ticks, and — where
 * the layers measure the indicator (5G sites per 10,000 people) — the measured value beside the plan's, labelled.
 * Below it, the district ranking of 5G site density against the target of 35.
 */
import { POPULATION_SOURCE, type TrajectoryPoint } from "../../protocol/population";
import { clear, h } from "../../ui/dom";
import { t, uiLang } from "../../ui/i18n";
import { planProgress, type DistrictDensity, type SitesDensity } from "./kpi";
import { PLAN_INDICATORS, PLAN_SOURCE, type PlanIndicator } from "./plan-indicators";

const fmt = (v: number | null) =>
  v === null
    ? "—"
    : Number.isInteger(v)
      ? v.toLocaleString("en-US")
      : v.toLocaleString("en-US", { maximumFractionDigits: 2 });
const pct = (f: number) => `${Math.max(0, Math.min(100, f * 100)).toFixed(1)}%`;

/** measured values by indicator id (only what the live layers can measure) */
export type Measured = Partial<Record<string, number>>;

function progressBar(ind: PlanIndicator, measured: number | undefined): HTMLElement {
  const p = planProgress(ind, measured ?? null);
  const bar = h("div", { class: "plan-bar" });
  for (const m of p.milestones.slice(0, 2))
    bar.append(h("span", { class: "tick", style: `left:${pct(m.frac)}`, title: `${m.year}: ${m.value}` }));
  if (p.provinceFrac !== null && p.provinceFrac >= 0 && p.provinceFrac <= 1.2)
    bar.append(
      h("span", {
        class: "tick prov",
        style: `left:${pct(Math.min(1, p.provinceFrac))}`,
        title: `${t("cmd.province")}: ${ind.province_target_2025}`,
      }),
    );
  if (p.measuredFrac !== null) bar.append(h("span", { class: "fill", style: `width:${pct(p.measuredFrac)}` }));
  else bar.append(h("span", { class: "fill plan", style: `width:${pct(p.milestones[1].frac)}` }));
  return bar;
}

/** what the plan board shows beside the plan: measured values, the measured 5G density, its trajectory */
export interface PlanMeasurements {
  measured: Measured;
  density: SitesDensity | null;
  label?: string;
  trajectory?: TrajectoryPoint[];
}

export function mountPlanBoard(
  host: HTMLElement,
  getMeasured: () => PlanMeasurements,
): { update(): void; destroy(): void } {
  return new PlanBoard(host, getMeasured);
}

/**
 * Two panels: the plan's indicators and the district density ranking. Lifecycle: the constructor builds and
 * renders them and follows the language; `update` re-renders from `getMeasured`; `destroy` unsubscribes and
 * removes both panels.
 */
class PlanBoard {
  private readonly title = h("h2", { class: "cmd-title" });
  private readonly table = h("div", { class: "plan-table", "data-testid": "plan-table" });
  private readonly source = h("p", { class: "plan-source", "data-testid": "plan-source" });
  private readonly panel = h(
    "section",
    { class: "cmd-panel plan-board", "data-testid": "plan-board" },
    this.title,
    this.table,
    this.source,
  );
  private readonly dTitle = h("h2", { class: "cmd-title" });
  private readonly dHead = h("div", { class: "density-head" });
  private readonly dTrend = h("div", { class: "density-trend", "data-testid": "density-trajectory" });
  private readonly dList = h("ol", { class: "density-list", "data-testid": "density-list" });
  private readonly dNote = h("p", { class: "plan-source" });
  private readonly dPanel = h(
    "section",
    { class: "cmd-panel density", "data-testid": "density-board" },
    this.dTitle,
    this.dHead,
    this.dTrend,
    this.dList,
    this.dNote,
  );
  private readonly unLang: () => void;

  constructor(
    host: HTMLElement,
    private readonly getMeasured: () => PlanMeasurements,
  ) {
    host.append(this.panel, this.dPanel);
    this.update();
    this.unLang = uiLang.subscribe(this.update);
  }

  readonly update = (): void => {
    const m = this.getMeasured();
    this.renderPlan(m);
    this.renderDensity(m);
  };

  readonly destroy = (): void => {
    this.unLang();
    this.panel.remove();
    this.dPanel.remove();
  };

  private renderPlan({ measured, label }: PlanMeasurements): void {
    const { table } = this;
    this.title.textContent = t("cmd.planBoard");
    clear(table);
    table.append(
      h(
        "div",
        { class: "plan-row head" },
        h("span", { class: "pname" }, t("cmd.indicator")),
        h("span", { class: "num" }, t("cmd.baseline")),
        h("span", { class: "num" }, "2023"),
        h("span", { class: "num" }, "2024"),
        h("span", { class: "num" }, "2025"),
        h("span", { class: "num" }, t("cmd.province")),
        h("span", { class: "pbar" }, t("cmd.progress")),
      ),
    );
    for (const ind of PLAN_INDICATORS) {
      const m = measured[ind.id];
      table.append(indicatorRow(ind, m));
      if (m !== undefined) table.append(measuredRow(ind, m, label));
    }
    this.source.textContent = `${t("cmd.planOnly")} · ${t("cmd.source")}: ${PLAN_SOURCE.split(",")[0]}`;
    this.source.title = PLAN_SOURCE;
  }

  private renderDensity({ density, label, trajectory }: PlanMeasurements): void {
    const lang = uiLang.getState().lang;
    this.dTitle.textContent = t("cmd.density");
    clear(this.dHead);
    clear(this.dList);
    clear(this.dTrend);
    this.dNote.textContent = `${POPULATION_SOURCE[lang]} · ${t("cmd.popNote")}`;
    if (trajectory) renderTrajectory(this.dTrend, trajectory);
    if (!density) return;
    this.dHead.append(
      h("span", { class: "tag measured" }, `${t("cmd.cityWide")} · ${label ?? t("cmd.measured")}`),
      h(
        "b",
        { class: "flop big", "data-testid": "density-city", "data-value": density.per10k.toFixed(2) },
        density.per10k.toFixed(1),
      ),
      h("span", { class: "tag plan" }, `${t("cmd.plan")} 2025`),
      h("b", { class: "flop plan" }, String(density.target)),
    );
    const max = Math.max(density.target * 1.2, ...density.districts.map((d) => d.per10k));
    for (const d of density.districts) this.dList.append(densityRow(d, density.target, max));
  }
}

/** an indicator's row: name and unit, baseline, milestones, provincial target, progress bar */
function indicatorRow(ind: PlanIndicator, m: number | undefined): HTMLElement {
  const lang = uiLang.getState().lang;
  return h(
    "div",
    { class: `plan-row${m !== undefined ? " measured" : ""}`, "data-indicator": ind.id },
    h(
      "span",
      { class: "pname" },
      lang === "zh" ? ind.name_zh : ind.name_en,
      h("small", { class: "unit" }, ` (${ind.unit})`),
    ),
    h("span", { class: "num" }, fmt(ind.baseline_2022)),
    h("span", { class: "num" }, fmt(ind.target_2023)),
    h("span", { class: "num" }, fmt(ind.target_2024)),
    h("span", { class: "num strong" }, fmt(ind.target_2025)),
    h("span", { class: "num" }, fmt(ind.province_target_2025)),
    h("span", { class: "pbar" }, progressBar(ind, m)),
  );
}

/** the measured value of an indicator beside the plan's 2025 target */
function measuredRow(ind: PlanIndicator, m: number, label: string | undefined): HTMLElement {
  return h(
    "div",
    { class: "plan-measured", "data-testid": `measured-${ind.id}` },
    h("span", { class: "tag measured" }, label ?? t("cmd.measured")),
    h("b", { class: "flop", "data-value": m.toFixed(2) }, m.toFixed(1)),
    h("span", { class: "tag plan" }, `${t("cmd.plan")} 2025`),
    h("b", { class: "flop plan" }, fmt(ind.target_2025)),
    h("span", { class: "pct" }, `${t("cmd.progress")} ${(planProgress(ind, m).measuredFrac! * 100).toFixed(0)}%`),
  );
}

/** a district in the density ranking: rank, name, bar against the target, value, site count */
function densityRow(d: DistrictDensity, target: number, max: number): HTMLElement {
  const lang = uiLang.getState().lang;
  return h(
    "li",
    {
      class: `density-row${d.meetsTarget ? " ok" : " below"}`,
      "data-district": d.name,
      "data-rank": d.rank,
      "data-value": d.per10k.toFixed(2),
    },
    h("span", { class: "rank" }, String(d.rank)),
    h("span", { class: "dname" }, lang === "zh" ? d.name : d.nameEn),
    h(
      "span",
      { class: "dbar" },
      h("span", { class: "fill", style: `width:${((d.per10k / max) * 100).toFixed(1)}%` }),
      h("span", { class: "target", style: `left:${((target / max) * 100).toFixed(1)}%` }),
    ),
    h("span", { class: "num" }, d.per10k.toFixed(1)),
    h("span", { class: "num muted" }, d.sites.toLocaleString("en-US")),
  );
}

/** the plan's milestones each year-end, beside the value measured from the sites' commissioning dates */
const PLAN_5G_PER_10K: Readonly<Record<number, number>> = { 2022: 18.6, 2023: 28, 2024: 32, 2025: 35 };

function renderTrajectory(host: HTMLElement, points: readonly TrajectoryPoint[]): void {
  host.append(h("span", { class: "tag" }, t("cmd.trajectory")));
  for (const p of points)
    host.append(
      h(
        "span",
        { class: "trend-cell", "data-year": p.year, "data-value": p.per10k.toFixed(2) },
        h("small", {}, `${p.year}`),
        h("b", { class: "flop" }, p.per10k.toFixed(1)),
        h("small", { class: "muted" }, ` / ${t("cmd.plan")} ${PLAN_5G_PER_10K[p.year] ?? "—"}`),
      ),
    );
  host.append(
    h(
      "span",
      { class: "trend-cell", "data-year": 2025 },
      h("small", {}, "2025"),
      h("b", { class: "flop plan" }, String(PLAN_5G_PER_10K[2025])),
    ),
  );
}
