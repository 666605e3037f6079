/**
 * Scenario ⇄ GeoJSON: a FeatureCollection of Points, one per candidate, with the candidate's fields as
 * properties; the scenario name, parameters and KPIs ride along as a foreign member `rongtwinScenario`
 * (RFC 7946 §6.1 allows foreign members; other tools ignore it).
 */
import type { Candidate, PlannerParams, ScenarioKpis } from "../../protocol/scenario";
import { type ImportError, type ImportResult, validateRecord } from "./common";

export interface ScenarioExport {
  name: string;
  candidates: readonly Candidate[];
  params?: PlannerParams;
  kpis?: ScenarioKpis;
}

export interface CandidateFeatureCollection {
  type: "FeatureCollection";
  rongtwinScenario?: { schema: "rongtwin.scenario/1"; name: string; params?: PlannerParams; kpis?: ScenarioKpis };
  features: {
    type: "Feature";
    id: string;
    geometry: { type: "Point"; coordinates: [number, number] };
    properties: Omit<Candidate, "lon" | "lat">;
  }[];
}

export function scenarioToGeoJSON(s: ScenarioExport): CandidateFeatureCollection {
  return {
    type: "FeatureCollection",
    rongtwinScenario: { schema: "rongtwin.scenario/1", name: s.name, params: s.params, kpis: s.kpis },
    features: s.candidates.map(({ lon, lat, ...props }) => ({
      type: "Feature",
      id: props.id,
      geometry: { type: "Point", coordinates: [lon, lat] },
      properties: { ...props, azimuths: [...props.azimuths] as Candidate["azimuths"] },
    })),
  };
}

export interface GeoJSONImport extends ImportResult {
  name?: string;
  params?: PlannerParams;
  kpis?: ScenarioKpis;
}

/**
 * Read candidates from GeoJSON text or a parsed object. Each feature must be a Point; its properties supply
 * the candidate fields (absent radio fields take defaults). Bad features are reported by feature number
 * (`line`) and field; good ones are kept.
 */
export function geoJSONToCandidates(input: string | unknown, idPrefix = "IMP"): GeoJSONImport {
  let doc: unknown = input;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      return { items: [], errors: [{ line: 0, field: "(file)", reason: `not JSON: ${(e as Error).message}` }] };
    }
  }
  const fc = doc as {
    type?: unknown;
    features?: unknown;
    rongtwinScenario?: { name?: unknown; params?: PlannerParams; kpis?: ScenarioKpis };
  };
  if (!fc || typeof fc !== "object" || fc.type !== "FeatureCollection" || !Array.isArray(fc.features))
    return {
      items: [],
      errors: [{ line: 0, field: "type", reason: "expected a GeoJSON FeatureCollection with a features array" }],
    };
  const items: Candidate[] = [];
  const errors: ImportError[] = [];
  const seen = new Map<string, number>();
  fc.features.forEach((f: unknown, i: number) => {
    const line = i + 1;
    const feat = f as {
      type?: unknown;
      id?: unknown;
      geometry?: { type?: unknown; coordinates?: unknown };
      properties?: unknown;
    };
    if (!feat || feat.type !== "Feature") return void errors.push({ line, field: "type", reason: "not a Feature" });
    const g = feat.geometry;
    if (!g || g.type !== "Point" || !Array.isArray(g.coordinates) || g.coordinates.length < 2)
      return void errors.push({
        line,
        field: "geometry",
        reason: `expected a Point geometry, got ${g && typeof g === "object" ? String(g.type) : "none"}`,
      });
    const [lon, lat] = g.coordinates as unknown[];
    const props =
      feat.properties && typeof feat.properties === "object" ? (feat.properties as Record<string, unknown>) : {};
    const raw: Record<string, unknown> = { ...props, lon, lat };
    if (raw.id === undefined && (typeof feat.id === "string" || typeof feat.id === "number")) raw.id = String(feat.id);
    const r = validateRecord(raw, line, seen, idPrefix);
    if (r.item) items.push(r.item);
    errors.push(...r.errors);
  });
  const meta = fc.rongtwinScenario;
  return {
    items,
    errors,
    name: typeof meta?.name === "string" ? meta.name : undefined,
    params: meta?.params,
    kpis: meta?.kpis,
  };
}
