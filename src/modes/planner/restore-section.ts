/**
 * The planner's "outages · restore coverage" card (above the desk panel): the sites in fault / offline now (live
 * status), "restore coverage" (the outage area analysed, siting proposals scored against the outage: people and km²
 * regained, drawn on the globe and listed under automatic siting), "outages → scenario" (saved with those sites out
 * of service) and "all sites back in service". Its own element, store subscription and language re-render.
 */
import "./restore-section.css";
import { addBanner } from "../../state/ui-store";
import { clear, h } from "../../ui/dom";
import { t, uiLang } from "../../ui/i18n";
import type { RestoreResult } from "../../planner/restore";
import type { PlannerController, PlannerState } from "./controller";
import { fmtInt, fmtPct, parseNumber } from "./forms";

export interface RestoreSectionHooks {
  flyTo(lon: number, lat: number): void;
  canWrite: boolean;
}

export interface RestoreSection {
  el: HTMLElement;
  destroy(): void;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function mountRestoreSection(
  host: HTMLElement,
  ctl: PlannerController,
  hooks: RestoreSectionHooks,
): RestoreSection {
  const el = h("section", { class: "panel planner-restore", "data-testid": "planner-restore-card" });
  host.prepend(el);
  const view = new RestoreView(el, ctl, hooks);
  const unsub = ctl.store.subscribe((s, p) => view.render(s, p));
  const unLang = uiLang.subscribe(() => view.build());
  return {
    el,
    destroy() {
      unsub();
      unLang();
      el.remove();
    },
  };
}

class RestoreView {
  private status!: HTMLElement;
  private restoreBtn!: HTMLButtonElement;
  private count!: HTMLInputElement;
  private name!: HTMLInputElement;
  private saveBtn!: HTMLButtonElement;
  private backBtn!: HTMLButtonElement;
  private oos!: HTMLElement;
  private out!: HTMLElement;
  private err!: HTMLElement;

  constructor(
    private el: HTMLElement,
    private ctl: PlannerController,
    private hooks: RestoreSectionHooks,
  ) {
    this.build();
  }

  private act(p: Promise<unknown>): void {
    this.err.textContent = "";
    void p.catch((e: unknown) => {
      this.err.textContent = errText(e);
      addBanner({ id: "planner-restore", level: "error", text: errText(e) });
    });
  }

  build(): void {
    clear(this.el);
    this.status = h("div", { class: "pr-status", "data-testid": "planner-outages" });
    this.count = h("input", {
      class: "pl-input num",
      type: "number",
      min: "1",
      max: "20",
      value: "3",
      title: t("pr.count"),
      "data-testid": "planner-restore-n",
    }) as HTMLInputElement;
    this.restoreBtn = h(
      "button",
      { class: "pl-btn primary", "data-testid": "planner-restore", onclick: () => this.restore() },
      t("pr.restore"),
    ) as HTMLButtonElement;
    this.name = h("input", {
      class: "pl-input name",
      type: "text",
      placeholder: t("pr.scenarioName"),
      "data-testid": "planner-outage-name",
    }) as HTMLInputElement;
    this.saveBtn = h(
      "button",
      { class: "pl-btn", "data-testid": "planner-outage-scenario", onclick: () => this.toScenario() },
      t("pr.toScenario"),
    ) as HTMLButtonElement;
    this.backBtn = h(
      "button",
      {
        class: "pl-btn small",
        "data-testid": "planner-restore-clear",
        onclick: () => this.act(this.ctl.setOutOfService([])),
      },
      t("pr.backInService"),
    ) as HTMLButtonElement;
    this.oos = h("div", { class: "pl-note warn", "data-testid": "planner-out-of-service" });
    this.out = h("div", { class: "pr-result", "data-testid": "planner-restore-result" });
    this.err = h("div", { class: "pl-error" });
    this.el.append(
      h("h3", { class: "panel-subtitle" }, t("pr.title")),
      this.status,
      h("div", { class: "pl-row" }, this.restoreBtn, h("label", { class: "pl-inline" }, t("pr.count"), this.count)),
      h("div", { class: "pl-row" }, this.name, this.saveBtn),
      h("div", { class: "pl-row" }, this.oos, this.backBtn),
      this.err,
      this.out,
    );
    this.render(this.ctl.state, null);
  }

