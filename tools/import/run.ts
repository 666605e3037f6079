/**
 * One import, start to end: read the table, map the columns (or recognise an OpenCelliD export), build and validate
 * every row, check the coordinate system, then write the layer file and its report into the data directory.
 * Nothing is written unless the whole new layer file validates: a failed import leaves the previous data untouched.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  ChargersFile,
  DataCentresFile,
  DistrictsFile,
  RoadsFile,
  SensorsFile,
  SitesFile,
  parseDataFile,
  type LonLat,
  type Road,
} from "../../src/protocol/data";
import { DistrictIndex } from "../data/geo";
import { mapColumns, type ImportLayer } from "./columns";
import { suggestCrs, type Crs } from "./crs";
import type { Encoding } from "./encoding";
import { importOpenCellId, isOpenCellId } from "./opencellid";
import { silentProgress, type Progress } from "./progress";
import { buildRecord } from "./records";
import { countReasons, type ImportReport, type RefusedRow } from "./report";
import { readTable, type RawTable } from "./table";
import { prepareDataDir, writeFileAtomic } from "./write";
import { runBuildingsImport, type BuildingsImportOptions } from "./buildings";

export const IMPORTER = { name: "rongtwin-import", version: "1.0.0" };

export interface ImportOptions {
  layer: ImportLayer;
  file: string;
  dataDir: string;
  crs: Crs;
  encoding?: Encoding;
  sheet?: string;
  /** field -> column header overrides */
  map?: Record<string, string>;
  progress?: Progress;
  /** the import date (tests pin it) */
  now?: Date;
}

const FILE_SCHEMAS = {
  sites: { schema: "rongtwin.sites/1", file: SitesFile },
  datacentres: { schema: "rongtwin.datacentres/1", file: DataCentresFile },
  chargers: { schema: "rongtwin.chargers/1", file: ChargersFile },
  sensors: { schema: "rongtwin.sensors/1", file: SensorsFile },
} as const;

interface Built {
  items: unknown[];
  refused: RefusedRow[];
  rowsRead: number;
  raw: LonLat[];
  defaults: Record<string, number>;
  columns: Record<string, string>;
  headerLine?: number;
  kind: ImportReport["kind"];
}

function loadCity(dataDir: string): { index: DistrictIndex; roads: Road[] } {
  const d = path.join(dataDir, "districts.geojson");
  const index = new DistrictIndex(parseDataFile(DistrictsFile, JSON.parse(readFileSync(d, "utf8")), d));
  const r = path.join(dataDir, "roads.json");
  const roads = existsSync(r) ? parseDataFile(RoadsFile, JSON.parse(readFileSync(r, "utf8")), r).items : [];
  return { index, roads };
}

function buildRows(opts: ImportOptions, table: RawTable, index: DistrictIndex, roads: Road[]): Built {
  const progress = opts.progress ?? silentProgress;
  const map = mapColumns(opts.layer, table.rows, opts.map);
  const districtAt = (p: LonLat) => index.districtAt(p[0], p[1]);
  const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
  const out: Built = {
    items: [],
    refused: [...table.refused],
    rowsRead: table.rows.length - map.dataStart + table.refused.length,
    raw: [],
    defaults: {},
    columns: Object.fromEntries(Object.entries(map.columns).map(([f, i]) => [f, map.headers[i] ?? `#${i + 1}`])),
    headerLine: table.format === "geojson" ? undefined : map.headerLine,
    kind: "table",
  };
  const seen = new Map<string, number>();
  const rows = table.rows.slice(map.dataStart);
  progress.start(rows.length, `${opts.layer} rows`);
  const ctx = { crs: opts.crs, districtAt, roads, today, defaulted: () => {} };
  rows.forEach((row, i) => {
    const r = buildRecord(opts.layer, row.cells, row.line, map, ctx, seen);
    if (r.raw) out.raw.push(r.raw);
    if (r.ok) {
      out.items.push(r.record);
      for (const f of r.defaults) out.defaults[f] = (out.defaults[f] ?? 0) + 1;
    } else out.refused.push({ line: row.line, reason: r.reason });
    if (i % 1000 === 0) progress.update(i);
  });
  progress.update(rows.length);
  progress.stop();
  return out;
}

function buildOpenCellId(table: RawTable, index: DistrictIndex): Built {
  const r = importOpenCellId(table.rows, (p) => index.districtAt(p[0], p[1]));
  return {
    items: r.sites,
    refused: r.refused,
    rowsRead: table.rows.length - 1,
    raw: [],
    defaults: r.sites.length ? { band: r.sites.length, heightM: r.sites.length, azimuths: r.sites.length } : {},
    columns: {},
    headerLine: table.rows[0]?.line,
    kind: "opencellid",
  };
}

