/**
 * The live board's last-hour trend charts: ECharts line charts (echarts/core + LineChart, Grid, Tooltip, Canvas
 * only), animation off, resized when their boxes change size, disposed in destroy.
 */
import * as echarts from "echarts/core";
import { LineChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import { h } from "../../ui/dom";
import { t, type StringKey } from "../../ui/i18n";
import { snappedAxis } from "./axis";
import type { History } from "./history";

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

export const SERIES = ["availability", "pue", "chargerUtil", "congestion"] as const;
export type SeriesKey = (typeof SERIES)[number];

interface ChartDef {
  key: SeriesKey;
  label: StringKey;
  unit: string;
  scale: number;
  digits: number;
  min?: number;
  max?: number;
  /** a free axis snaps its ends outward to multiples of step, so a near-flat series (availability 99.69% for an
   *  hour) gets a readable span instead of five identical tick labels */
  step?: number;
  color: string;
}

const CHARTS: readonly ChartDef[] = [
  { key: "availability", label: "cmd.availability", unit: "%", scale: 100, digits: 2, step: 0.5, color: "#2ad4ff" },
  { key: "pue", label: "cmd.pueAvg", unit: "", scale: 1, digits: 3, step: 0.01, color: "#ffb020" },
  { key: "chargerUtil", label: "cmd.chargerUtil", unit: "%", scale: 100, digits: 0, min: 0, color: "#22d3a6" },
  { key: "congestion", label: "cmd.congestion", unit: "", scale: 1, digits: 1, min: 0, max: 4, color: "#ff7a45" },
];

function chartOption(def: ChartDef): echarts.EChartsCoreOption {
  return {
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
  };
}

export class TrendCharts {
  private readonly charts: { def: ChartDef; chart: echarts.ECharts; label: HTMLElement }[];
  private readonly ro: ResizeObserver;

  constructor(box: HTMLElement) {
    this.charts = CHARTS.map((def) => {
      const label = h("span", { class: "chart-label" });
      const el = h("div", { class: "chart", "data-chart": def.key });
      box.append(h("div", { class: "chart-cell" }, label, el));
      const chart = echarts.init(el, undefined, { renderer: "canvas" });
      chart.setOption(chartOption(def));
      return { def, chart, label };
    });
    this.ro = new ResizeObserver(() => this.resize());
    for (const c of this.charts) this.ro.observe(c.chart.getDom());
  }

  /** draws the window [since, now] of `history`; returns the number of points */
  update(history: History<SeriesKey>, since: number): number {
    for (const c of this.charts) {
      c.label.textContent = t(c.def.label);
      const data = history.series(c.def.key, since).map(([x, y]) => [x, y === null ? null : y * c.def.scale]);
      c.chart.setOption({ series: [{ data }] });
    }
    return history.series(SERIES[0], since).length;
  }

  resize(): void {
    for (const c of this.charts) c.chart.resize();
  }

  destroy(): void {
    this.ro.disconnect();
    for (const c of this.charts) c.chart.dispose();
  }
}
