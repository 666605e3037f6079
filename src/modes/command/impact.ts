/**
 * Live outage impact on the command wall: a coverage worker fed from the live store (impact-feed.ts), the
 * lost-coverage footprint on the ground (impact-footprint.ts), the "coverage impact" tile (people and km² without
 * good coverage, sites down, worst districts), the in-service 5G density for the plan board, and a camera port that
 * frames a down site's footprint with its neighbours when the director follows its alarm.
 */
import type { App } from "../../app/mode-api";
import { CoverageClient } from "../../planner/coverage-client";
import type { LiveStore } from "../../state/live-store";
import { clear, h } from "../../ui/dom";
import { t, uiLang } from "../../ui/i18n";
import type { CameraPort } from "./director";
import { fitViewToScreen } from "./camera-port";
import { ImpactFeed, type ImpactAnswer, type ImpactWorker } from "./impact-feed";
import { ImpactFootprint } from "./impact-footprint";
import { ImpactTrend, type TrendHistory, type TrendWorker } from "./impact-trend";
import { inServiceDensity, lowerOnScreen, outageView } from "./impact-view";
import type { DistrictPopulation, SitesDensity } from "./kpi";

export interface ImpactMount {
  feed: ImpactFeed;
  footprint: ImpactFootprint;
  /** the director's camera port, with site alarms framed as outages (footprint + neighbours) */
  cameraPort<P>(base: CameraPort<P>): CameraPort<P>;
  /** 每万人5G基站数 counting only sites in service (null without district populations) */
  densityInService(): SitesDensity | null;
  onChange(cb: () => void): () => void;
  /** the scene was rebuilt (context loss): draw the footprint into the new one */
  rebuilt(): void;
  destroy(): void;
}

const fmtInt = (v: number) => Math.round(v).toLocaleString("en-US");

const isTrendWorker = (w: ImpactWorker): w is ImpactWorker & TrendWorker =>
  typeof (w as Partial<TrendWorker>).impactSeries === "function";

export interface ImpactOptions {
  districts: readonly DistrictPopulation[] | null;
  worker?: ImpactWorker;
  waitMs?: number;
  /** the last hour's trend: twin time now, and the recorded outages (history store) to fill it on start */
  trend?: { now: () => number; history?: TrendHistory };
}

export function mountImpact(app: App, host: HTMLElement, store: LiveStore, opts: ImpactOptions): ImpactMount {
  return new OutageImpact(app, host, store, opts);
}

/**
 * Lifecycle: the constructor builds the feed, footprint, tile and trend, follows the feed's answers and the
 * language and starts the coverage worker; `destroy` unsubscribes, drops the listeners and destroys each part.
 * Public members are arrow properties (the wall passes them on unbound).
 */
class OutageImpact implements ImpactMount {
  readonly feed: ImpactFeed;
  readonly footprint: ImpactFootprint;
  private readonly worker: ImpactWorker;
  private readonly tile: ImpactTile;
  private readonly trend: ImpactTrend | null;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribes: (() => void)[];
  private density: SitesDensity | null = null;
  private readonly sites: App["twin"]["data"]["sites"];

  constructor(
    private readonly app: App,
    host: HTMLElement,
    store: LiveStore,
    private readonly opts: ImpactOptions,
  ) {
    this.sites = app.twin.data.sites;
    this.worker = opts.worker ?? new CoverageClient();
    this.feed = new ImpactFeed(store, this.worker);
    this.footprint = new ImpactFootprint(() => app.twin.scene);
    this.tile = new ImpactTile(host);
    this.trend = opts.trend ? new ImpactTrend(this.tile.trendSlot, opts.trend.now) : null;
    this.recount(null);
    this.unsubscribes = [
      this.feed.onResult((r) => this.onResult(r)),
      uiLang.subscribe(() => this.tile.render(this.feed.latest())),
    ];
    this.start();
  }

  /** the director's camera port, with site alarms framed as outages (footprint + neighbours) */
  readonly cameraPort = <P>(base: CameraPort<P>): CameraPort<P> => {
    const { app, feed } = this;
    const waitMs = this.opts.waitMs ?? 3000;
    return {
      ...base,
      async flyToObject(ref) {
        const layer = app.twin.layer(ref.layer);
        if (ref.layer !== "sites" || !layer) return base.flyToObject(ref);
        const s = await feed.waitForSite(layer.idOf(ref.index), waitMs);
        return s?.box
          ? base.flyToView(lowerOnScreen(fitViewToScreen(app, outageView(s, feed.latest()?.sites))))
          : base.flyToObject(ref);
      },
    };
  };

