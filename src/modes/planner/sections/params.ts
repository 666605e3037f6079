/** Signal thresholds (good / weak dBm) and indoor penetration loss, applied together after validation. */
import { h } from "../../../ui/dom";
import { t, type StringKey } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import { parseAnalysisForm } from "../forms";
import type { PanelSection, SectionContext } from "./section";

function numberField(id: string, label: StringKey): { input: HTMLInputElement; row: HTMLElement } {
  const input = h("input", { class: "pl-input num", type: "number", step: "1", "data-testid": `planner-${id}` });
  return { input, row: h("label", { class: "pl-field" }, h("span", {}, t(label)), input) };
}

export class ParamsSection implements PanelSection {
  readonly el: HTMLElement;
  private readonly good = numberField("good", "pl.good");
  private readonly weak = numberField("weak", "pl.weak");
  private readonly pen = numberField("penetration", "pl.penetration");
  private readonly err = h("div", { class: "pl-error", "data-testid": "planner-params-error" });

  constructor(private readonly ctx: SectionContext) {
    const apply = h(
      "button",
      { class: "pl-btn primary", "data-testid": "planner-apply", onclick: this.onApply },
      t("pl.apply"),
    );
    this.el = h(
      "section",
      { class: "pl-sec" },
      h("h3", { class: "panel-subtitle" }, t("pl.params")),
      h("div", { class: "pl-grid3" }, this.good.row, this.weak.row, this.pen.row),
      h("div", { class: "pl-row" }, apply, this.err),
      h("div", { class: "pl-note" }, t("pl.indoorNote")),
    );
  }

  private readonly onApply = (): void => {
    const r = parseAnalysisForm({
      goodDbm: this.good.input.value,
      weakDbm: this.weak.input.value,
      penetrationDb: this.pen.input.value,
    });
    this.err.textContent = r.errors.map((e) => `${e.field}: ${e.reason}`).join("; ");
    if (r.value) this.ctx.act(this.ctx.ctl.setAnalysis(r.value));
  };

  update(s: PlannerState, p: PlannerState | null): void {
    if (p && p.analysis === s.analysis) return;
    this.good.input.value = String(s.analysis.goodDbm);
    this.weak.input.value = String(s.analysis.weakDbm);
    this.pen.input.value = String(s.analysis.penetrationDb);
  }

  destroy(): void {
    this.el.remove();
  }
}
