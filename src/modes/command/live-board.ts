/**
 * Live infrastructure KPIs ("digital flop" tiles) and their last-hour trend charts. KPIs are computed from the live
 * store's typed arrays every `everyMs`; a sample goes into a fixed ring buffer every `sampleMs`; the charts are
 * ECharts line charts (echarts/core + LineChart, Grid, Tooltip, Canvas only), animation off, resized on layout
 * change and disposed on teardown.
 */
import * as echarts from "echarts/core";
import { LineChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import type { LiveStore } from "../../state/live-store";
import type { TwinData } from "../../app/twin";
import { h } from "../../ui/dom";
import { t, uiLang, type StringKey } from "../../ui/i18n";
import { History } from "./history";
import { snappedAxis } from "./axis";
import { liveKpis, type LiveKpis } from "./kpi";
import { PLAN_TEXT_TARGETS as T } from "./plan-indicators";

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

const SERIES = ["availability", "pue", "chargerUtil", "congestion"] as const;
type SeriesKey = (typeof SERIES)[number];

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

interface Tile {
  key: string;
  value: HTMLElement;
  sub: HTMLElement;
  label: HTMLElement;
  el: HTMLElement;
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

export interface LiveBoard {
  kpis(): LiveKpis | null;
  history: History<SeriesKey>;
  resize(): void;
  destroy(): void;
}

export function mountLiveBoard(
  host: HTMLElement,
  store: LiveStore,
  data: () => TwinData,
  opts: LiveBoardOptions = {},
): LiveBoard {
  const everyMs = opts.everyMs ?? 2000;
  const sampleMs = opts.sampleMs ?? 5000;
  const windowMs = opts.windowMs ?? 3600_000;
  const now = opts.now ?? (() => Date.now());
  // preloaded points share the ring with live samples: room for a preload at up to 1 point per 5 s plus the live ones
  const history = new History(SERIES, 2 * (Math.ceil(windowMs / sampleMs) + 1));
  let firstSample = Infinity;

  const title = h("h2", { class: "cmd-title" });
  const grid = h("div", { class: "flop-grid", "data-testid": "live-kpis" });
  const thresholds = h("p", { class: "plan-source", "data-testid": "threshold-note" });
  const panel = h("section", { class: "cmd-panel live-board", "data-testid": "live-board" }, title, grid, thresholds);
  const cTitle = h("h2", { class: "cmd-title" });
  const chartsBox = h("div", { class: "chart-grid" });
  const cPanel = h("section", { class: "cmd-panel trends", "data-testid": "trend-board" }, cTitle, chartsBox);
  host.append(panel, cPanel);

  const tiles: Tile[] = [];
  const tile = (key: string, labelKey: StringKey): Tile => {
    const label = h("span", { class: "flop-label" });
    const value = h("b", { class: "flop", "data-testid": `kpi-${key}` }, "—");
    const sub = h("span", { class: "flop-sub" });
    const el = h("div", { class: "flop-tile", "data-kpi": key }, label, value, sub);
    el.dataset.labelKey = labelKey;
    grid.append(el);
    const tl = { key, value, sub, label, el };
    tiles.push(tl);
    return tl;
  };
  const tAvail = tile("availability", "cmd.availability");
  const tRacks = tile("racks", "cmd.racks");
  const tPue = tile("pueAvg", "cmd.pueAvg");
  const tWorst = tile("pueWorst", "cmd.pueWorst");
  const tAi = tile("ai", "cmd.ai");
  const tSuper = tile("super", "cmd.super");
  const tUtil = tile("chargerUtil", "cmd.chargerUtil");
  const tCong = tile("congestion", "cmd.congestion");

  const set = (tl: Tile, v: string, sub: string, level: "ok" | "warn" | "bad" | "none" = "ok", raw?: number | null) => {
    if (tl.value.textContent !== v) tl.value.textContent = v;
    if (tl.sub.textContent !== sub) tl.sub.textContent = sub;
    tl.el.dataset.level = level;
    if (raw !== undefined) tl.value.dataset.value = raw === null ? "" : String(raw);
  };
  const num = (v: number) => v.toLocaleString("en-US");
  let last: LiveKpis | null = null;

  const renderTiles = () => {
    for (const tl of tiles) tl.label.textContent = t(tl.el.dataset.labelKey as StringKey);
    title.textContent = t("cmd.liveBoard");
    cTitle.textContent = `${t("cmd.trends")}`;
    const k = last;
    if (!k) return;
    const lang = uiLang.getState().lang;
    thresholds.textContent = t("cmd.thresholdNote");
    set(
      tAvail,
      k.siteAvailability === null ? "—" : `${(k.siteAvailability * 100).toFixed(2)}%`,
      `${num(k.sitesUp)} / ${num(k.sitesKnown)}`,
      k.siteAvailability === null
        ? "none"
        : k.siteAvailability >= 0.995
          ? "ok"
          : k.siteAvailability >= 0.98
            ? "warn"
            : "bad",
      k.siteAvailability,
    );
    set(
      tRacks,
      num(k.racksInService),
      `${t("cmd.target")} ${num(T.racks)} · ${((k.racksInService / T.racks) * 100).toFixed(0)}%`,
      k.racksInService >= T.racks ? "ok" : "warn",
      k.racksInService,
    );
    set(
      tPue,
      k.pueAvg === null ? "—" : k.pueAvg.toFixed(3),
      `${t("cmd.limit")} ≤${T.pueGeneral} · ${t("cmd.newLimit")}${T.pueNew}`,
      k.pueAvg === null ? "none" : k.pueAvg <= T.pueGeneral ? "ok" : "bad",
      k.pueAvg,
    );
    const worstName =
      k.pueWorstIndex >= 0
        ? ((lang === "zh" ? data().datacentres[k.pueWorstIndex]?.name : data().datacentres[k.pueWorstIndex]?.nameEn) ??
          "")
        : "";
    set(
      tWorst,
      k.pueWorst === null ? "—" : k.pueWorst.toFixed(3),
      worstName,
      k.pueWorst === null ? "none" : k.pueWorst <= T.pueNew ? "ok" : k.pueWorst <= T.pueGeneral ? "warn" : "bad",
      k.pueWorst,
    );
    set(
      tAi,
      `${num(Math.round(k.aiPflops))}`,
      t("cmd.aiTargets"),
      k.aiPflops >= T.aiPflops2025 ? "ok" : "warn",
      k.aiPflops,
    );
    set(
      tSuper,
      `${k.superInService}`,
      `/ ${k.superTotal} · ${t("cmd.target")} ${T.superChargers}`,
      k.superInService >= T.superChargers ? "ok" : "warn",
      k.superInService,
    );
    set(
      tUtil,
      k.chargerUtil === null ? "—" : `${(k.chargerUtil * 100).toFixed(1)}%`,
      "",
      k.chargerUtil === null ? "none" : "ok",
      k.chargerUtil,
    );
    set(
      tCong,
      k.congestion === null ? "—" : k.congestion.toFixed(2),
      t("cmd.congestionScale"),
      k.congestion === null ? "none" : k.congestion < 1.5 ? "ok" : k.congestion < 2.5 ? "warn" : "bad",
      k.congestion,
    );
  };

  // ---- charts
  // `step`: a free axis snaps its ends outward to multiples of step, so a near-flat series (availability 99.69% for
  // an hour) gets a readable span instead of five identical tick labels
  const chartDefs: {
    key: SeriesKey;
    label: StringKey;
    unit: string;
    scale: number;
    digits: number;
    min?: number;
    max?: number;
    step?: number;
    color: string;
  }[] = [
    { key: "availability", label: "cmd.availability", unit: "%", scale: 100, digits: 2, step: 0.5, color: "#2ad4ff" },
    { key: "pue", label: "cmd.pueAvg", unit: "", scale: 1, digits: 3, step: 0.01, color: "#ffb020" },
    { key: "chargerUtil", label: "cmd.chargerUtil", unit: "%", scale: 100, digits: 0, min: 0, color: "#22d3a6" },
    { key: "congestion", label: "cmd.congestion", unit: "", scale: 1, digits: 1, min: 0, max: 4, color: "#ff7a45" },
  ];
  const charts = chartDefs.map((def) => {
    const label = h("span", { class: "chart-label" });
    const box = h("div", { class: "chart", "data-chart": def.key });
    const cell = h("div", { class: "chart-cell" }, label, box);
    chartsBox.append(cell);
    const chart = echarts.init(box, undefined, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      backgroundColor: "transparent",
      grid: { left: 90, right: 24, top: 16, bottom: 44 },
      tooltip: {
        trigger: "axis",
        textStyle: { fontSize: 22 },
        valueFormatter: (v: unknown) => (typeof v === "number" ? `${v.toFixed(def.digits)}${def.unit}` : "—"),
      },
      xAxis: {
        type: "time",
        axisLabel: { color: "#7fa6c0", fontSize: 20, hideOverlap: true },
        axisLine: { lineStyle: { color: "rgba(42,212,255,0.35)" } },
        splitLine: { show: false },
      },
      yAxis: {
        type: "value",
        scale: def.min === undefined,
        ...(def.step ? snappedAxis(def.step) : { min: def.min, max: def.max }),
        axisLabel: { color: "#7fa6c0", fontSize: 20, formatter: (v: number) => v.toFixed(def.digits) },
        splitNumber: 3,
        splitLine: { lineStyle: { color: "rgba(42,212,255,0.12)" } },
      },
      series: [
        {
          type: "line",
          showSymbol: false,
          connectNulls: false,
          lineStyle: { width: 3, color: def.color },
          areaStyle: { color: def.color, opacity: 0.12 },
          data: [],
        },
      ],
    });
    return { def, chart, label };
  });
  const renderCharts = () => {
    const since = now() - windowMs;
    cPanel.dataset.points = String(history.series(SERIES[0], since).length);
    for (const c of charts) {
      c.label.textContent = t(c.def.label);
      const data = history.series(c.def.key, since).map(([x, y]) => [x, y === null ? null : y * c.def.scale]);
      c.chart.setOption({ series: [{ data }] });
    }
  };

  const compute = () => {
    last = computeKpis(store, data());
    renderTiles();
  };
  const sample = () => {
    const k = last;
    if (!k) return;
    const at = now();
    firstSample = Math.min(firstSample, at);
    history.push(at, {
      availability: k.siteAvailability,
      pue: k.pueAvg,
      chargerUtil: k.chargerUtil,
      congestion: k.congestion,
    });
    renderCharts();
  };
  compute();
  renderCharts();
  if (opts.preload) {
    const end = now();
    void opts
      .preload(end - windowMs, end)
      .then((points) => {
        // only what is older than the first live sample, so the ring stays in time order
        const older = points.filter((p) => p.t < firstSample);
        if (!older.length) return;
        const live = SERIES.map((k) => history.series(k));
        const times = live[0].map(([x]) => x);
        history.clear();
        for (const p of older) history.push(p.t, p);
        times.forEach((x, i) => history.push(x, Object.fromEntries(SERIES.map((k, j) => [k, live[j][i][1]]))));
        renderCharts();
      })
      .catch(() => {});
  }
  const t1 = setInterval(compute, everyMs);
  const t2 = setInterval(sample, sampleMs);
  const unLang = uiLang.subscribe(() => {
    renderTiles();
    renderCharts();
  });
  const resize = () => {
    for (const c of charts) c.chart.resize();
  };
  const ro = new ResizeObserver(resize);
  for (const c of charts) ro.observe(c.chart.getDom());

  return {
    kpis: () => last,
    history,
    resize,
    destroy() {
      clearInterval(t1);
      clearInterval(t2);
      unLang();
      ro.disconnect();
      for (const c of charts) c.chart.dispose();
      panel.remove();
      cPanel.remove();
    },
  };
}
