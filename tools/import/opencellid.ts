/**
 * The OpenCelliD cell export (radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,
 * averageSignal), recognised by its header. LTE and NR cells of mainland operators (MCC 460) are grouped into
 * sites by operator and position (cells within `groupM` metres of a site's first cell); GSM/UMTS/CDMA cells,
 * other networks and cells outside the city are refused and counted. OpenCelliD positions are WGS84.
 * The export has no band: a site gets its operator's main 5G band (CMCC n41, CUCC/CTCC n78, CBN n28), said in
 * the report.
 */
import type { Band, DistrictName, LonLat, Operator, Site } from "../../src/protocol/data";
import { haversineM } from "../../src/planner/geo";
import type { RawRow } from "./table";
import { parseNumber } from "./normalise";

export const OPENCELLID_HEADER = [
  "radio",
  "mcc",
  "net",
  "area",
  "cell",
  "unit",
  "lon",
  "lat",
  "range",
  "samples",
  "changeable",
  "created",
  "updated",
  "averagesignal",
];

export function isOpenCellId(rows: readonly RawRow[]): boolean {
  const h = rows[0]?.cells.map((c) => c.toLowerCase());
  return !!h && OPENCELLID_HEADER.every((c, i) => h[i] === c);
}

/** MCC 460 mobile network codes */
const NET_OPERATOR: Record<number, Operator> = {
  0: "CMCC",
  2: "CMCC",
  4: "CMCC",
  7: "CMCC",
  8: "CMCC",
  1: "CUCC",
  6: "CUCC",
  9: "CUCC",
  3: "CTCC",
  5: "CTCC",
  11: "CTCC",
  15: "CBN",
};
export const OPERATOR_BAND: Record<Operator, Band> = { CMCC: "n41", CUCC: "n78", CTCC: "n78", CBN: "n28" };

interface Cell {
  line: number;
  radio: "LTE" | "NR";
  operator: Operator;
  mcc: number;
  net: number;
  area: number;
  cell: number;
  lon: number;
  lat: number;
  created: number;
}

interface Group {
  first: Cell;
  cells: Cell[];
  district: DistrictName;
}

export interface OpenCellIdResult {
  sites: Site[];
  refused: { line: number; reason: string }[];
  cellsKept: number;
}

function parseCell(r: RawRow): Cell | string {
  const [radio, mcc, net, area, cell, , lon, lat, , , , created] = r.cells;
  const R = radio.toUpperCase();
  if (R !== "LTE" && R !== "NR") return `${radio} cell (only LTE and NR cells make sites)`;
  const m = parseNumber(mcc);
  if (m !== 460) return `MCC ${mcc} is not mainland China`;
  const n = parseNumber(net) ?? -1;
  const operator = NET_OPERATOR[n];
  if (!operator) return `unknown MNC ${net} for MCC 460`;
  const x = parseNumber(lon);
  const y = parseNumber(lat);
  if (x === null || y === null) return "missing coordinate";
  return {
    line: r.line,
    radio: R,
    operator,
    mcc: m,
    net: n,
    area: parseNumber(area) ?? 0,
    cell: parseNumber(cell) ?? 0,
    lon: x,
    lat: y,
    created: parseNumber(created) ?? 0,
  };
}

const M_PER_DEG_LAT = 111320;

/** Group cells into sites; `districtAt` places a position in the city or returns null (refused). */
export function importOpenCellId(
  rows: readonly RawRow[],
  districtAt: (p: LonLat) => DistrictName | null,
  groupM = 60,
): OpenCellIdResult {
  const refused: OpenCellIdResult["refused"] = [];
  const groups: Group[] = [];
  const grid = new Map<string, Group[]>();
  const cellDeg = groupM / M_PER_DEG_LAT;
  const key = (x: number, y: number) => `${Math.floor(x / cellDeg)}:${Math.floor(y / cellDeg)}`;
  let cellsKept = 0;
  for (const r of rows.slice(1)) {
    const c = parseCell(r);
    if (typeof c === "string") {
      refused.push({ line: r.line, reason: c });
      continue;
    }
    const district = districtAt([c.lon, c.lat]);
    if (!district) {
      refused.push({ line: r.line, reason: "outside the city" });
      continue;
    }
    const near = nearGroup(grid, c, cellDeg, groupM);
    cellsKept++;
    if (near) near.cells.push(c);
    else {
      const g: Group = { first: c, cells: [c], district };
      groups.push(g);
      const k = key(c.lon, c.lat);
      grid.set(k, [...(grid.get(k) ?? []), g]);
    }
  }
  return { sites: groups.map(toSite), refused, cellsKept };
}

function nearGroup(grid: Map<string, Group[]>, c: Cell, cellDeg: number, groupM: number): Group | null {
  const gx = Math.floor(c.lon / cellDeg);
  const gy = Math.floor(c.lat / cellDeg);
  for (let dx = -1; dx <= 1; dx++)
    for (let dy = -1; dy <= 1; dy++)
      for (const g of grid.get(`${gx + dx}:${gy + dy}`) ?? []) {
        if (g.first.operator !== c.operator) continue;
        if (haversineM(g.first.lon, g.first.lat, c.lon, c.lat) <= groupM) return g;
      }
  return null;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function toSite(g: Group): Site {
  const f = g.first;
  const lon = g.cells.reduce((s, c) => s + c.lon, 0) / g.cells.length;
  const lat = g.cells.reduce((s, c) => s + c.lat, 0) / g.cells.length;
  const nr = g.cells.some((c) => c.radio === "NR");
  const created = Math.min(...g.cells.map((c) => c.created).filter((t) => t > 0));
  return {
    id: `OCID-${f.mcc}-${f.net}-${f.area}-${f.cell}`,
    name: `${nr ? "NR" : "LTE"} ${f.area}-${f.cell} (${g.cells.length} cells)`,
    operator: f.operator,
    band: OPERATOR_BAND[f.operator],
    lon: round6(lon),
    lat: round6(lat),
    heightM: 30,
    azimuths: [0, 120, 240],
    tiltDeg: 6,
    txPowerDbm: f.operator === "CBN" ? 48 : 50,
    district: g.district,
    commissioned: new Date(Number.isFinite(created) ? created * 1000 : 0).toISOString().slice(0, 10),
  };
}
