/**
 * The one way a zod error becomes text: each issue as `path: message`, the path as `a.b.2` (dots) or `a.b[2]`
 * (brackets), "(root)" when the issue is about the whole value. Used by every boundary that reports bad input.
 */
import type { z } from "zod";

export interface FieldError {
  field: string;
  reason: string;
}

export type PathStyle = "dots" | "brackets";

/** `["camera", "presets", 0, "lat"]` → `camera.presets.0.lat` (dots) or `camera.presets[0].lat` (brackets) */
export function issuePath(path: readonly PropertyKey[], style: PathStyle = "dots", root = "(root)"): string {
  if (!path.length) return root;
  if (style === "dots") return path.map(String).join(".");
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
}

/** every issue as { field, reason } */
export function zodFieldErrors(err: z.ZodError, root = "(root)"): FieldError[] {
  return err.issues.map((i) => ({ field: issuePath(i.path, "dots", root), reason: i.message }));
}

export interface SummaryOptions {
  /** at most this many issues (default all) */
  max?: number;
  style?: PathStyle;
  /** cut the sentence at this many characters */
  maxChars?: number;
  /** append ` (+N more)` when issues were left out */
  countRest?: boolean;
}

/** One sentence: `path: message; path: message`. */
export function zodSummary(err: z.ZodError, opts: SummaryOptions = {}): string {
  const shown = err.issues.slice(0, opts.max ?? err.issues.length);
  const text = shown.map((i) => `${issuePath(i.path, opts.style)}: ${i.message}`).join("; ");
  const rest = err.issues.length - shown.length;
  const full = opts.countRest && rest > 0 ? `${text} (+${rest} more)` : text;
  return opts.maxChars === undefined ? full : full.slice(0, opts.maxChars);
}
