/** Panel title and the worker status (loading, computing, grid size and last compute time). */
import { h } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import type { PanelSection } from "./section";

export class HeaderSection implements PanelSection {
  readonly el: HTMLElement;
  private readonly status = h("span", { class: "pl-status", "data-testid": "planner-status" });

  constructor() {
    this.el = h("div", { class: "pl-head" }, h("h2", { class: "panel-title" }, t("pl.title")), this.status);
  }

  update(s: PlannerState): void {
    const busy = !s.ready || s.busy > 0;
    this.status.dataset.busy = String(busy);
    this.status.textContent = !s.ready
      ? t("pl.loading")
      : s.busy > 0
        ? t("pl.computing")
        : s.snap
          ? `${s.snap.grid.nx}×${s.snap.grid.ny} · ${s.snap.grid.cellSizeM} m · ${Math.round(s.workerMs)} ms`
          : "";
  }

  destroy(): void {
    this.el.remove();
  }
}
