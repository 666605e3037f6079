/** Area KPI tiles (with deltas against the state before the last edit) and the per-district table. */
import type { DistrictName } from "../../../protocol/data";
import type { CoverageKpis } from "../../../planner/demand";
import { h, clear } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import { fmtInt, fmtPct, fmtSigned } from "../forms";
import type { PanelSection } from "./section";

function tile(label: string, value: string, unit: string, delta: string | null, testid: string, cls = ""): HTMLElement {
  return h(
    "div",
    { class: `pl-kpi ${cls}`, "data-testid": testid },
    h("div", { class: "pl-kpi-label" }, label),
    h("div", { class: "pl-kpi-value" }, value, h("small", {}, unit)),
    delta ? h("div", { class: "pl-kpi-delta" }, delta) : null,
  );
}

function kpiTiles(k: CoverageKpis, b: CoverageKpis | null): HTMLElement[] {
  const d = (f: (x: CoverageKpis) => number, digits = 0, unit = "") =>
    b ? `Δ ${fmtSigned(f(k) - f(b), digits)}${unit}` : null;
  return [
    tile(
      t("pl.covered"),
      k.coveredPct.toFixed(2),
      "%",
      b ? `${d((x) => x.coveredPct, 2, " pp")} · ${fmtSigned(k.coveredPeople - b.coveredPeople)}` : null,
      "kpi-covered",
    ),
    tile(
      t("pl.weakPeople"),
      fmtInt(k.weakPeople),
      "",
      d((x) => x.weakPeople),
      "kpi-weak",
      k.weakPeople > 0 ? "warn" : "",
    ),
    tile(
      t("pl.density"),
      k.sitesPer10k.toFixed(2),
      ` / 35`,
      k.sitesShort > 0 ? `${t("pl.short")} ${fmtInt(k.sitesShort)}` : "✓",
      "kpi-density",
      k.sitesPer10k < k.targetPer10k ? "warn" : "ok",
    ),
    tile(t("pl.people"), fmtInt(k.people), "", `${t("pl.sites")} ${fmtInt(k.sites)}`, "kpi-people"),
  ];
}

function districtTable(rows: [DistrictName, CoverageKpis][]): HTMLElement {
  const head = [t("pl.district"), t("pl.covered"), t("pl.weakPeople"), t("pl.density")];
  return h(
    "table",
    { class: "pl-table", "data-testid": "planner-district-table" },
    h("thead", {}, h("tr", {}, ...head.map((x) => h("th", {}, x)))),
    h(
      "tbody",
      {},
      ...rows.map(([name, x]) =>
        h(
          "tr",
          {},
          h("td", {}, name),
          h("td", {}, fmtPct(x.coveredPct)),
          h("td", {}, fmtInt(x.weakPeople)),
          h(
            "td",
            { class: x.sitesPer10k < x.targetPer10k ? "warn" : "ok" },
            `${x.sitesPer10k.toFixed(1)} / ${x.targetPer10k}`,
          ),
        ),
      ),
    ),
  );
}

export class KpiSection implements PanelSection {
  readonly el: HTMLElement;
  private readonly body = h("div", { class: "pl-kpis", "data-testid": "planner-kpis" });
  private readonly table = h("div", { class: "pl-table-wrap" });

  constructor() {
    this.el = h(
      "section",
      { class: "pl-sec" },
      h("h3", { class: "panel-subtitle" }, t("pl.kpis")),
      this.body,
      this.table,
    );
  }

  update(s: PlannerState, p: PlannerState | null): void {
    if (p && p.snap === s.snap && p.before === s.before) return;
    clear(this.body);
    clear(this.table);
    if (!s.snap) {
      this.body.append(h("div", { class: "pl-note" }, t("pl.noArea")));
      return;
    }
    this.body.append(...kpiTiles(s.snap.kpis.area, s.before));
    const rows = Object.entries(s.snap.kpis.districts) as [DistrictName, CoverageKpis][];
    if (rows.length) this.table.append(districtTable(rows));
  }

  destroy(): void {
    this.el.remove();
  }
}
