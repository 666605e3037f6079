/**
 * Reads an input file into raw rows of text cells, whatever its format: CSV (papaparse, after decoding), XLSX
 * (exceljs; first sheet or a named one; merged cells read as their master cell's value) or GeoJSON points (the
 * properties become columns, the point becomes `lon`/`lat`). Header detection happens later (columns.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import ExcelJS from "exceljs";
import { z } from "zod";
import { decodeText, type Encoding } from "./encoding";

export interface RawRow {
  /** 1-based line (CSV) or sheet row number (XLSX) or feature number (GeoJSON), as a user finds it */
  line: number;
  cells: string[];
}

export interface RawTable {
  format: "csv" | "xlsx" | "geojson";
  encoding?: Encoding;
  bom?: boolean;
  sheet?: string;
  rows: RawRow[];
  /** GeoJSON only: rows whose geometry was not a point, with the reason */
  refused: { line: number; reason: string }[];
}

export interface ReadOptions {
  encoding?: Encoding;
  sheet?: string;
}

export function formatOf(file: string): RawTable["format"] {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv" || ext === ".txt" || ext === ".tsv") return "csv";
  if (ext === ".xlsx" || ext === ".xlsm") return "xlsx";
  if (ext === ".geojson" || ext === ".json") return "geojson";
  throw new Error(`${path.basename(file)}: unknown format "${ext}" (expected .csv, .xlsx or .geojson)`);
}

export async function readTable(file: string, opts: ReadOptions = {}): Promise<RawTable> {
  const format = formatOf(file);
  if (format === "csv") return readCsv(readFileSync(file), opts.encoding);
  if (format === "xlsx") return readXlsx(file, opts.sheet);
  return readGeoJsonPoints(readFileSync(file, "utf8"), path.basename(file));
}

export function readCsv(buf: Buffer, encoding?: Encoding): RawTable {
  const { text, encoding: enc, bom } = decodeText(buf, encoding);
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false, delimiter: "" });
  const rows: RawRow[] = [];
  parsed.data.forEach((cells, i) => {
    const trimmed = cells.map((c) => String(c ?? "").trim());
    if (trimmed.some((c) => c !== "")) rows.push({ line: i + 1, cells: trimmed });
  });
  return { format: "csv", encoding: enc, bom, rows, refused: [] };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("result" in v) return cellText(v.result as ExcelJS.CellValue);
    if ("richText" in v) return v.richText.map((r) => r.text).join("");
    if ("text" in v) return String(v.text);
    if ("error" in v) return "";
  }
  return String(v).trim();
}

export async function readXlsx(file: string, sheetName?: string): Promise<RawTable> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = sheetName ? wb.getWorksheet(sheetName) : wb.worksheets[0];
  if (!ws) {
    const names = wb.worksheets.map((w) => w.name).join(", ");
    throw new Error(`${path.basename(file)}: no sheet "${sheetName ?? ""}" (sheets: ${names || "none"})`);
  }
  const width = ws.columnCount;
  const rows: RawRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    if (cells.some((c) => c !== "")) rows.push({ line: n, cells });
  });
  return { format: "xlsx", sheet: ws.name, rows, refused: [] };
}

const PointFeature = z.object({
  type: z.literal("Feature"),
  properties: z.record(z.string(), z.unknown()).nullable().optional(),
  geometry: z.object({ type: z.string(), coordinates: z.unknown() }).nullable(),
});
const FeatureCollection = z.object({ type: z.literal("FeatureCollection"), features: z.array(z.unknown()) });

export function readGeoJsonPoints(text: string, fileName: string): RawTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fileName}: not valid JSON: ${(e as Error).message}`);
  }
  const fc = FeatureCollection.safeParse(json);
  if (!fc.success) throw new Error(`${fileName}: not a GeoJSON FeatureCollection`);
  const keys = new Set<string>();
  const feats: { line: number; props: Record<string, unknown>; lon: unknown; lat: unknown }[] = [];
  const refused: RawTable["refused"] = [];
  fc.data.features.forEach((raw, i) => {
    const f = PointFeature.safeParse(raw);
    const line = i + 1;
    if (!f.success) return refused.push({ line, reason: "not a GeoJSON Feature" });
    const g = f.data.geometry;
    if (!g || g.type !== "Point" || !Array.isArray(g.coordinates))
      return refused.push({ line, reason: `geometry is ${g?.type ?? "empty"}, expected Point` });
    const props = f.data.properties ?? {};
    Object.keys(props).forEach((k) => keys.add(k));
    feats.push({ line, props, lon: g.coordinates[0], lat: g.coordinates[1] });
  });
  const cols = [...keys].filter((k) => !["lon", "lat"].includes(k.toLowerCase()));
  const rows: RawRow[] = [{ line: 0, cells: ["lon", "lat", ...cols] }];
  for (const f of feats)
    rows.push({
      line: f.line,
      cells: [
        String(f.lon ?? ""),
        String(f.lat ?? ""),
        ...cols.map((k) => (f.props[k] == null ? "" : String(f.props[k]))),
      ],
    });
  return { format: "geojson", rows, refused };
}
