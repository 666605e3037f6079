/**
 * Candidates ⇄ CSV (header row; one candidate per line). Parsed with papaparse (quotes, embedded commas,
 * BOM, CRLF handled by a maintained parser). Columns:
 *   id,name,lon,lat,heightM,azimuth1,azimuth2,azimuth3,tiltDeg,txPowerDbm,band,source
 * lon and lat are required; empty radio columns take the candidate defaults. Unknown columns are ignored.
 */
import Papa from "papaparse";
import type { Candidate } from "../../protocol/scenario";
import { type ImportError, type ImportResult, validateRecord } from "./common";

export const CSV_COLUMNS = [
  "id",
  "name",
  "lon",
  "lat",
  "heightM",
  "azimuth1",
  "azimuth2",
  "azimuth3",
  "tiltDeg",
  "txPowerDbm",
  "band",
  "source",
] as const;
const NUMERIC = new Set(["lon", "lat", "heightM", "azimuth1", "azimuth2", "azimuth3", "tiltDeg", "txPowerDbm"]);

export function candidatesToCSV(items: readonly Candidate[]): string {
  const rows = items.map((c) => [
    c.id,
    c.name ?? "",
    c.lon,
    c.lat,
    c.heightM,
    c.azimuths[0],
    c.azimuths[1],
    c.azimuths[2],
    c.tiltDeg,
    c.txPowerDbm,
    c.band,
    c.source ?? "",
  ]);
  return Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { newline: "\n" }) + "\n";
}

/** Parse CSV text; rows with problems are reported by line and field, valid rows are kept. */
export function csvToCandidates(text: string, idPrefix = "IMP"): ImportResult {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const nl: number[] = [];
  for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) nl.push(i);
  const lineAt = (offset: number) => {
    let lo = 0,
      hi = nl.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nl[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const items: Candidate[] = [];
  const errors: ImportError[] = [];
  const seen = new Map<string, number>();
  let header: string[] | null = null;
  let rowStart = 0;
  Papa.parse<string[]>(src, {
    header: false,
    skipEmptyLines: false,
    step: (res) => {
      const start = rowStart;
      rowStart = res.meta.cursor;
      while (rowStart < src.length && (src[rowStart] === "\n" || src[rowStart] === "\r")) rowStart++;
      const line = lineAt(start);
      const row = res.data;
      if (!header) {
        header = row.map((h) => h.trim());
        for (const req of ["lon", "lat"])
          if (!header.includes(req)) errors.push({ line, field: req, reason: "missing column in header" });
        return;
      }
      if (row.length === 1 && row[0].trim() === "") return; // blank line
      for (const e of res.errors) errors.push({ line, field: "(row)", reason: e.message });
      if (row.length !== header.length) {
        errors.push({ line, field: "(row)", reason: `expected ${header.length} fields, found ${row.length}` });
        return;
      }
      const raw: Record<string, unknown> = {};
      const bad: ImportError[] = [];
      header.forEach((h, k) => {
        const v = row[k].trim();
        if (v === "" || !(CSV_COLUMNS as readonly string[]).includes(h)) return;
        if (NUMERIC.has(h)) {
          const n = Number(v);
          if (!Number.isFinite(n)) bad.push({ line, field: h, reason: `not a number: ${JSON.stringify(v)}` });
          else raw[h] = n;
        } else raw[h] = v;
      });
      if (bad.length) return void errors.push(...bad);
      const az = ["azimuth1", "azimuth2", "azimuth3"].map((k) => raw[k]);
      for (const k of ["azimuth1", "azimuth2", "azimuth3"]) delete raw[k];
      if (az.some((a) => a !== undefined)) {
        if (az.some((a) => a === undefined))
          return void errors.push({ line, field: "azimuth1..3", reason: "give all three azimuths or none" });
        raw.azimuths = az;
      }
      const r = validateRecord(raw, line, seen, idPrefix);
      for (const e of r.errors)
        if (e.field.startsWith("azimuths.")) e.field = `azimuth${Number(e.field.split(".")[1]) + 1}`;
      if (r.item) items.push(r.item);
      errors.push(...r.errors);
    },
  });
  if (!header) errors.push({ line: 1, field: "(file)", reason: "empty file: expected a header row" });
  return { items, errors };
}
