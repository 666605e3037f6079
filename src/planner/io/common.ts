/**
 * Shared pieces of scenario import: the error shape and the per-record candidate validation used by both the
 * GeoJSON and the CSV readers (absent radio fields take the candidate defaults; present but invalid ones are errors).
 */
import { Candidate } from "../../protocol/scenario";
import { zodFieldErrors } from "../../protocol/zod-errors";
import { DEFAULT_CANDIDATE } from "../candidates";

export interface ImportError {
  /** 1-based line of the CSV file (header = line 1), or 1-based feature number for GeoJSON; 0 = whole file */
  line: number;
  /** offending field ("(row)" or "(file)" when not one field) */
  field: string;
  reason: string;
}

export interface ImportResult {
  items: Candidate[];
  errors: ImportError[];
}

/** Validate one raw record; on failure return every field-level reason, tagged with the line. */
export function validateRecord(
  raw: Record<string, unknown>,
  line: number,
  seen: Map<string, number>,
  idPrefix: string,
): { item?: Candidate; errors: ImportError[] } {
  const withDefaults: Record<string, unknown> = { ...DEFAULT_CANDIDATE, source: "import", ...raw };
  if (withDefaults.id === undefined || withDefaults.id === "") withDefaults.id = `${idPrefix}-${line}`;
  for (const k of ["lon", "lat"] as const)
    if (raw[k] === undefined) return { errors: [{ line, field: k, reason: "required" }] };
  const r = Candidate.safeParse(withDefaults);
  if (!r.success) {
    return {
      errors: zodFieldErrors(r.error, "(row)").map((e) => ({ line, ...e })),
    };
  }
  const prev = seen.get(r.data.id);
  if (prev !== undefined)
    return { errors: [{ line, field: "id", reason: `duplicate id ${r.data.id} (first on line ${prev})` }] };
  seen.set(r.data.id, line);
  return { item: r.data, errors: [] };
}
