/**
 * Pure planner-panel logic (no DOM, no Cesium): parsing and validating form inputs, closing a drawn polygon,
 * number formatting, file names. Unit-tested in forms.test.ts.
 */
import { Band, type DistrictName } from "../../protocol/data";
import type { Candidate, PlannerArea, PlannerParams } from "../../protocol/scenario";
import { haversineM } from "../../planner/geo";

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

/** A number from a text input, within [min, max]; the error names the field. */
export function parseNumber(raw: string, field: string, min: number, max: number): Parsed<number> {
  const s = raw.trim().replace(/[−–]/g, "-").replace(/,/g, "");
  if (s === "") return { ok: false, field, reason: "required" };
  const v = Number(s);
  if (!Number.isFinite(v)) return { ok: false, field, reason: `not a number: "${raw}"` };
  if (v < min || v > max) return { ok: false, field, reason: `must be between ${min} and ${max}, got ${v}` };
  return { ok: true, value: v };
}

export interface AnalysisForm {
  goodDbm: number;
  weakDbm: number;
  penetrationDb: number;
}
export const DEFAULT_ANALYSIS: Readonly<AnalysisForm> = { goodDbm: -105, weakDbm: -110, penetrationDb: 20 };

/** Thresholds and indoor loss from the panel's inputs; every problem is reported (field + reason). */
export function parseAnalysisForm(raw: { goodDbm: string; weakDbm: string; penetrationDb: string }): {
  value?: AnalysisForm;
  errors: { field: string; reason: string }[];
} {
  const good = parseNumber(raw.goodDbm, "goodDbm", -160, -30);
  const weak = parseNumber(raw.weakDbm, "weakDbm", -160, -30);
  const pen = parseNumber(raw.penetrationDb, "penetrationDb", 0, 60);
  const errors: { field: string; reason: string }[] = [];
  for (const p of [good, weak, pen]) if (!p.ok) errors.push({ field: p.field, reason: p.reason });
  if (good.ok && weak.ok && weak.value > good.value)
    errors.push({
      field: "weakDbm",
      reason: `weak threshold (${weak.value}) must be ≤ good threshold (${good.value})`,
    });
  if (errors.length || !good.ok || !weak.ok || !pen.ok) return { errors };
  return { value: { goodDbm: good.value, weakDbm: weak.value, penetrationDb: pen.value }, errors };
}

export type CandidateField = "name" | "heightM" | "az0" | "az1" | "az2" | "tiltDeg" | "txPowerDbm" | "band";

/** Apply one edited input to a candidate; azimuths are normalised into [0, 360). */
export function applyCandidateEdit(c: Candidate, field: CandidateField, raw: string): Parsed<Candidate> {
  switch (field) {
    case "name": {
      const name = raw.trim();
      if (name.length > 120) return { ok: false, field, reason: "at most 120 characters" };
      const { name: _old, ...rest } = c;
      return { ok: true, value: name ? { ...rest, name } : rest };
    }
    case "band": {
      const b = Band.safeParse(raw);
      return b.success
        ? { ok: true, value: { ...c, band: b.data } }
        : { ok: false, field, reason: `unknown band "${raw}" (n78, n41, n79, n28)` };
    }
    case "heightM": {
      const p = parseNumber(raw, field, 3, 200);
      return p.ok ? { ok: true, value: { ...c, heightM: p.value } } : p;
    }
    case "tiltDeg": {
      const p = parseNumber(raw, field, -10, 30);
      return p.ok ? { ok: true, value: { ...c, tiltDeg: p.value } } : p;
    }
    case "txPowerDbm": {
      const p = parseNumber(raw, field, 0, 60);
      return p.ok ? { ok: true, value: { ...c, txPowerDbm: p.value } } : p;
    }
    case "az0":
    case "az1":
    case "az2": {
      const p = parseNumber(raw, field, -720, 720);
      if (!p.ok) return p;
      const k = Number(field.slice(2));
      const az = [...c.azimuths] as Candidate["azimuths"];
      az[k] = Math.round((((p.value % 360) + 360) % 360) * 1000) / 1000;
      if (az[k] >= 360) az[k] = 0;
      return { ok: true, value: { ...c, azimuths: az } };
    }
  }
}

