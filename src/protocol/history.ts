/**
 * History and replay messages, shared by the gateway (src/server/history) and the client timeline (src/history).
 *
 * REST (GET, any role that may view; rate-limited):
 *   /api/history/range                          HistoryRange
 *   /api/history/state?t=&layers=               HistoryState: per-layer Snapshots (live format) + alarms at t
 *   /api/history/kpis?from=&to=&step=           KpiSeries: the wall's trend series, averaged per step
 *   /api/history/alarms?from=&to=&layer=&severity=&objectId=&limit=&format=json|csv
 *   /api/history/export?layer=&from=&to=&format=csv|geojson   updates in the window (CSV) or positions + state at `to`
 * Socket.io namespace /replay (separate from the live connection):
 *   client -> server  replay:start ReplayStart, replay:speed ReplaySpeed, replay:pause {v}, replay:stop {v}
 *   server -> client  snapshot / delta / alarms (the live formats, epoch "replay-…"), replay:clock ReplayClock
 *                     (with a socket.io ack the client calls once it has handled it: the session holds its clock
 *                     while more than two are unacknowledged), error (ErrorMsg)
 */
import { z } from "zod";
import { LayerId } from "./data";
import { Alarm, PROTOCOL_VERSION, Severity, Snapshot } from "./live";

const v = z.literal(PROTOCOL_VERSION);
const ms = z.coerce.number().min(0).max(8.64e15);

export const REPLAY_SPEEDS = [1, 60, 600, 3600] as const;
export const REPLAY_NAMESPACE = "/replay";
export const REPLAY_EVENTS = {
  start: "replay:start",
  speed: "replay:speed",
  pause: "replay:pause",
  stop: "replay:stop",
  clock: "replay:clock",
} as const;

export const HistoryRange = z.object({
  v,
  /** undefined when nothing is recorded yet */
  from: z.number().optional(),
  to: z.number().optional(),
  /** last event time recorded (written or buffered) */
  now: z.number(),
  retentionMs: z.number(),
  blockMs: z.number(),
  store: z.enum(["sqlite", "postgres"]),
});
export type HistoryRange = z.infer<typeof HistoryRange>;

export const HistoryState = z.object({
  v,
  t: z.number(),
  digest: z.string(),
  snapshots: z.array(Snapshot),
  alarms: z.array(Alarm),
});
export type HistoryState = z.infer<typeof HistoryState>;

export const KpiPoint = z.object({
  t: z.number(),
  availability: z.number().nullable(),
  pue: z.number().nullable(),
  chargerUtil: z.number().nullable(),
  congestion: z.number().nullable(),
});
export type KpiPoint = z.infer<typeof KpiPoint>;
export const KpiSeries = z.object({ v, from: z.number(), to: z.number(), step: z.number(), points: z.array(KpiPoint) });
export type KpiSeries = z.infer<typeof KpiSeries>;

const layersParam = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const parts = s.split(",").filter(Boolean);
    for (const p of parts)
      if (!LayerId.safeParse(p).success) {
        ctx.addIssue({ code: "custom", message: `unknown layer ${p.slice(0, 40)}` });
        return z.NEVER;
      }
    return parts as LayerId[];
  });

export const StateQuery = z.object({ t: ms, layers: layersParam.optional() }).strict();
export const KpiQuery = z
  .object({ from: ms, to: ms, step: z.coerce.number().int().min(1000).max(86_400_000).default(60_000) })
  .strict()
  .refine((q) => q.to >= q.from, { message: "to must be >= from", path: ["to"] })
  .refine((q) => (q.to - q.from) / q.step <= 10_000, { message: "at most 10,000 points: raise step", path: ["step"] });
export const AlarmQuery = z
  .object({
    from: ms.optional(),
    to: ms.optional(),
    layer: LayerId.optional(),
    severity: Severity.optional(),
    objectId: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
    format: z.enum(["json", "csv"]).default("json"),
  })
  .strict();
export const ExportQuery = z
  .object({ layer: LayerId, from: ms, to: ms, format: z.enum(["csv", "geojson"]).default("csv") })
  .strict()
  .refine((q) => q.to >= q.from, { message: "to must be >= from", path: ["to"] });

/**
 * /api/history/outages?from=&to=: the recorded outage set over time (sites in fault or offline): the set at `from`
 * and each change after it, [history time, site id, 1 = went down | 0 = came back], in order. The client turns it
 * into the coverage-impact series in its coverage worker (the radio model lives there, not in the gateway).
 */
export const OutageQuery = z
  .object({ from: ms, to: ms })
  .strict()
  .refine((q) => q.to >= q.from, { message: "to must be >= from", path: ["to"] })
  .refine((q) => q.to - q.from <= 7 * 86_400_000, { message: "at most 7 days per request", path: ["to"] });
export const OutageHistory = z.object({
  v,
  from: z.number(),
  to: z.number(),
  down: z.array(z.string()),
  changes: z.array(z.tuple([z.number(), z.string(), z.union([z.literal(0), z.literal(1)])])),
});
export type OutageHistory = z.infer<typeof OutageHistory>;

export const ReplayStart = z
  .object({
    v,
    from: z.number().min(0).max(8.64e15),
    /** default: the end of the recorded range */
    to: z.number().min(0).max(8.64e15).optional(),
    speed: z.union(REPLAY_SPEEDS.map((s) => z.literal(s))),
    layers: z.array(LayerId).min(1).max(4).optional(),
  })
  .strict();
export type ReplayStart = z.infer<typeof ReplayStart>;
export const ReplaySpeed = z.object({ v, speed: z.union(REPLAY_SPEEDS.map((s) => z.literal(s))) }).strict();
export const ReplayPlain = z.object({ v }).strict();

export const ReplayClock = z.object({
  v,
  /** history time shown */
  t: z.number(),
  speed: z.number(),
  playing: z.boolean(),
  /** the replay reached `to` */
  ended: z.boolean(),
});
export type ReplayClock = z.infer<typeof ReplayClock>;
