/**
 * The planner's desk panel (right column), composed of one module per section in `sections/`: header, area,
 * thresholds / indoor loss, KPIs with deltas and a per-district table, the heat-map legend, candidates with
 * editable radio settings, automatic siting, scenarios (save, load, delete, compare A/B, export, import with a
 * line-level report). Sections re-render from the controller's store only when their slice changes; a language
 * change destroys and re-mounts them all.
 */
import { h } from "../../ui/dom";
import { uiLang } from "../../ui/i18n";
import type { PlannerController, PlannerState } from "./controller";
import { AreaSection } from "./sections/area";
import { CandidatesSection } from "./sections/candidates";
import { HeaderSection } from "./sections/header";
import { KpiSection } from "./sections/kpis";
import { LegendSection } from "./sections/legend";
import { ParamsSection } from "./sections/params";
import { ScenarioSection } from "./sections/scenarios";
import { type PanelHooks, type PanelSection, type SectionFactory, SectionContext } from "./sections/section";
import { SitingSection } from "./sections/siting";

export type { PanelHooks } from "./sections/section";

/** The sections, top to bottom. */
const SECTIONS: readonly SectionFactory[] = [
  () => new HeaderSection(),
  (ctx) => new AreaSection(ctx),
  (ctx) => new ParamsSection(ctx),
  () => new KpiSection(),
  (ctx) => new LegendSection(ctx),
  (ctx) => new CandidatesSection(ctx),
  (ctx) => new SitingSection(ctx),
  (ctx) => new ScenarioSection(ctx),
];

export class PlannerPanel {
  private readonly root = h("div", { class: "panel planner-panel", "data-testid": "planner-panel" });
  private readonly ctx: SectionContext;
  private sections: PanelSection[] = [];
  private prev: PlannerState | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    host: HTMLElement,
    private readonly ctl: PlannerController,
    hooks: PanelHooks,
  ) {
    this.ctx = new SectionContext(ctl, hooks);
    host.append(this.root);
    this.mount();
    this.unsubscribe.push(ctl.store.subscribe(this.update), uiLang.subscribe(this.mount));
  }

  /** (Re)builds every section, e.g. after a language change. */
  private readonly mount = (): void => {
    this.unmountSections();
    this.sections = SECTIONS.map((make) => make(this.ctx));
    for (const s of this.sections) this.root.append(s.el);
    this.prev = null;
    this.update();
  };

  private readonly update = (): void => {
    const s = this.ctl.store.getState();
    for (const sec of this.sections) sec.update(s, this.prev);
    this.prev = s;
  };

  private unmountSections(): void {
    for (const s of this.sections) s.destroy();
    this.sections = [];
  }

  destroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.unmountSections();
    this.root.remove();
  }
}

export function mountPlannerPanel(host: HTMLElement, ctl: PlannerController, hooks: PanelHooks): { destroy(): void } {
  return new PlannerPanel(host, ctl, hooks);
}
