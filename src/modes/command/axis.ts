/** Trend-chart axis helpers (pure; live-board.ts uses them for ECharts' value axes). */
/** an axis end snapped outward to a multiple of `step` (floating-point safe: 99.5 stays 99.5) */
export function snapAxis(v: number, step: number, dir: "up" | "down"): number {
  const k = v / step;
  const r = Math.round(k);
  const n = Math.abs(k - r) < 1e-9 ? r : dir === "up" ? Math.ceil(k) : Math.floor(k);
  return Number((n * step).toFixed(10));
}

/** ECharts value-axis ends for a free axis snapped to `step`: [min, max] rounded outward, at least one step apart */
export function snappedAxis(step: number): {
  min: (v: { min: number }) => number;
  max: (v: { min: number; max: number }) => number;
} {
  return {
    min: (v) => snapAxis(v.min, step, "down"),
    max: (v) => Math.max(snapAxis(v.max, step, "up"), snapAxis(v.min, step, "down") + step),
  };
}
