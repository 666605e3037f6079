/**
 * Which column holds which field: recognised by header name (Chinese and English, units in brackets ignored), with
 * `--map field=column` overrides; finds the header row below any title rows, and reads a merged group header
 * ("坐标" over "经度 | 纬度") from the row above where the header row itself names nothing.
 */
import type { RawRow } from "./table";

export type ImportLayer = "sites" | "datacentres" | "chargers" | "sensors";

const COMMON = {
  id: [
    "id",
    "编号",
    "站号",
    "基站编号",
    "站点编号",
    "基站id",
    "站点id",
    "siteid",
    "stationid",
    "设备编号",
    "编码",
    "code",
  ],
  name: [
    "name",
    "名称",
    "站名",
    "基站名称",
    "站点名称",
    "站点名",
    "sitename",
    "stationname",
    "充电站名称",
    "数据中心名称",
  ],
  lon: ["lon", "lng", "long", "longitude", "经度", "x"],
  lat: ["lat", "latitude", "纬度", "y"],
} as const;

/** Recognised header names per layer field (compared after `normaliseHeader`). The README table is this table. */
export const COLUMN_ALIASES: Record<ImportLayer, Record<string, readonly string[]>> = {
  sites: {
    ...COMMON,
    operator: ["operator", "运营商", "所属运营商", "carrier", "网络运营商"],
    band: ["band", "频段", "频率", "nrband", "frequencyband"],
    heightM: ["height", "heightm", "挂高", "天线挂高", "antennaheight", "高度"],
    azimuths: ["azimuth", "azimuths", "方位角", "天线方位角"],
    tiltDeg: ["tilt", "tiltdeg", "下倾角", "总下倾角", "downtilt"],
    txPowerDbm: ["txpower", "txpowerdbm", "power", "发射功率"],
    commissioned: ["commissioned", "开通日期", "开通时间", "入网日期", "建设日期", "date"],
  },
  datacentres: {
    ...COMMON,
    nameEn: ["nameen", "英文名称", "englishname"],
    kind: ["kind", "type", "类型", "数据中心类型"],
    racks: ["racks", "机架数", "机架", "标准机架数", "机柜数"],
    itCapacityMw: ["itcapacitymw", "itcapacity", "it容量", "it负载", "电力容量", "容量"],
    designPue: ["pue", "designpue", "设计pue"],
    pflops: ["pflops", "算力", "算力规模"],
    halls: ["halls", "机房数", "机房", "机楼数"],
    inPark: ["inpark", "园区内", "是否在园区"],
  },
  chargers: {
    ...COMMON,
    kind: ["kind", "type", "类型", "站点类型", "充电站类型"],
    connectors: ["connectors", "枪数", "充电枪数", "充电桩数", "桩数", "终端数"],
    connectorKw: ["connectorkw", "power", "kw", "功率", "单枪功率", "额定功率", "最大功率"],
    solarKwp: ["solarkwp", "solar", "光伏", "光伏容量", "光伏装机"],
    storageKwh: ["storagekwh", "storage", "储能", "储能容量"],
  },
  sensors: {
    ...COMMON,
    kind: ["kind", "type", "类型", "检测器类型", "设备类型"],
    road: ["road", "道路", "所在道路", "路名", "道路名称"],
    roadId: ["roadid", "道路编号"],
    chainageM: ["chainage", "chainagem", "桩号", "里程"],
  },
};

/** "挂高(m)" -> "挂高", "Site_ID" -> "siteid", "经度（GCJ02）" -> "经度" */
export function normaliseHeader(s: string): string {
  return s
    .replace(/[（(][^）)]*[）)]/g, "")
    .replace(/[\s_\-/.:：]+/g, "")
    .toLowerCase();
}

export interface ColumnMap {
  /** the row number of the header (as in the file) */
  headerLine: number;
  /** index of the first data row in the raw rows */
  dataStart: number;
  /** field -> column index */
  columns: Record<string, number>;
  /** header text per column (for the report) */
  headers: string[];
}

function fieldOf(layer: ImportLayer, header: string): string | null {
  const n = normaliseHeader(header);
  if (!n) return null;
  for (const [field, names] of Object.entries(COLUMN_ALIASES[layer])) if (names.includes(n)) return field;
  return null;
}

function scoreRow(layer: ImportLayer, cells: string[]): number {
  const seen = new Set<string>();
  for (const c of cells) {
    const f = fieldOf(layer, c);
    if (f) seen.add(f);
  }
  return seen.size + (seen.has("lon") && seen.has("lat") ? 2 : 0);
}

/** Parse `--map field=column` strings. */
export function parseMapArgs(layer: ImportLayer, args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new Error(`--map ${a}: expected field=column`);
    const field = a.slice(0, eq).trim();
    if (!(field in COLUMN_ALIASES[layer]))
      throw new Error(
        `--map ${a}: unknown field "${field}" for ${layer} (fields: ${Object.keys(COLUMN_ALIASES[layer]).join(", ")})`,
      );
    out[field] = a.slice(eq + 1).trim();
  }
  return out;
}

/** Find the header row among the first rows and map fields to columns. Throws naming what is missing. */
export function mapColumns(
  layer: ImportLayer,
  rows: readonly RawRow[],
  overrides: Record<string, string> = {},
): ColumnMap {
  const scan = Math.min(rows.length, 20);
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < scan; i++) {
    const s = scoreRow(layer, rows[i].cells) + Object.values(overrides).filter((c) => rows[i].cells.includes(c)).length;
    if (s > bestScore) [best, bestScore] = [i, s];
  }
  if (best < 0)
    throw new Error(`no header row found in the first ${scan} rows (expected columns like 经度/lon, 纬度/lat)`);
  const header = rows[best].cells;
  const above = best > 0 ? rows[best - 1].cells : [];
  const columns: Record<string, number> = {};
  header.forEach((h, i) => {
    const f = fieldOf(layer, h) ?? (above[i] ? fieldOf(layer, above[i]) : null);
    if (f && columns[f] === undefined) columns[f] = i;
  });
  for (const [field, col] of Object.entries(overrides)) {
    const i = header.findIndex((h) => h === col || normaliseHeader(h) === normaliseHeader(col));
    if (i < 0) throw new Error(`--map ${field}=${col}: no column "${col}" in the header (line ${rows[best].line})`);
    columns[field] = i;
  }
  const missing = ["lon", "lat"].filter((f) => columns[f] === undefined);
  if (missing.length)
    throw new Error(
      `header (line ${rows[best].line}) has no ${missing.join(" or ")} column; columns: ${header.join(", ")}; use --map ${missing[0]}=<column>`,
    );
  return { headerLine: rows[best].line, dataStart: best + 1, columns, headers: header };
}
