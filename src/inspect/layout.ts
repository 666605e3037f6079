/**
 * Pure geometry and colour rules of the facility drill-down (no three.js here, so they are unit-tested in Node):
 * where the racks of a data centre stand, which way a sector antenna points, which colour a value gets.
 *
 * Frame: metres, y up, north = -z, east = +x (three.js convention with the camera looking north by default).
 */

export type Rgb = readonly [number, number, number];

/** Rack footprint and spacing (a standard 600 x 1200 mm rack, 2.2 m tall; 1.2 m aisles). */
export const RACK = { w: 0.6, d: 1.2, h: 2.2, aisle: 1.2, hallGap: 4, margin: 1.5 } as const;

export interface HallRect {
  /** centre x, z and size w (x), d (z) */
  x: number;
  z: number;
  w: number;
  d: number;
  /** first rack index in this hall and how many it holds */
  first: number;
  count: number;
}

export interface RackLayout {
  /** x, z of each rack centre */
  xz: Float32Array;
  halls: HallRect[];
  /** half-size of the whole floor plan (for framing the camera) */
  extent: number;
}

/**
 * Spread `n` racks over `halls` halls as evenly as possible (the first halls take the remainder), each hall a block
 * of rows (racks side by side along x, rows separated by aisles along z), halls on a near-square grid.
 */
export function rackLayout(n: number, halls: number): RackLayout {
  if (!Number.isInteger(n) || n < 0) throw new Error(`rackLayout: rack count must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(halls) || halls < 1)
    throw new Error(`rackLayout: halls must be a positive integer, got ${halls}`);
  const H = Math.max(1, Math.min(halls, Math.max(1, n)));
  const base = Math.floor(n / H);
  const extra = n - base * H;
  const maxPer = base + (extra ? 1 : 0);
  // rows per hall: aim for a hall about as deep as it is wide
  const rows = Math.max(1, Math.round(Math.sqrt((maxPer * RACK.w) / (RACK.d + RACK.aisle))));
  const perRow = Math.max(1, Math.ceil(maxPer / rows));
  const hallW = perRow * RACK.w + 2 * RACK.margin;
  const hallD = rows * RACK.d + (rows - 1) * RACK.aisle + 2 * RACK.margin;
  const cols = Math.ceil(Math.sqrt(H));
  const gridRows = Math.ceil(H / cols);
  const totalW = cols * hallW + (cols - 1) * RACK.hallGap;
  const totalD = gridRows * hallD + (gridRows - 1) * RACK.hallGap;
  const xz = new Float32Array(n * 2);
  const out: HallRect[] = [];
  let k = 0;
  for (let hIdx = 0; hIdx < H; hIdx++) {
    const count = base + (hIdx < extra ? 1 : 0);
    const c = hIdx % cols;
    const r = Math.floor(hIdx / cols);
    const cx = -totalW / 2 + hallW / 2 + c * (hallW + RACK.hallGap);
    const cz = -totalD / 2 + hallD / 2 + r * (hallD + RACK.hallGap);
    out.push({ x: cx, z: cz, w: hallW, d: hallD, first: k, count });
    for (let j = 0; j < count; j++, k++) {
      const row = Math.floor(j / perRow);
      const col = j % perRow;
      xz[2 * k] = cx - hallW / 2 + RACK.margin + RACK.w / 2 + col * RACK.w;
      xz[2 * k + 1] = cz - hallD / 2 + RACK.margin + RACK.d / 2 + row * (RACK.d + RACK.aisle);
    }
  }
  return { xz, halls: out, extent: Math.max(totalW, totalD) / 2 };
}

/** Unit vector of a sector antenna's boresight: azimuth clockwise from north, downtilt positive = down. */
export function sectorDirection(azimuthDeg: number, tiltDeg: number): [number, number, number] {
  const a = (azimuthDeg * Math.PI) / 180;
  const t = (tiltDeg * Math.PI) / 180;
  return [Math.sin(a) * Math.cos(t), -Math.sin(t), -Math.cos(a) * Math.cos(t)];
}

const hex = (s: string): Rgb => [
  parseInt(s.slice(1, 3), 16) / 255,
  parseInt(s.slice(3, 5), 16) / 255,
  parseInt(s.slice(5, 7), 16) / 255,
];

/** Piecewise-linear ramp over (value, colour) stops, clamped at both ends; colours are sRGB 0..1. */
export function ramp(stops: ReadonlyArray<readonly [number, string]>, v: number): Rgb {
  if (!Number.isFinite(v)) return hex("#5b6577");
  if (v <= stops[0][0]) return hex(stops[0][1]);
  for (let i = 1; i < stops.length; i++) {
    const [v1, c1] = stops[i];
    if (v <= v1) {
      const [v0, c0] = stops[i - 1];
      const f = (v - v0) / (v1 - v0);
      const a = hex(c0);
      const b = hex(c1);
      return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
    }
  }
  return hex(stops[stops.length - 1][1]);
}

/** Utilisation 0..1: quiet blue, healthy cyan-green, amber from 80 %, red at 95 % and above. */
export const LOAD_STOPS = [
  [0, "#1f5fbf"],
  [0.5, "#22d3a6"],
  [0.8, "#ffb020"],
  [0.95, "#ff4d4f"],
] as const;
/** Rack inlet °C: ASHRAE A1 recommended band is 18-27 °C; amber at its top, red from 32 °C. */
export const TEMP_STOPS = [
  [18, "#2a7fff"],
  [23, "#22d3a6"],
  [27, "#ffb020"],
  [32, "#ff4d4f"],
] as const;

export const loadColor = (u: number): Rgb => ramp(LOAD_STOPS, u);
export const tempColor = (c: number): Rgb => ramp(TEMP_STOPS, c);

export const CONNECTOR_CSS = { idle: "#2ad4ff", charging: "#22d3a6", fault: "#ff4d4f", offline: "#8a94a6" } as const;
export type ConnectorState = keyof typeof CONNECTOR_CSS;
export const connectorColor = (s: ConnectorState): Rgb => hex(CONNECTOR_CSS[s] ?? "#5b6577");

export const toCss = (c: Rgb): string =>
  `#${c
    .map((x) =>
      Math.round(Math.min(1, Math.max(0, x)) * 255)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;

/** Connector bays under a canopy: two rows facing each other, `spacing` metres apart along x. */
export function connectorLayout(n: number, spacing = 3.2): Float32Array {
  const perRow = Math.ceil(n / 2);
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const row = i < perRow ? 0 : 1;
    const j = row ? i - perRow : i;
    const inRow = row ? n - perRow : perRow;
    out[2 * i] = (j - (inRow - 1) / 2) * spacing;
    out[2 * i + 1] = row ? 2.2 : -2.2;
  }
  return out;
}