  private restore(): void {
    const n = parseNumber(this.count.value, "count", 1, 20);
    if (!n.ok) return void (this.err.textContent = `${n.field}: ${n.reason}`);
    this.act(this.ctl.restoreCoverage({ count: n.value }));
  }

  private toScenario(): void {
    const nm = this.name.value.trim() || `${t("pr.title")} ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
    this.act(this.ctl.outagesToScenario(nm));
  }

  render(s: PlannerState, p: PlannerState | null): void {
    const down = s.outages.length;
    const idle = s.ready && s.busy === 0;
    this.status.dataset.count = String(down);
    this.status.textContent = down ? `${t("pr.downNow")}: ${fmtInt(down)}` : t("pr.none");
    this.status.classList.toggle("warn", down > 0);
    this.restoreBtn.disabled = !idle || !down;
    this.saveBtn.disabled = !idle || !down || !this.hooks.canWrite;
    this.backBtn.hidden = !s.outOfService.length;
    this.backBtn.disabled = !idle;
    this.oos.hidden = !s.outOfService.length;
    this.oos.dataset.count = String(s.outOfService.length);
    this.oos.textContent = `${t("pr.outOfService")}: ${fmtInt(s.outOfService.length)}`;
    if (p && p.restore === s.restore) return;
    this.renderResult(s.restore);
  }

  private renderResult(r: RestoreResult | null): void {
    clear(this.out);
    if (!r) return;
    this.out.dataset.lostPeople = String(Math.round(r.lostPeople));
    this.out.append(
      h(
        "div",
        { class: "pr-lost", "data-testid": "planner-restore-lost" },
        `${t("pr.lost")}: ${fmtInt(r.lostPeople)} ${t("pr.people")} · ${r.lostKm2.toFixed(2)} km² · ${r.sites.length} ${t("pr.sites")}`,
      ),
    );
    if (r.skipped.length) this.out.append(h("div", { class: "pl-note" }, `${r.skipped.length} ${t("pr.skipped")}`));
    if (!r.proposals.length) return void this.out.append(h("div", { class: "pl-note" }, t("pr.noProposal")));
    const rows = r.proposals.map((pr) =>
      h(
        "tr",
        {
          "data-testid": "planner-restore-proposal",
          "data-people": String(Math.round(pr.regainedPeople)),
          "data-lon": pr.candidate.lon.toFixed(6),
          "data-lat": pr.candidate.lat.toFixed(6),
          title: `${pr.candidate.lon.toFixed(5)}, ${pr.candidate.lat.toFixed(5)} · ${pr.candidate.heightM} m`,
          onclick: () => this.hooks.flyTo(pr.candidate.lon, pr.candidate.lat),
        },
        h("td", {}, `${pr.rank} ${pr.source === "rooftop" ? "▲" : "▪"}`),
        h("td", {}, `+${fmtInt(pr.regainedPeople)}`),
        h("td", {}, pr.regainedKm2.toFixed(2)),
        h("td", {}, fmtPct(r.lostPeople > 0 ? (100 * pr.regainedPeople) / r.lostPeople : 0)),
      ),
    );
    this.out.append(
      h(
        "table",
        { class: "pl-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "#"),
            h("th", {}, t("pr.regained")),
            h("th", {}, t("pr.regainedKm2")),
            h("th", {}, t("pr.share")),
          ),
        ),
        h("tbody", {}, ...rows),
      ),
      h("div", { class: "pl-note" }, t("pr.note")),
    );
  }
}
