/**
 * The plan's KPI board: the ten indicators with 2022 baseline, 2023/2024/2025 targets and the provincial 2025
 * target, a progress bar from baseline (left) to the 2025 target (right) with the milestones as ticks, and — where
 * the layers measure the indicator (5G sites per 10,000 people) — the measured value beside the plan's, labelled.
 * Below it, the district ranking of 5G site density against the target of 35.
 */
import { POPULATION_SOURCE, type TrajectoryPoint } from "../../protocol/population";
import { clear, h } from "../../ui/dom";
import { t, uiLang } from "../../ui/i18n";
import { planProgress, type SitesDensity } from "./kpi";
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

export function mountPlanBoard(
  host: HTMLElement,
  getMeasured: () => {
    measured: Measured;
    density: SitesDensity | null;
    label?: string;
    trajectory?: TrajectoryPoint[];
  },
): { update(): void; destroy(): void } {
  const title = h("h2", { class: "cmd-title" });
  const table = h("div", { class: "plan-table", "data-testid": "plan-table" });
  const source = h("p", { class: "plan-source", "data-testid": "plan-source" });
  const panel = h("section", { class: "cmd-panel plan-board", "data-testid": "plan-board" }, title, table, source);

  const dTitle = h("h2", { class: "cmd-title" });
  const dHead = h("div", { class: "density-head" });
  const dTrend = h("div", { class: "density-trend", "data-testid": "density-trajectory" });
  const dList = h("ol", { class: "density-list", "data-testid": "density-list" });
  const dNote = h("p", { class: "plan-source" });
  const dPanel = h(
    "section",
    { class: "cmd-panel density", "data-testid": "density-board" },
    dTitle,
    dHead,
    dTrend,
    dList,
    dNote,
  );
  host.append(panel, dPanel);

  const render = () => {
    const lang = uiLang.getState().lang;
    const { measured, density, label, trajectory } = getMeasured();
    title.textContent = t("cmd.planBoard");
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
      const row = h(
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
      table.append(row);
      if (m !== undefined) {
        table.append(
          h(
            "div",
            { class: "plan-measured", "data-testid": `measured-${ind.id}` },
            h("span", { class: "tag measured" }, label ?? t("cmd.measured")),
            h("b", { class: "flop", "data-value": m.toFixed(2) }, m.toFixed(1)),
            h("span", { class: "tag plan" }, `${t("cmd.plan")} 2025`),
            h("b", { class: "flop plan" }, fmt(ind.target_2025)),
            h(
              "span",
              { class: "pct" },
              `${t("cmd.progress")} ${(planProgress(ind, m).measuredFrac! * 100).toFixed(0)}%`,
            ),
          ),
        );
      }
    }
    source.textContent = `${t("cmd.planOnly")} · ${t("cmd.source")}: ${PLAN_SOURCE.split(",")[0]}`;
    source.title = PLAN_SOURCE;

    dTitle.textContent = t("cmd.density");
    clear(dHead);
    clear(dList);
    clear(dTrend);
    dNote.textContent = `${POPULATION_SOURCE[lang]} · ${t("cmd.popNote")}`;
    if (trajectory) renderTrajectory(dTrend, trajectory);
    if (!density) return;
    dHead.append(
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
    for (const d of density.districts) {
      dList.append(
        h(
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
            h("span", { class: "target", style: `left:${((density.target / max) * 100).toFixed(1)}%` }),
          ),
          h("span", { class: "num" }, d.per10k.toFixed(1)),
          h("span", { class: "num muted" }, d.sites.toLocaleString("en-US")),
        ),
      );
    }
  };
  render();
  const un = uiLang.subscribe(render);
  return {
    update: render,
    destroy() {
      un();
      panel.remove();
      dPanel.remove();
    },
  };
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
