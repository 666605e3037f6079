/**
 * Automatic siting: propose N sites or enough to reach a coverage target, then a ranked table of proposals
 * (marginal people, cumulative coverage) to accept selectively or all at once.
 */
import type { SitingProposal, SitingResult } from "../../../planner/siting";
import { h, clear } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import { fmtInt, fmtPct, parseNumber, pickProposals } from "../forms";
import type { PanelSection, SectionContext } from "./section";

export class SitingSection implements PanelSection {
  readonly el: HTMLElement;
  private readonly mode = h(
    "select",
    { class: "pl-input", "data-testid": "planner-siting-mode", "aria-label": t("pl.sitingMode") },
    h("option", { value: "count" }, t("pl.byCount")),
    h("option", { value: "target" }, t("pl.byTarget")),
  );
  private readonly count = h("input", {
    class: "pl-input num",
    type: "number",
    min: "1",
    max: "50",
    value: "5",
    "data-testid": "planner-propose-n",
    title: t("pl.proposeN"),
  });
  private readonly target = h("input", {
    class: "pl-input num",
    type: "number",
    min: "0",
    max: "100",
    step: "0.1",
    value: "99.5",
    "data-testid": "planner-target",
    title: t("pl.target"),
  });
  private readonly err = h("div", { class: "pl-error" });
  private readonly out = h("div", { class: "pl-proposals", "data-testid": "planner-proposals" });
  private readonly propose: HTMLButtonElement;

  constructor(private readonly ctx: SectionContext) {
    this.propose = h(
      "button",
      { class: "pl-btn primary", "data-testid": "planner-propose", onclick: this.onPropose },
      t("pl.propose"),
    );
    this.el = h(
      "section",
      { class: "pl-sec" },
      h("h3", { class: "panel-subtitle" }, t("pl.siting")),
      h(
        "div",
        { class: "pl-row" },
        this.mode,
        h("label", { class: "pl-inline" }, t("pl.proposeN"), this.count),
        h("label", { class: "pl-inline" }, t("pl.target"), this.target),
      ),
      h("div", { class: "pl-row" }, this.propose, this.err),
      this.out,
    );
    this.mode.addEventListener("change", this.syncMode);
    this.syncMode();
  }

  private readonly syncMode = (): void => {
    this.target.disabled = this.mode.value !== "target";
  };

  private readonly onPropose = (): void => {
    const byTarget = this.mode.value === "target";
    const n = parseNumber(this.count.value, "count", 1, 50);
    const tg = byTarget ? parseNumber(this.target.value, "targetCoveredPct", 0, 100) : null;
    const bad = [n, tg].find((x) => x && !x.ok) as { field: string; reason: string } | undefined;
    this.err.textContent = bad ? `${bad.field}: ${bad.reason}` : "";
    if (!n.ok || (tg && !tg.ok)) return;
    this.ctx.act(
      this.ctx.ctl.propose({
        count: byTarget ? Math.max(n.value, 50) : n.value,
        ...(tg?.ok ? { targetCoveredPct: tg.value } : {}),
      }),
    );
  };

  update(s: PlannerState, p: PlannerState | null): void {
    this.propose.toggleAttribute("disabled", !s.snap || s.busy > 0);
    if (p && p.siting === s.siting) return;
    clear(this.out);
    const si = s.siting;
    if (!si) return;
    const r = si.result;
    const checked = new Set(si.checked);
    const summary = `${r.proposals.length} · ${r.positionsEvaluated} pos · ${Math.round(r.ms)} ms${r.reachedTarget ? " · ✓" : ""}`;
    this.out.append(h("div", { class: "pl-note" }, summary), this.table(r, checked), this.actions(r, checked));
  }

  private table(r: SitingResult, checked: Set<string>): HTMLElement {
    const { ctl } = this.ctx;
    const head = ["", "#", t("pl.gain"), t("pl.cum")];
    return h(
      "table",
      { class: "pl-table" },
      h("thead", {}, h("tr", {}, ...head.map((x) => h("th", {}, x)))),
      h(
        "tbody",
        {},
        ...r.proposals.map((pr) =>
          h(
            "tr",
            { "data-testid": "planner-proposal" },
            h(
              "td",
              {},
              h("input", {
                type: "checkbox",
                checked: checked.has(pr.candidate.id),
                onchange: (e: Event) => ctl.setChecked(pr.candidate.id, (e.target as HTMLInputElement).checked),
              }),
            ),
            h(
              "td",
              {
                title: `${pr.source} ${pr.candidate.lon.toFixed(5)}, ${pr.candidate.lat.toFixed(5)} · ${pr.candidate.heightM} m`,
              },
              `${pr.rank} ${pr.source === "rooftop" ? "▲" : "▪"}`,
            ),
            h("td", {}, `+${fmtInt(pr.marginalPeople)}`),
            h("td", {}, fmtPct(pr.cumulativeCoveredPct)),
          ),
        ),
      ),
    );
  }

  private actions(r: SitingResult, checked: Set<string>): HTMLElement {
    const { ctl } = this.ctx;
    const accept = (testid: string, cls: string, pick: () => readonly SitingProposal[], label: string) =>
      h("button", { class: cls, "data-testid": testid, onclick: () => this.ctx.act(ctl.accept(pick())) }, label);
    return h(
      "div",
      { class: "pl-row" },
      accept("planner-accept-selected", "pl-btn", () => pickProposals(r.proposals, checked), t("pl.acceptSel")),
      accept("planner-accept-all", "pl-btn primary", () => r.proposals, t("pl.acceptAll")),
      h("button", { class: "pl-btn", onclick: () => ctl.dismissProposals() }, t("pl.dismiss")),
    );
  }

  destroy(): void {
    this.mode.removeEventListener("change", this.syncMode);
    this.el.remove();
  }
}