/** Metres between two lon/lat points (great circle). */
export function distanceM(a: readonly [number, number], b: readonly [number, number]): number {
  return haversineM(a[0], a[1], b[0], b[1]);
}

/**
 * Close a polygon drawn by clicks: drop consecutive vertices closer than `minSpacingM` (a double-click adds the
 * last point twice), need ≥ 3 distinct vertices, and repeat the first vertex at the end (GeoJSON ring).
 */
export function closeDrawnPolygon(
  points: readonly (readonly [number, number])[],
  minSpacingM = 2,
): Parsed<Extract<PlannerArea, { kind: "polygon" }>> {
  const ring: [number, number][] = [];
  for (const p of points) {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
    if (ring.length && distanceM(ring[ring.length - 1], p) < minSpacingM) continue;
    ring.push([p[0], p[1]]);
  }
  while (ring.length > 1 && distanceM(ring[0], ring[ring.length - 1]) < minSpacingM) ring.pop();
  if (ring.length < 3)
    return { ok: false, field: "polygon", reason: `needs at least 3 distinct vertices, got ${ring.length}` };
  return {
    ok: true,
    value: { kind: "polygon", geometry: { type: "Polygon", coordinates: [[...ring, [ring[0][0], ring[0][1]]]] } },
  };
}

/** The analysis parameters a scenario stores (area, thresholds, indoor loss). */
export function scenarioParams(area: PlannerArea | null, a: AnalysisForm): PlannerParams {
  return { ...(area ? { area } : {}), goodDbm: a.goodDbm, weakDbm: a.weakDbm, penetrationDb: a.penetrationDb };
}

/** Analysis settings from a loaded scenario's params (missing fields take the defaults). */
export function analysisFromParams(p: PlannerParams): AnalysisForm {
  return {
    goodDbm: p.goodDbm ?? DEFAULT_ANALYSIS.goodDbm,
    weakDbm: p.weakDbm ?? DEFAULT_ANALYSIS.weakDbm,
    penetrationDb: p.penetrationDb ?? DEFAULT_ANALYSIS.penetrationDb,
  };
}

export function areaLabel(area: PlannerArea | null, polygonLabel: string): string {
  if (!area) return "—";
  return area.kind === "district" ? area.name : polygonLabel;
}
export function isDistrictArea(area: PlannerArea | null, name: DistrictName): boolean {
  return !!area && area.kind === "district" && area.name === name;
}

/** Merge imported candidates into the current list: same id replaces (in place), new ids append. */
export function mergeCandidates(current: readonly Candidate[], imported: readonly Candidate[]): Candidate[] {
  const out = current.map((c) => ({ ...c }));
  const at = new Map(out.map((c, i) => [c.id, i]));
  for (const c of imported) {
    const i = at.get(c.id);
    if (i !== undefined) out[i] = { ...c };
    else {
      at.set(c.id, out.length);
      out.push({ ...c });
    }
  }
  return out;
}

/** Proposals chosen by the checkboxes, in rank order. */
export function pickProposals<T extends { rank: number; candidate: { id: string } }>(
  proposals: readonly T[],
  checked: ReadonlySet<string>,
): T[] {
  return proposals.filter((p) => checked.has(p.candidate.id)).sort((a, b) => a.rank - b.rank);
}

/** A safe download file name from a scenario name. */
export function fileNameFor(name: string, ext: "geojson" | "csv"): string {
  const base =
    name
      .trim()
      .replace(/[\\/:*?"<>|\s]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 80) || "scenario";
  return `${base}.${ext}`;
}

// ---------------------------------------------------------------- formatting

export function fmtInt(v: number): string {
  if (!Number.isFinite(v)) return "—";
  return Math.round(v).toLocaleString("en-US");
}
export function fmtSigned(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return "—";
  if (Math.abs(v) < 0.5 * 10 ** -digits) return digits ? (0).toFixed(digits) : "0";
  const r = digits ? v.toFixed(digits) : Math.round(v).toLocaleString("en-US");
  return v > 0 ? `+${r}` : r;
}
export function fmtPct(v: number, digits = 2): string {
  return Number.isFinite(v) ? `${v.toFixed(digits)}%` : "—";
}
export function fmtDistance(m: number): string {
  if (!Number.isFinite(m)) return "—";
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(2)} km`;
}
