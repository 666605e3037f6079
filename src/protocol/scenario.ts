/**
 * Planner scenarios: candidate sites + analysis parameters + the KPIs they produced. Shared by the planner
 * (client, import/export) and the gateway (SQLite persistence), so both validate with the same zod schemas.
 */
import { z } from "zod";
import { Band, DistrictName, LonLat } from "./data";
import { safeText } from "./text";

const candidateId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, "ids use letters, digits and _ . : - only");

export const CandidateSource = z.enum(["manual", "auto", "import"]);
export type CandidateSource = z.infer<typeof CandidateSource>;

export const Candidate = z.object({
  id: candidateId,
  name: z.string().max(120).optional(),
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  /** antenna height above ground, metres */
  heightM: z.number().min(3).max(200),
  /** three sector azimuths, degrees clockwise from north */
  azimuths: z.tuple([z.number().min(0).lt(360), z.number().min(0).lt(360), z.number().min(0).lt(360)]),
  tiltDeg: z.number().min(-10).max(30),
  /** total transmit power per sector, dBm */
  txPowerDbm: z.number().min(0).max(60),
  band: Band,
  source: CandidateSource.optional(),
});
export type Candidate = z.infer<typeof Candidate>;

export const PlannerArea = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("district"), name: DistrictName }),
  z.object({
    kind: z.literal("polygon"),
    geometry: z.object({ type: z.literal("Polygon"), coordinates: z.array(z.array(LonLat).min(4)).min(1) }),
  }),
]);
export type PlannerArea = z.infer<typeof PlannerArea>;

export const PlannerParams = z.object({
  area: PlannerArea.optional(),
  cellSizeM: z.number().positive().max(50).optional(),
  goodDbm: z.number().min(-160).max(-30).optional(),
  weakDbm: z.number().min(-160).max(-30).optional(),
  losMode: z.enum(["probabilistic", "nlos", "los", "buildings"]).optional(),
  maxRangeM: z.number().positive().max(20000).optional(),
  /** building penetration loss, dB (0 = outdoor view; ~20 = indoor users) */
  penetrationDb: z.number().min(0).max(60).optional(),
  /** existing sites taken out of service in this scenario (an outage turned into a planning case), by id */
  outOfService: z
    .array(z.string().min(1).max(64))
    .max(5000)
    .refine((ids) => new Set(ids).size === ids.length, "site ids must be unique")
    .optional(),
});
export type PlannerParams = z.infer<typeof PlannerParams>;

/** KPI name → value (e.g. coveredPct, weakPeople, sitesPer10k); free-form so the A/B table can grow. */
export const ScenarioKpis = z.record(z.string().min(1).max(64), z.number().finite());
export type ScenarioKpis = z.infer<typeof ScenarioKpis>;

export const ScenarioBody = z
  .object({
    name: safeText(120).trim().min(1),
    description: safeText(2000, true).optional(),
    candidates: z.array(Candidate).max(5000),
    params: PlannerParams,
    kpis: ScenarioKpis,
  })
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.candidates.forEach((c, i) => {
      const j = seen.get(c.id);
      if (j !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["candidates", i, "id"],
          message: `duplicate candidate id ${c.id} (also candidates[${j}])`,
        });
      else seen.set(c.id, i);
    });
    if (s.params.goodDbm !== undefined && s.params.weakDbm !== undefined && s.params.weakDbm > s.params.goodDbm)
      ctx.addIssue({ code: "custom", path: ["params", "weakDbm"], message: "weakDbm must be <= goodDbm" });
  });
export type ScenarioBody = z.infer<typeof ScenarioBody>;

export interface ScenarioRecord extends ScenarioBody {
  id: number;
  /** ISO timestamps */
  createdAt: string;
  updatedAt: string;
}

/** List entry (no candidates) returned by GET /api/scenarios. */
export interface ScenarioSummary {
  id: number;
  name: string;
  description?: string;
  candidateCount: number;
  kpis: ScenarioKpis;
  createdAt: string;
  updatedAt: string;
}

/** A field-level validation problem (dotted path, e.g. "candidates.3.lon"), as returned in 400 responses and by
 * the import functions. */
export { zodFieldErrors, type FieldError } from "./zod-errors";
