/**
 * Heat-map rasteriser: coverage grid → RGBA pixels (one pixel per cell, north row first, as canvas ImageData
 * expects) plus a legend. The UI drapes the image on the grid's lon/lat rectangle (west/south/east/north), e.g.
 * with a SingleTileImageryProvider or an ImageMaterialProperty on a Rectangle.
 */
import type { CoverageGrid, Thresholds } from "./coverage";
import { NO_SIGNAL } from "./coverage";

export interface LegendStop {
  /** lower bound of the class, dBm (−Infinity for the last class) */
  minDbm: number;
  /** CSS colour #rrggbb */
  color: string;
  /** 0–255 */
  alpha: number;
  label: string;
}

/**
 * Legend derived from the thresholds: three good classes (≥ good+20, ≥ good+10, ≥ good), a fair band
 * [weak, good), and two weak classes (≥ weak−10, below).
 */
export function defaultLegend(t: Thresholds): LegendStop[] {
  const g = t.goodDbm,
    w = t.weakDbm;
  const stops: LegendStop[] = [
    { minDbm: g + 20, color: "#1a9850", alpha: 170, label: `≥ ${g + 20} dBm` },
    { minDbm: g + 10, color: "#66bd63", alpha: 160, label: `${g + 10} … ${g + 20}` },
    { minDbm: g, color: "#a6d96a", alpha: 150, label: `${g} … ${g + 10} (good)` },
  ];
  if (w < g) stops.push({ minDbm: w, color: "#fee08b", alpha: 160, label: `${w} … ${g} (fair)` });
  stops.push({ minDbm: w - 10, color: "#f46d43", alpha: 170, label: `${w - 10} … ${w} (weak)` });
  stops.push({ minDbm: -Infinity, color: "#a50026", alpha: 180, label: `< ${w - 10} dBm / none` });
  return stops;
}

function rgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`heat map legend: colour must be #rrggbb, got ${hex}`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** RGBA pixels (width nx, height ny, north row first); cells outside the area are transparent. */
export function rasterise(
  grid: Pick<CoverageGrid, "nx" | "ny" | "mask" | "best">,
  legend: readonly LegendStop[],
): Uint8ClampedArray {
  const { nx, ny, mask, best } = grid;
  const cols = legend.map((s) => rgb(s.color));
  const out = new Uint8ClampedArray(nx * ny * 4);
  for (let j = 0; j < ny; j++) {
    const row = ny - 1 - j; // image row 0 = northmost grid row
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (!mask[c]) continue;
      const v = best[c] <= NO_SIGNAL ? -Infinity : best[c];
      let k = 0;
      while (k < legend.length - 1 && v < legend[k].minDbm) k++;
      const p = (row * nx + i) * 4;
      out[p] = cols[k][0];
      out[p + 1] = cols[k][1];
      out[p + 2] = cols[k][2];
      out[p + 3] = legend[k].alpha;
    }
  }
  return out;
}
