/** The import report: what was read, kept and refused (each refused row with its line and reason), as text and JSON. */

export interface RefusedRow {
  line: number;
  reason: string;
}

export interface ImportReport {
  schema: "rongtwin.import-report/1";
  ok: boolean;
  layer: string;
  input: string;
  inputSha256: string;
  format: string;
  encoding?: string;
  sheet?: string;
  /** "opencellid" when the file was recognised as an OpenCelliD export */
  kind: "table" | "opencellid" | "footprints";
  crs: string;
  headerLine?: number;
  /** field -> header text of the column it was read from */
  columns: Record<string, string>;
  rowsRead: number;
  kept: number;
  refused: number;
  refusedByReason: Record<string, number>;
  refusedRows: RefusedRow[];
  /** field -> rows that got the default because the file had no value */
  defaults: Record<string, number>;
  warnings: string[];
  /** figures of the run (footprints: buildings per second, tileset bytes, bytes per 10k buildings) */
  stats?: Record<string, number>;
  /** the layer file written (absent when nothing was written) */
  output?: string;
  error?: string;
  ms: number;
}

/** "bad band \"5G\" (expected …)" -> "bad band"; "duplicate id S-1 (first on line 3)" -> "duplicate id" */
export function reasonKind(reason: string): string {
  return reason
    .replace(/\s*\(.*$/, "")
    .replace(/\s*".*$/, "")
    .replace(/^(duplicate id|bad id)\b.*$/, "$1")
    .trim();
}

export function countReasons(rows: readonly RefusedRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[reasonKind(r.reason)] = (out[reasonKind(r.reason)] ?? 0) + 1;
  return out;
}

/** Plain text for the terminal; lists at most `maxRows` refused rows (the JSON has all). */
export function formatReport(r: ImportReport, maxRows = 20): string {
  const lines: string[] = [];
  const how = [r.format, r.encoding, r.sheet && `sheet "${r.sheet}"`, r.kind === "opencellid" && "OpenCelliD export"]
    .filter(Boolean)
    .join(", ");
  lines.push(`import ${r.layer} from ${r.input} (${how}; crs ${r.crs})`);
  if (r.headerLine !== undefined)
    lines.push(
      `  header on line ${r.headerLine}: ${Object.entries(r.columns)
        .map(([f, h]) => `${f}=${h}`)
        .join(", ")}`,
    );
  lines.push(`  rows read ${r.rowsRead}, kept ${r.kept}, refused ${r.refused}`);
  for (const [k, n] of Object.entries(r.refusedByReason)) lines.push(`    ${n} × ${k}`);
  for (const row of r.refusedRows.slice(0, maxRows)) lines.push(`    line ${row.line}: ${row.reason}`);
  if (r.refusedRows.length > maxRows) lines.push(`    … ${r.refusedRows.length - maxRows} more in the JSON report`);
  const d = Object.entries(r.defaults);
  if (d.length) lines.push(`  defaults used: ${d.map(([f, n]) => `${f} ×${n}`).join(", ")}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (r.stats)
    lines.push(
      `  ${Object.entries(r.stats)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
  if (r.ok) lines.push(`  wrote ${r.output} in ${r.ms} ms`);
  else lines.push(`  FAILED: ${r.error ?? "unknown error"}; previous data left untouched`);
  return lines.join("\n");
}
