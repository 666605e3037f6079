/** The saved scenarios: one row each (A/B pick for comparison, load, delete) and the compare button. */
import type { ScenarioSummary } from "../../../protocol/scenario";
import { h, clear } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import type { SectionContext } from "./section";

export class ScenarioList {
  readonly el = h("div", { class: "pl-scenarios", "data-testid": "planner-scenarios" });
  /** ids picked as A and B ("" = default: the first two scenarios) */
  private pick = { A: "", B: "" };

  constructor(private readonly ctx: SectionContext) {}

  update(s: PlannerState, p: PlannerState | null): void {
    if (p && p.scenarios === s.scenarios && p.current === s.current) return;
    clear(this.el);
    if (!s.scenarios.length) this.el.append(h("div", { class: "pl-note" }, t("pl.noScenarios")));
    const ids = new Set(s.scenarios.map((x) => String(x.id)));
    if (!ids.has(this.pick.A)) this.pick.A = "";
    if (!ids.has(this.pick.B)) this.pick.B = "";
    for (const sc of s.scenarios) this.el.append(this.row(sc, s.current?.id === sc.id));
    if (s.scenarios.length >= 2) this.el.append(this.compareButton(s.scenarios));
  }

  private radio(sc: ScenarioSummary, g: "A" | "B"): HTMLElement {
    return h(
      "label",
      { class: "pl-ab" },
      h("input", {
        type: "radio",
        name: `pl-ab-${g}`,
        title: g,
        checked: this.pick[g] === String(sc.id),
        onchange: () => (this.pick[g] = String(sc.id)),
      }),
      g,
    );
  }

  private row(sc: ScenarioSummary, current: boolean): HTMLElement {
    const { ctl, hooks } = this.ctx;
    return h(
      "div",
      {
        class: `pl-scn${current ? " current" : ""}`,
        "data-testid": "planner-scenario",
        "data-id": String(sc.id),
        "data-name": sc.name,
      },
      this.radio(sc, "A"),
      this.radio(sc, "B"),
      h("span", { class: "pl-scn-name", title: sc.updatedAt }, sc.name),
      h("span", { class: "pl-muted" }, `${sc.candidateCount} · ${(sc.kpis.coveredPct ?? NaN).toFixed(2)}%`),
      h(
        "button",
        { class: "pl-btn small", "data-testid": "planner-load", onclick: () => this.ctx.act(ctl.load(sc.id)) },
        t("pl.load"),
      ),
      h(
        "button",
        {
          class: "pl-btn small danger",
          "data-testid": "planner-delete",
          disabled: !hooks.canWrite,
          onclick: () => this.ctx.act(ctl.deleteScenario(sc.id)),
        },
        t("pl.delete"),
      ),
    );
  }

  private compareButton(scenarios: readonly ScenarioSummary[]): HTMLElement {
    const onclick = () => {
      const ia = this.pick.A ? Number(this.pick.A) : scenarios[0].id;
      const ib = this.pick.B ? Number(this.pick.B) : scenarios[1].id;
      this.ctx.act(this.ctx.ctl.compare(ia, ib));
    };
    return h("button", { class: "pl-btn", "data-testid": "planner-compare-btn", onclick }, t("pl.compare"));
  }

  destroy(): void {
    this.el.remove();
  }
}
