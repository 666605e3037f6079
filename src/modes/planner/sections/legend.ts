/** The heat-map legend (one swatch per signal class) and the heat-map visibility toggle. */
import { h, clear } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import type { PanelSection, SectionContext } from "./section";

export class LegendSection implements PanelSection {
  readonly el: HTMLElement;
  private readonly list = h("div", { class: "pl-legend", "data-testid": "planner-legend" });

  constructor(ctx: SectionContext) {
    const heat = h("input", {
      type: "checkbox",
      checked: true,
      onchange: (e: Event) => ctx.hooks.setHeatVisible((e.target as HTMLInputElement).checked),
    });
    this.el = h(
      "section",
      { class: "pl-sec" },
      h(
        "div",
        { class: "panel-head" },
        h("h3", { class: "panel-subtitle" }, t("pl.legend")),
        h("label", { class: "pl-check" }, heat, t("pl.heat")),
      ),
      this.list,
    );
  }

  update(s: PlannerState, p: PlannerState | null): void {
    if (p && p.snap?.legend === s.snap?.legend) return;
    clear(this.list);
    for (const st of s.snap?.legend ?? [])
      this.list.append(
        h(
          "div",
          { class: "pl-legend-row" },
          h("span", { class: "pl-swatch", style: `background:${st.color};opacity:${(st.alpha / 255).toFixed(2)}` }),
          st.label,
        ),
      );
  }

  destroy(): void {
    this.el.remove();
  }
}
