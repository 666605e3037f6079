/**
 * One editable candidate row (name, height, three azimuths, tilt, power, band). Rows are keyed by candidate id
 * and kept across renders, so an input that has focus is never replaced while the user types.
 */
import type { Candidate } from "../../../protocol/scenario";
import { h } from "../../../ui/dom";
import { t } from "../../../ui/i18n";
import { type CandidateField, applyCandidateEdit } from "../forms";
import type { SectionContext } from "./section";

const BANDS = ["n78", "n41", "n79", "n28"];

function fieldValue(c: Candidate, f: CandidateField): string {
  switch (f) {
    case "name":
      return c.name ?? "";
    case "az0":
      return String(c.azimuths[0]);
    case "az1":
      return String(c.azimuths[1]);
    case "az2":
      return String(c.azimuths[2]);
    default:
      return String(c[f]);
  }
}

export class CandidateRow {
  readonly el: HTMLElement;
  private readonly inputs = new Map<CandidateField, HTMLInputElement | HTMLSelectElement>();
  private readonly err = h("div", { class: "pl-error" });

  constructor(
    private readonly ctx: SectionContext,
    private readonly id: string,
  ) {
    const name = h("input", {
      class: "pl-input name",
      type: "text",
      "data-field": "name",
      onchange: this.onEdit("name"),
    });
    this.inputs.set("name", name);
    const band = h(
      "select",
      { class: "pl-input", "data-field": "band", "aria-label": t("pl.band"), onchange: this.onEdit("band") },
      ...BANDS.map((b) => h("option", { value: b }, b)),
    );
    this.inputs.set("band", band);
    const head = h(
      "div",
      { class: "pl-row" },
      h("button", { class: "pl-dot", title: id, onclick: this.onFocus }),
      name,
      h("span", { class: "pl-muted pl-id" }, id),
      h(
        "button",
        { class: "pl-btn small danger", "data-testid": "planner-remove", onclick: () => ctx.act(ctx.ctl.remove(id)) },
        t("pl.remove"),
      ),
    );
    const attrs = { class: "pl-cand", "data-id": id, "data-testid": "planner-candidate" };
    this.el = h("div", attrs, head, this.grid(band), this.err);
  }

  private grid(band: HTMLSelectElement): HTMLElement {
    const azimuths = h(
      "div",
      { class: "pl-az" },
      this.num("az0", "5", "azimuth 1"),
      this.num("az1", "5", "azimuth 2"),
      this.num("az2", "5", "azimuth 3"),
    );
    return h(
      "div",
      { class: "pl-cand-grid" },
      h("label", {}, h("span", {}, t("pl.height")), this.num("heightM", "1", "heightM")),
      h("label", { class: "az" }, h("span", {}, t("pl.azimuths")), azimuths),
      h("label", {}, h("span", {}, t("pl.tilt")), this.num("tiltDeg", "1", "tiltDeg")),
      h("label", {}, h("span", {}, t("pl.power")), this.num("txPowerDbm", "1", "txPowerDbm")),
      h("label", {}, h("span", {}, t("pl.band")), band),
    );
  }

  private num(f: CandidateField, step: string, title: string): HTMLInputElement {
    const i = h("input", {
      class: "pl-input num",
      type: "number",
      step,
      title,
      "data-field": f,
      onchange: this.onEdit(f),
    });
    this.inputs.set(f, i);
    return i;
  }

  private onEdit(f: CandidateField): (e: Event) => void {
    return (e) => {
      const cur = this.ctx.ctl.candidates().find((x) => x.id === this.id);
      if (!cur) return;
      const r = applyCandidateEdit(cur, f, (e.target as HTMLInputElement).value);
      if (!r.ok) {
        this.err.textContent = `${r.field}: ${r.reason}`;
        return;
      }
      this.err.textContent = "";
      this.ctx.act(this.ctx.ctl.upsert(r.value));
    };
  }

  private readonly onFocus = (): void => {
    this.ctx.ctl.select(this.id);
    const cur = this.ctx.ctl.candidates().find((x) => x.id === this.id);
    if (cur) this.ctx.hooks.flyToCandidate(cur);
  };

  /** Shows `c` (skipping the input that has focus) and its selected / automatic marks. */
  update(c: Candidate, selected: boolean): void {
    this.el.classList.toggle("selected", selected);
    this.el.classList.toggle("auto", c.source === "auto");
    for (const [f, input] of this.inputs) if (document.activeElement !== input) input.value = fieldValue(c, f);
  }

  destroy(): void {
    this.el.remove();
  }
}
