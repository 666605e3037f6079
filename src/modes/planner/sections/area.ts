/** The analysis area: a district picker, or drawing a polygon on the globe (finish / cancel). */
import { DISTRICTS, type DistrictName } from "../../../protocol/data";
import { h } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import type { PanelSection, SectionContext } from "./section";

const POLYGON = "__polygon";

export class AreaSection implements PanelSection {
  readonly el: HTMLElement;
  private readonly sel: HTMLSelectElement;
  private readonly drawBtn: HTMLButtonElement;
  private readonly finishBtn: HTMLButtonElement;
  private readonly drawRow: HTMLElement;
  private readonly hint: HTMLElement;

  constructor(private readonly ctx: SectionContext) {
    const { ctl, hooks } = ctx;
    this.sel = h(
      "select",
      { class: "pl-input", "data-testid": "planner-district", "aria-label": t("pl.area"), onchange: this.onPick },
      h("option", { value: "" }, t("pl.chooseDistrict")),
      ...DISTRICTS.map((d) => h("option", { value: d }, d)),
      h("option", { value: POLYGON, disabled: true }, t("pl.polygon")),
    );
    this.drawBtn = h(
      "button",
      { class: "pl-btn", "data-testid": "planner-draw", onclick: () => ctl.startDrawing() },
      t("pl.draw"),
    );
    this.finishBtn = h(
      "button",
      { class: "pl-btn primary", "data-testid": "planner-draw-finish", onclick: () => hooks.finishDrawing() },
      t("pl.finish"),
    );
    const cancelBtn = h("button", { class: "pl-btn", onclick: () => ctl.cancelDrawing() }, t("pl.cancel"));
    this.hint = h("div", { class: "pl-note" }, t("pl.drawHint"));
    this.drawRow = h("div", { class: "pl-row" }, this.finishBtn, cancelBtn);
    this.el = h(
      "section",
      { class: "pl-sec" },
      h("h3", { class: "panel-subtitle" }, t("pl.area")),
      h("div", { class: "pl-row" }, this.sel, this.drawBtn),
      this.drawRow,
      this.hint,
    );
  }

  private readonly onPick = (): void => {
    const v = this.sel.value;
    if (!v || v === POLYGON) return;
    this.ctx.act(this.ctx.ctl.setArea({ kind: "district", name: v as DistrictName }));
  };

  update(s: PlannerState): void {
    const drawing = s.drawing !== null;
    this.drawRow.hidden = !drawing;
    this.hint.hidden = !drawing;
    this.drawBtn.disabled = drawing || !s.ready;
    this.sel.disabled = !s.ready;
    this.finishBtn.textContent = `${t("pl.finish")} (${s.drawing?.length ?? 0})`;
    const v = s.area?.kind === "district" ? s.area.name : s.area ? POLYGON : "";
    if (this.sel.value !== v) this.sel.value = v;
  }

  destroy(): void {
    this.el.remove();
  }
}
