/** The line-level report of the last scenario import: accepted count and up to 200 rejected lines. */
import type { ImportError } from "../../../planner/io/common";
import { h, clear } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import type { SectionContext } from "./section";

const MAX_ROWS = 200;

function errorTable(errors: readonly ImportError[]): HTMLElement {
  const head = [t("pl.line"), t("pl.field"), t("pl.reason")];
  return h(
    "table",
    { class: "pl-table errors" },
    h("thead", {}, h("tr", {}, ...head.map((x) => h("th", {}, x)))),
    h(
      "tbody",
      {},
      ...errors
        .slice(0, MAX_ROWS)
        .map((e) =>
          h(
            "tr",
            { "data-testid": "planner-import-error" },
            h("td", {}, String(e.line)),
            h("td", {}, e.field),
            h("td", {}, e.reason),
          ),
        ),
    ),
  );
}

export class ImportReportView {
  readonly el = h("div", { class: "pl-import-report", "data-testid": "planner-import-report" });

  constructor(private readonly ctx: SectionContext) {}

  update(s: PlannerState, p: PlannerState | null): void {
    if (p && p.importReport === s.importReport) return;
    clear(this.el);
    const r = s.importReport;
    if (!r) return;
    this.el.dataset.errors = String(r.errors.length);
    const rejected = r.errors.length ? ` · ${t("pl.rejected")} ${r.errors.length}` : "";
    this.el.append(
      h(
        "div",
        { class: "panel-head" },
        h("b", {}, `${r.file}: ${t("pl.imported")} ${r.accepted}${rejected}`),
        h("button", { class: "pl-btn small", onclick: () => this.ctx.ctl.dismissImport() }, "×"),
      ),
    );
    if (r.errors.length) this.el.append(errorTable(r.errors));
    this.el.scrollIntoView({ block: "nearest" });
  }

  destroy(): void {
    this.el.remove();
  }
}
