/**
 * Scenarios: save under a name, the saved list with A/B comparison, export (GeoJSON, CSV) and import with a
 * line-level report.
 */
import { h } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import { fileNameFor } from "../forms";
import { ImportReportView } from "./import-report";
import { ScenarioCompare } from "./scenario-compare";
import { ScenarioList } from "./scenario-list";
import type { PanelSection, SectionContext } from "./section";

/** How long a downloaded file's object URL stays valid. */
const REVOKE_AFTER_MS = 10_000;

export class ScenarioSection implements PanelSection {
  readonly el: HTMLElement;
  private readonly name = h("input", {
    class: "pl-input name",
    type: "text",
    placeholder: t("pl.name"),
    "data-testid": "planner-scenario-name",
  });
  private readonly file = h("input", {
    type: "file",
    accept: ".geojson,.json,.csv,application/geo+json,text/csv",
    "data-testid": "planner-import",
    class: "pl-file",
  });
  private readonly save: HTMLButtonElement;
  private readonly list: ScenarioList;
  private readonly compare: ScenarioCompare;
  private readonly report: ImportReportView;
  /** object URLs of downloads not yet revoked, with their timers */
  private readonly pendingUrls = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly ctx: SectionContext) {
    this.list = new ScenarioList(ctx);
    this.compare = new ScenarioCompare(ctx);
    this.report = new ImportReportView(ctx);
    this.save = h(
      "button",
      { class: "pl-btn primary", "data-testid": "planner-save", onclick: this.onSave },
      t("pl.save"),
    );
    this.file.addEventListener("change", this.onImport);
    const exportBtn = (kind: "geojson" | "csv", label: string) =>
      h(
        "button",
        { class: "pl-btn", "data-testid": `planner-export-${kind}`, onclick: () => this.download(kind) },
        label,
      );
    this.el = h(
      "section",
      { class: "pl-sec" },
      h("h3", { class: "panel-subtitle" }, t("pl.scenarios")),
      ctx.hooks.canWrite ? null : h("div", { class: "pl-note warn" }, t("pl.needToken")),
      h("div", { class: "pl-row" }, this.name, this.save),
      this.list.el,
      this.compare.el,
      h("div", { class: "pl-row" }, exportBtn("geojson", t("pl.exportGeo")), exportBtn("csv", t("pl.exportCsv"))),
      h("label", { class: "pl-btn pl-file-label" }, t("pl.import"), this.file),
      this.report.el,
    );
  }

  private readonly onSave = (): void => {
    const { name } = this;
    if (!name.value.trim()) return void (name.focus(), name.classList.add("bad"));
    name.classList.remove("bad");
    this.ctx.act(this.ctx.ctl.save(name.value));
  };

  private readonly onImport = (): void => {
    const f = this.file.files?.[0];
    if (!f) return;
    this.ctx.act(
      f
        .text()
        .then((txt) => this.ctx.ctl.importText(f.name, txt))
        .finally(() => (this.file.value = "")),
    );
  };

  private download(kind: "geojson" | "csv"): void {
    const { ctl } = this.ctx;
    const nm = this.name.value.trim() || ctl.state.current?.name || "scenario";
    const blob = new Blob([ctl.exportText(kind, nm)], { type: kind === "csv" ? "text/csv" : "application/geo+json" });
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: fileNameFor(nm, kind) });
    document.body.append(a);
    a.click();
    a.remove();
    const timer = setTimeout(() => this.revoke(url), REVOKE_AFTER_MS);
    this.pendingUrls.set(url, timer);
  }

  private revoke(url: string): void {
    clearTimeout(this.pendingUrls.get(url));
    this.pendingUrls.delete(url);
    URL.revokeObjectURL(url);
  }

  update(s: PlannerState, p: PlannerState | null): void {
    this.save.toggleAttribute("disabled", !s.snap || !this.ctx.hooks.canWrite);
    if (s.current && (!p || p.current !== s.current) && !this.name.value) this.name.value = s.current.name;
    this.list.update(s, p);
    this.compare.update(s, p);
    this.report.update(s, p);
  }

  destroy(): void {
    for (const url of [...this.pendingUrls.keys()]) this.revoke(url);
    this.file.removeEventListener("change", this.onImport);
    this.list.destroy();
    this.compare.destroy();
    this.report.destroy();
    this.el.remove();
  }
}
