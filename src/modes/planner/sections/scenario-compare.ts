/** The A/B comparison of two saved scenarios: one row per KPI (area, then per district when few), B−A. */
import type { KpiComparisonRow } from "../../../planner/scenario-kpis";
import { h, clear } from "../../../ui/dom";
import { t, uiLang } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import { fmtInt, fmtSigned } from "../forms";
import type { SectionContext } from "./section";

/** Whole numbers (and large values) are shown without decimals. */
const whole = (v: number) => Number.isInteger(Math.round(v * 1000) / 1000) || Math.abs(v) >= 100;
const fmtValue = (v: number | null, unit: string) =>
  v === null ? "—" : unit !== "%" && whole(v) ? fmtInt(v) : v.toFixed(2);

function comparisonRow(r: KpiComparisonRow, zh: boolean): HTMLElement {
  const label = `${r.district ? `${r.district} · ` : ""}${zh ? r.labelZh : r.label}${r.unit ? ` (${r.unit})` : ""}`;
  return h(
    "tr",
    { class: r.better === "b" ? "better-b" : r.better === "a" ? "better-a" : "" },
    h("td", {}, label),
    h("td", {}, fmtValue(r.a, r.unit)),
    h("td", {}, fmtValue(r.b, r.unit)),
    h("td", {}, r.delta === null ? "—" : fmtSigned(r.delta, r.unit !== "%" && whole(r.delta) ? 0 : 2)),
  );
}

export class ScenarioCompare {
  readonly el = h("div", { class: "pl-compare", "data-testid": "planner-compare" });

  constructor(private readonly ctx: SectionContext) {}

  update(s: PlannerState, p: PlannerState | null): void {
    if (p && p.compare === s.compare) return;
    clear(this.el);
    const c = s.compare;
    if (!c) return;
    const zh = uiLang.getState().lang === "zh";
    const rows = c.rows.filter((r) => r.district === null || c.rows.length <= 24);
    const head = [t("pl.kpi"), "A", "B", "B−A"];
    this.el.append(
      h(
        "div",
        { class: "panel-head" },
        h("b", {}, `A: ${c.a}  ·  B: ${c.b}`),
        h("button", { class: "pl-btn small", onclick: () => this.ctx.ctl.closeCompare() }, "×"),
      ),
      h(
        "table",
        { class: "pl-table" },
        h("thead", {}, h("tr", {}, ...head.map((x) => h("th", {}, x)))),
        h("tbody", {}, ...rows.map((r) => comparisonRow(r, zh))),
      ),
    );
    this.el.scrollIntoView({ block: "nearest" });
  }

  destroy(): void {
    this.el.remove();
  }
}