  readonly densityInService = (): SitesDensity | null => this.density;

  readonly onChange = (cb: () => void): (() => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };

  readonly rebuilt = (): void => this.footprint.update(this.feed.latest());

  readonly destroy = (): void => {
    for (const un of this.unsubscribes) un();
    this.listeners.clear();
    this.feed.destroy();
    this.trend?.destroy();
    this.footprint.destroy();
    this.tile.destroy();
  };

  /** start the coverage worker on the twin's data, then fill the trend from the recorded outages */
  private start(): void {
    const { app, feed, tile, trend, worker } = this;
    const abs = (u: string) => new URL(u, location.href).href;
    const sitesUrl = abs(app.config.data.sites);
    void feed
      .start({
        sites: sitesUrl,
        buildings: new URL("buildings.json", sitesUrl).href,
        districts: abs(app.config.data.districts),
      })
      .then(() => {
        tile.render(feed.latest());
        const h = this.opts.trend?.history;
        if (trend && h && isTrendWorker(worker)) void trend.load(h, worker).catch(() => undefined);
      })
      .catch((e: unknown) => tile.failed(e instanceof Error ? e.message : String(e)));
  }

  private onResult(r: ImpactAnswer): void {
    this.footprint.update(r);
    this.trend?.push(r.people);
    this.tile.render(r);
    this.recount(r);
    for (const l of this.listeners) l();
  }

  private recount(r: ImpactAnswer | null): void {
    if (!this.opts.districts) return;
    const down = new Set(r?.sites.map((s) => s.id) ?? []);
    this.density = inServiceDensity(this.sites, down, this.opts.districts);
  }
}

/** The "coverage impact" card: people and km² without good coverage, sites down, worst districts. */
class ImpactTile {
  private el: HTMLElement;
  private body = h("div", { class: "impact-body" });
  private title = h("h2", { class: "cmd-title" });
  private note = h("p", { class: "plan-source" });
  /** where the last hour's trend sits (kept across re-renders of the figures) */
  readonly trendSlot = h("div", { class: "impact-trend-slot" });

  constructor(host: HTMLElement) {
    this.el = h(
      "section",
      { class: "cmd-panel impact-tile", "data-testid": "impact-tile", "data-state": "starting" },
      this.title,
      this.body,
      this.trendSlot,
      this.note,
    );
    host.append(this.el);
    this.render(null);
  }

  failed(message: string): void {
    this.el.dataset.state = "error";
    clear(this.body);
    this.body.append(h("p", { class: "impact-error" }, message));
  }

  render(r: ImpactAnswer | null): void {
    const lang = uiLang.getState().lang;
    this.title.textContent = t("cmd.impact");
    this.note.textContent = t("cmd.impactNote");
    clear(this.body);
    if (!r) {
      this.body.append(h("p", { class: "impact-empty" }, t("cmd.impactStarting")));
      return;
    }
    this.el.dataset.state = r.cells ? "impact" : "clear";
    this.el.dataset.people = String(Math.round(r.people));
    this.el.dataset.cells = String(r.cells);
    this.el.dataset.down = String(r.down);
    const figure = (label: string, value: string, unit: string, testid: string) =>
      h(
        "div",
        { class: "impact-fig" },
        h("span", { class: "label" }, label),
        h("b", { class: "flop", "data-testid": testid }, value),
        h("small", { class: "unit" }, unit),
      );
    this.body.append(
      h(
        "div",
        { class: "impact-figs" },
        figure(t("cmd.impactPeople"), fmtInt(r.people), lang === "zh" ? "人" : "people", "impact-people"),
        figure(t("cmd.impactArea"), r.areaKm2.toFixed(2), "km²", "impact-area"),
        figure(t("cmd.impactDown"), String(r.down), lang === "zh" ? "个" : "", "impact-down"),
      ),
    );
    if (!r.cells) {
      this.body.append(h("p", { class: "impact-empty" }, t("cmd.impactNone")));
      return;
    }
    const list = h("ol", { class: "impact-districts", "data-testid": "impact-districts" });
    for (const d of r.districts.slice(0, 3))
      list.append(
        h(
          "li",
          { "data-district": d.name },
          h("span", { class: "dname" }, d.name),
          h("span", { class: "num" }, `${fmtInt(d.people)} ${lang === "zh" ? "人" : "people"}`),
          h("span", { class: "num muted" }, `${d.areaKm2.toFixed(2)} km²`),
        ),
      );
    this.body.append(h("div", { class: "label" }, t("cmd.impactWorst")), list);
  }

  destroy(): void {
    this.el.remove();
  }
}
