/**
 * Candidate sites: place-on-click toggle, clear all, the delta of the last edit (people newly covered, overlap,
 * nearest existing site) and one keyed, editable row per candidate.
 */
import type { CandidateDelta } from "../../../planner/candidates";
import { h, clear } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import type { PlannerState } from "../controller";
import { fmtDistance, fmtInt, fmtSigned } from "../forms";
import { CandidateRow } from "./candidate-row";
import type { PanelSection, SectionContext } from "./section";

function deltaView(s: PlannerState, d: CandidateDelta): HTMLElement[] {
  const c = s.snap?.candidates.find((x) => x.id === d.candidateId);
  const change = s.before && s.snap ? s.snap.kpis.area.coveredPeople - s.before.coveredPeople : d.coveredPeopleChange;
  return [
    h("div", { class: "pl-delta-title" }, `${t("pl.delta")}: ${c?.name ?? d.candidateId}`),
    h(
      "div",
      { class: "pl-delta-grid" },
      h("span", {}, t("pl.newlyCovered")),
      h("b", { "data-testid": "delta-newly" }, fmtInt(d.peopleNewlyCovered)),
      h("span", {}, t("pl.coveredChange")),
      h("b", { "data-testid": "delta-change" }, fmtSigned(change)),
      h("span", {}, t("pl.overlap")),
      h("b", {}, `${d.overlapPct.toFixed(0)}% (${fmtInt(d.overlapCells)} ±${d.overlapDb} dB)`),
      h("span", {}, t("pl.nearest")),
      h("b", {}, `${fmtDistance(d.nearestSiteM)}${d.nearestSiteId ? ` · ${d.nearestSiteId}` : ""}`),
    ),
  ];
}

export class CandidatesSection implements PanelSection {
  readonly el: HTMLElement;
  private readonly place: HTMLInputElement;
  private readonly list = h("div", { class: "pl-cands", "data-testid": "planner-candidates" });
  private readonly delta = h("div", { class: "pl-delta", "data-testid": "planner-delta" });
  private readonly clearBtn: HTMLButtonElement;
  private readonly rows = new Map<string, CandidateRow>();

  constructor(private readonly ctx: SectionContext) {
    const { ctl } = ctx;
    this.place = h("input", {
      type: "checkbox",
      "data-testid": "planner-place",
      onchange: (e: Event) => ctl.setPlaceOnClick((e.target as HTMLInputElement).checked),
    });
    this.clearBtn = h(
      "button",
      { class: "pl-btn", "data-testid": "planner-clear", onclick: () => ctx.act(ctl.replaceCandidates([])) },
      t("pl.clearAll"),
    );
    this.el = h(
      "section",
      { class: "pl-sec" },
      h("div", { class: "panel-head" }, h("h3", { class: "panel-subtitle" }, t("pl.candidates")), this.clearBtn),
      h("label", { class: "pl-check" }, this.place, t("pl.placeOnClick")),
      this.delta,
      this.list,
    );
  }

  update(s: PlannerState, p: PlannerState | null): void {
    this.place.checked = s.placeOnClick;
    if (!p || p.lastDelta !== s.lastDelta || p.snap !== s.snap) {
      clear(this.delta);
      if (s.lastDelta) this.delta.append(...deltaView(s, s.lastDelta));
    }
    if (p && p.snap?.candidates === s.snap?.candidates && p.selected === s.selected) return;
    this.updateRows(s);
    if (s.selected && (!p || p.selected !== s.selected))
      this.rows.get(s.selected)?.el.scrollIntoView({ block: "nearest" });
  }

  private updateRows(s: PlannerState): void {
    const { list, rows } = this;
    const cands = s.snap?.candidates ?? [];
    const keep = new Set(cands.map((c) => c.id));
    for (const [id, r] of rows)
      if (!keep.has(id)) {
        r.destroy();
        rows.delete(id);
      }
    if (!cands.length && !list.querySelector(".pl-note")) list.append(h("div", { class: "pl-note" }, t("pl.none")));
    if (cands.length) list.querySelector(".pl-note")?.remove();
    cands.forEach((c, i) => {
      let r = rows.get(c.id);
      if (!r) {
        r = new CandidateRow(this.ctx, c.id);
        rows.set(c.id, r);
      }
      if (list.children[i] !== r.el) list.insertBefore(r.el, list.children[i] ?? null);
      r.update(c, c.id === s.selected);
    });
    this.clearBtn.disabled = !cands.length;
  }

  destroy(): void {
    for (const r of this.rows.values()) r.destroy();
    this.rows.clear();
    this.el.remove();
  }
}
