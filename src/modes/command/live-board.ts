/**
 * Live infrastructure KPIs ("digital flop" tiles, kpi-tiles.ts) and their last-hour trend charts (trend-charts.ts).
 * KPIs are computed from the live store's typed arrays every `everyMs`; a sample goes into a fixed ring buffer every
 * `sampleMs`. Lifecycle: mounting starts both timers and the language subscription; destroy removes them, the
 * charts and the panels.
 */
import type { LiveStore } from "../../state/live-store";
import type { TwinData } from "../../app/twin";
import { h } from "../../ui/dom";
import { t, uiLang } from "../../ui/i18n";
import { History } from "./history";
import { liveKpis, type LiveKpis } from "./kpi";
import { KpiTiles } from "./kpi-tiles";
import { SERIES, type SeriesKey, TrendCharts } from "./trend-charts";

export function computeKpis(store: LiveStore, data: TwinData): LiveKpis {
  const L = store.getState().layers;
  const ready = <K extends keyof typeof L>(k: K) => (L[k]?.ready ? L[k]! : null);
  const s = ready("sites");
  const d = ready("datacentres");
  const c = ready("chargers");
  const n = ready("sensors");
  return liveKpis({
    sites: s && { status: s.status },
    datacentres: d && {
      items: data.datacentres,
      status: d.status,
      itMw: d.metrics.itMw,
      facilityMw: d.metrics.facilityMw,
      pue: d.metrics.pue,
    },
    chargers: c && { items: data.chargers, status: c.status, charging: c.metrics.charging },
    sensors: n && { status: n.status, congestion: n.metrics.congestion },
  });
}

export interface LiveBoardOptions {
  everyMs?: number;
  sampleMs?: number;
  windowMs?: number;
  /** the twin clock the trends are drawn against (default Date.now) */
  now?: () => number;
  /** the trend samples already recorded for [from, to] (the gateway's history), drawn at once on open */
  preload?: (
    from: number,
    to: number,
  ) => Promise<
    {
      t: number;
      availability: number | null;
      pue: number | null;
      chargerUtil: number | null;
      congestion: number | null;
    }[]
  >;
}

/** Function properties, not methods: the wall passes them on unbound (cleanups, layout listeners). */
export interface LiveBoard {
  readonly kpis: () => LiveKpis | null;
  history: History<SeriesKey>;
  readonly resize: () => void;
  readonly destroy: () => void;
}

export function mountLiveBoard(
  host: HTMLElement,
  store: LiveStore,
  data: () => TwinData,
  opts: LiveBoardOptions = {},
): LiveBoard {
  return new LiveBoardPanels(host, store, data, opts);
}

type TrendPoint = Awaited<ReturnType<NonNullable<LiveBoardOptions["preload"]>>>[number];

class LiveBoardPanels implements LiveBoard {
  readonly history: History<SeriesKey>;
  private readonly windowMs: number;
  private readonly now: () => number;
  private firstSample = Infinity;
  private last: LiveKpis | null = null;
  private readonly title = h("h2", { class: "cmd-title" });
  private readonly thresholds = h("p", { class: "plan-source", "data-testid": "threshold-note" });
  private readonly panel: HTMLElement;
  private readonly cTitle = h("h2", { class: "cmd-title" });
  private readonly cPanel: HTMLElement;
  private readonly tiles: KpiTiles;
  private readonly charts: TrendCharts;
  private readonly timers: ReturnType<typeof setInterval>[];
  private readonly unLang: () => void;

  constructor(
    host: HTMLElement,
    private readonly store: LiveStore,
    private readonly data: () => TwinData,
    opts: LiveBoardOptions,
  ) {
    const sampleMs = opts.sampleMs ?? 5000;
    this.windowMs = opts.windowMs ?? 3600_000;
    this.now = opts.now ?? (() => Date.now());
    // preloaded points share the ring with live samples: room for a preload at up to 1 point per 5 s plus the live
    // ones
    this.history = new History(SERIES, 2 * (Math.ceil(this.windowMs / sampleMs) + 1));
    const grid = h("div", { class: "flop-grid", "data-testid": "live-kpis" });
    this.panel = h(
      "section",
      { class: "cmd-panel live-board", "data-testid": "live-board" },
      this.title,
      grid,
      this.thresholds,
    );
    const chartsBox = h("div", { class: "chart-grid" });
    this.cPanel = h("section", { class: "cmd-panel trends", "data-testid": "trend-board" }, this.cTitle, chartsBox);
    host.append(this.panel, this.cPanel);
    this.tiles = new KpiTiles(grid, data);
    this.charts = new TrendCharts(chartsBox);
    this.compute();
    this.renderCharts();
    if (opts.preload) this.preload(opts.preload);
    this.timers = [setInterval(() => this.compute(), opts.everyMs ?? 2000), setInterval(() => this.sample(), sampleMs)];
    this.unLang = uiLang.subscribe(() => {
      this.renderTiles();
      this.renderCharts();
    });
  }

  // arrow properties: the command wall passes these on unbound (cleanups, layout listeners)
  readonly kpis = (): LiveKpis | null => this.last;

  readonly resize = (): void => this.charts.resize();

  readonly destroy = (): void => {
    for (const timer of this.timers) clearInterval(timer);
    this.unLang();
    this.charts.destroy();
    this.panel.remove();
    this.cPanel.remove();
  };

  private renderTiles(): void {
    this.title.textContent = t("cmd.liveBoard");
    this.cTitle.textContent = t("cmd.trends");
    this.tiles.update(this.last);
    if (this.last) this.thresholds.textContent = t("cmd.thresholdNote");
  }

  private renderCharts(): void {
    this.cPanel.dataset.points = String(this.charts.update(this.history, this.now() - this.windowMs));
  }

  private compute(): void {
    this.last = computeKpis(this.store, this.data());
    this.renderTiles();
  }

  private sample(): void {
    const k = this.last;
    if (!k) return;
    const at = this.now();
    this.firstSample = Math.min(this.firstSample, at);
    this.history.push(at, {
      availability: k.siteAvailability,
      pue: k.pueAvg,
      chargerUtil: k.chargerUtil,
      congestion: k.congestion,
    });
    this.renderCharts();
  }

  /** the trend samples already recorded (the gateway's history), drawn at once */
  private preload(load: NonNullable<LiveBoardOptions["preload"]>): void {
    const end = this.now();
    void load(end - this.windowMs, end)
      .then((points) => this.merge(points))
      .catch(() => {});
  }

  private merge(points: TrendPoint[]): void {
    const { history } = this;
    // only what is older than the first live sample, so the ring stays in time order
    const older = points.filter((p) => p.t < this.firstSample);
    if (!older.length) return;
    const live = SERIES.map((k) => history.series(k));
    const times = live[0].map(([x]) => x);
    history.clear();
    for (const p of older) history.push(p.t, p);
    times.forEach((x, i) => history.push(x, Object.fromEntries(SERIES.map((k, j) => [k, live[j][i][1]]))));
    this.renderCharts();
  }
}