export function sha256File(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

export function reportPath(dataDir: string, layer: string): string {
  return path.join(dataDir, "import", `${layer}.report.json`);
}

function newReport(layer: string, file: string, crs: Crs): ImportReport {
  return {
    schema: "rongtwin.import-report/1",
    ok: false,
    layer,
    input: path.basename(file),
    inputSha256: "",
    format: "",
    kind: "table",
    crs,
    columns: {},
    rowsRead: 0,
    kept: 0,
    refused: 0,
    refusedByReason: {},
    refusedRows: [],
    defaults: {},
    warnings: [],
    ms: 0,
  };
}

/** Run `body`; a throw becomes the report's error. The report JSON goes beside the data in every case. */
async function reported(
  layer: string,
  opts: { file: string; dataDir: string; crs: Crs },
  body: (report: ImportReport) => Promise<void>,
): Promise<ImportReport> {
  const t0 = Date.now();
  const report = newReport(layer, opts.file, opts.crs);
  try {
    if (!existsSync(opts.file)) throw new Error(`${opts.file}: no such file`);
    report.inputSha256 = sha256File(opts.file);
    await body(report);
    report.ok = true;
  } catch (e) {
    report.error = (e as Error).message;
  }
  report.ms = Date.now() - t0;
  if (existsSync(opts.dataDir))
    writeFileAtomic(reportPath(opts.dataDir, layer), JSON.stringify(report, null, 2) + "\n");
  return report;
}

/** Import a table of one live layer. Never throws for bad input: the report says what failed (ok: false). */
export function importLayer(opts: ImportOptions): Promise<ImportReport> {
  return reported(opts.layer, opts, async (report) => {
    prepareDataDir(opts.dataDir);
    const { index, roads } = loadCity(opts.dataDir);
    const table = await readTable(opts.file, { encoding: opts.encoding, sheet: opts.sheet });
    Object.assign(report, { format: table.format, encoding: table.encoding, sheet: table.sheet });
    const ocid = opts.layer === "sites" && table.format === "csv" && isOpenCellId(table.rows);
    if (ocid && opts.crs !== "wgs84") report.warnings.push(`OpenCelliD positions are WGS84; --crs ${opts.crs} ignored`);
    const built = ocid ? buildOpenCellId(table, index) : buildRows(opts, table, index, roads);
    if (ocid) report.crs = "wgs84";
    Object.assign(report, {
      kind: built.kind,
      headerLine: built.headerLine,
      columns: built.columns,
      rowsRead: built.rowsRead,
      kept: built.items.length,
      refused: built.refused.length,
      refusedByReason: countReasons(built.refused),
      refusedRows: built.refused.sort((a, b) => a.line - b.line),
      defaults: built.defaults,
    });
    if (ocid)
      report.warnings.push(
        "OpenCelliD has no band: each site has its operator's main 5G band (CMCC n41, CUCC/CTCC n78, CBN n28)",
      );
    const hint = suggestCrs(built.raw, opts.crs, (p) => index.districtAt(p[0], p[1]) !== null);
    if (hint)
      report.warnings.push(
        `${hint.total - hint.insideAsGiven} of ${hint.total} points fall outside the city as ${opts.crs}, ` +
          `${hint.total - hint.insideIfSuggested} as ${hint.crs}: the file looks like ${hint.crs.toUpperCase()}; try --crs ${hint.crs}`,
      );
    if (built.items.length === 0) throw new Error("no row could be imported (see the refused rows)");
    writeLayer(opts, report, built.items);
  });
}

/** Import building footprints into buildings.json and 3D Tiles. Never throws for bad input. */
export function importBuildings(opts: BuildingsImportOptions): Promise<ImportReport> {
  return reported("buildings", opts, (report) => runBuildingsImport(opts, report, report.inputSha256));
}

function writeLayer(opts: ImportOptions, report: ImportReport, items: unknown[]): void {
  const { schema, file } = FILE_SCHEMAS[opts.layer];
  const date = (opts.now ?? new Date()).toISOString().slice(0, 10);
  const json = {
    schema,
    sample: false,
    generator: { name: IMPORTER.name, version: IMPORTER.version, seed: 0 },
    source: report.input,
    note: `Imported ${date} from ${report.input} (sha256 ${report.inputSha256.slice(0, 12)}, ${report.crs} -> WGS84); ${report.kept} kept, ${report.refused} refused.`,
    items,
  };
  const target = path.join(opts.dataDir, `${opts.layer}.json`);
  parseDataFile(file, json, path.basename(target));
  writeFileAtomic(target, JSON.stringify(json) + "\n");
  report.output = target;
}
