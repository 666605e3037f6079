/**
 * The live-status wire protocol, shared by the gateway (src/server) and the browser client (src/live).
 * Every message carries `v: PROTOCOL_VERSION` and is validated with zod at BOTH ends.
 *
 * Flow (socket.io events, names in EVENTS):
 *   server -> client: hello (on connect), snapshot (per layer, on subscribe / resync), delta (batched, ~20 Hz,
 *                     per-layer room), alarms (full alarm list), alarm (raise | clear | ack event),
 *                     detail (per-object extra detail, ~1 Hz while subscribed), error (reason for a rejected message)
 *   client -> server: subscribe {layers, idsHash?}, unsubscribe {layers}, resync {layer, seq},
 *                     alarm:ack {alarmId}  (role operator), detail:subscribe {layer, objectId}, detail:unsubscribe {}
 *
 * Ordering: each layer has a monotonic `seq` that increments once per applied batch of updates. A delta says it
 * covers the changes in (prev, seq] and carries the FULL current state of every object changed in that range,
 * so applying it is idempotent. A client at `s` applies a delta iff prev <= s < seq; ignores it if seq <= s
 * (duplicate / already in snapshot); and asks for a resync if prev > s (gap). A snapshot always wins. `epoch`
 * identifies the state lineage (one process, or one Redis deployment): a different epoch also forces a resync.
 *
 * Wire values: metrics travel as INTEGERS quantised by METRIC_STEP (value = q * step). Both ends store
 * Float32(q * step) and the digest hashes round(v / step), so gateway and client digests agree bit-for-bit.
 *
 * Encoding: socket.io default (JSON) parser — see ENCODING_NOTE for the measurement that chose it.
 */
import { z } from "zod";
import { LAYER_IDS, LayerId } from "./data";
import { zodSummary } from "./zod-errors";

export { LAYER_IDS, LayerId };

export const PROTOCOL_VERSION = 1 as const;

/**
 * Encoding decision, measured by src/protocol/live.test.ts ("measures JSON vs msgpack") on this project's
 * messages, Node 20 on the 2-core build VM (median of 200 rounds; numbers vary ±30 % run to run):
 *   600-record sites delta : JSON 24.2 KiB, encode+decode 0.25-0.41 ms | msgpack 15.3 KiB, 0.38-0.59 ms
 *                            (msgpack with typed-array columns: 19.5 KiB — int32 columns are wider than varints)
 *   30,000-site snapshot   : JSON 1038 KiB, 42 ms                     | msgpack 673 KiB, 116 ms
 * msgpack is ~36 % smaller but 1.5-2.8x SLOWER (V8's native JSON beats notepack's JS codec), so by the rule
 * "binary only if smaller AND faster" the gateway uses socket.io's default JSON parser. Sizes are kept down by
 * quantised integer columns instead. To switch, pass `parser` from socket.io-msgpack-parser on both ends.
 */
export const ENCODING_NOTE = "socket.io default JSON parser, quantised integer columns";

// ----------------------------------------------------------------------------------------------- status codes
export const STATUS = { ok: 0, warning: 1, fault: 2, offline: 3, unknown: 4 } as const;
export type StatusCode = 0 | 1 | 2 | 3 | 4;
export const STATUS_NAMES = ["ok", "warning", "fault", "offline", "unknown"] as const;
export const StatusCodeSchema = z.number().int().min(0).max(4);
/** out of service: in fault or offline (an outage); ok, warning and unknown are not */
export const isOutOfService = (status: number): boolean => status === STATUS.fault || status === STATUS.offline;

// ----------------------------------------------------------------------------------------------- metrics
/** Metric names per layer, in wire / digest order. */
export const LAYER_METRICS = {
  sites: ["load", "s0", "s1", "s2", "users"],
  datacentres: ["itMw", "facilityMw", "pue", "rackUtil", "inletC", "outdoorC"],
  chargers: ["charging", "idle", "fault", "offline", "powerKw", "solarKw", "socPct"],
  sensors: ["flowVph", "speedKmh", "occupancy", "congestion"],
} as const satisfies Record<LayerId, readonly string[]>;
export type MetricName<L extends LayerId = LayerId> = (typeof LAYER_METRICS)[L][number];

export interface MetricSpec {
  /** quantisation step: wire value q means q * step */
  step: number;
  min: number;
  max: number;
  unit: string;
  integer?: boolean;
}
const m = (step: number, min: number, max: number, unit: string, integer = false): MetricSpec => ({
  step,
  min,
  max,
  unit,
  integer,
});
/** Quantisation and valid range of every metric (ingest rejects values outside [min, max]). */
export const METRIC_SPECS: { [L in LayerId]: Record<(typeof LAYER_METRICS)[L][number], MetricSpec> } = {
  sites: {
    load: m(0.001, 0, 1, ""),
    s0: m(0.001, 0, 1, ""),
    s1: m(0.001, 0, 1, ""),
    s2: m(0.001, 0, 1, ""),
    users: m(1, 0, 100000, "", true),
  },
  datacentres: {
    itMw: m(0.01, 0, 2000, "MW"),
    facilityMw: m(0.01, 0, 5000, "MW"),
    pue: m(0.001, 1, 5, ""),
    rackUtil: m(0.001, 0, 1, ""),
    inletC: m(0.1, -20, 80, "°C"),
    outdoorC: m(0.1, -30, 60, "°C"),
  },
  chargers: {
    charging: m(1, 0, 200, "", true),
    idle: m(1, 0, 200, "", true),
    fault: m(1, 0, 200, "", true),
    offline: m(1, 0, 200, "", true),
    powerKw: m(0.1, 0, 200000, "kW"),
    solarKw: m(0.1, 0, 10000, "kW"),
    socPct: m(0.1, 0, 100, "%"),
  },
  sensors: {
    flowVph: m(1, 0, 20000, "veh/h", true),
    speedKmh: m(0.1, 0, 200, "km/h"),
    occupancy: m(0.001, 0, 1, ""),
    congestion: m(1, 0, 4, "", true),
  },
};

export function metricSpec(layer: LayerId, name: string): MetricSpec | undefined {
  return (METRIC_SPECS[layer] as Record<string, MetricSpec>)[name];
}
export function metricNames(layer: LayerId): readonly string[] {
  return LAYER_METRICS[layer];
}
/** value -> wire integer */
export function quantise(layer: LayerId, name: string, value: number): number {
  const s = metricSpec(layer, name);
  if (!s) throw new Error(`unknown metric ${layer}.${name}`);
  return Math.round(value / s.step);
}
/** wire integer -> value (as stored in Float32Array by both ends) */
export function dequantise(layer: LayerId, name: string, q: number): number {
  const s = metricSpec(layer, name);
  if (!s) throw new Error(`unknown metric ${layer}.${name}`);
  return Math.fround(q * s.step);
}

// ----------------------------------------------------------------------------------------------- schemas
const v = z.literal(PROTOCOL_VERSION);
const layer = LayerId;
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const epoch = z.string().min(1).max(64);
const objectId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, "ids use letters, digits and _ . : - only");
const intArray = z.array(z.number().int());
const epochMs = z.number().min(0).max(8.64e15);

export const Hello = z.object({
  v,
  serverId: z.string().max(64),
  epoch,
  role: z.enum(["viewer", "operator", "planner", "ingest"]),
  layers: z.array(layer),
  /** simulated ms per real ms (1 = real time); 0 when no simulator runs */
  simSpeed: z.number().min(0),
  /** ids hash per layer the gateway serves, so a client with other data knows before subscribing */
  idsHash: z.record(z.string(), z.string()),
  /**
   * The twin clock: timestamps in snapshots, deltas and alarms are simulated time when the simulator runs.
   * Current twin time = simMs + (Date.now() - wallMs) * speed (approximately; clocks of client and gateway differ).
   */
  clock: z.object({ simMs: z.number(), wallMs: z.number(), speed: z.number().min(0) }).optional(),
});
export type Hello = z.infer<typeof Hello>;

export const Snapshot = z
  .object({
    v,
    layer,
    epoch,
    seq,
    /** object ids hash (idsHash of public/data/<layer>.json items order) */
    idsHash: z.string(),
    count: z.number().int().min(0).max(1_000_000),
    ts: epochMs,
    status: intArray,
    /** ms epoch of each object's last report (0 = never) */
    lastSeen: z.array(z.number()),
    /** metric name -> quantised integers, one per object */
    metrics: z.record(z.string(), intArray),
  })
  .superRefine((s, ctx) => {
    if (s.status.length !== s.count)
      ctx.addIssue({
        code: "custom",
        path: ["status"],
        message: `expected ${s.count} entries, got ${s.status.length}`,
      });
    if (s.lastSeen.length !== s.count)
      ctx.addIssue({
        code: "custom",
        path: ["lastSeen"],
        message: `expected ${s.count} entries, got ${s.lastSeen.length}`,
      });
    for (const name of LAYER_METRICS[s.layer]) {
      const col = s.metrics[name];
      if (!col) ctx.addIssue({ code: "custom", path: ["metrics", name], message: "missing metric column" });
      else if (col.length !== s.count)
        ctx.addIssue({
          code: "custom",
          path: ["metrics", name],
          message: `expected ${s.count} entries, got ${col.length}`,
        });
    }
  });
export type Snapshot = z.infer<typeof Snapshot>;

export const Delta = z
  .object({
    v,
    layer,
    epoch,
    /** this delta covers the changes in (prev, seq] */
    prev: seq,
    seq,
    ts: epochMs,
    /** object indices (order of items in public/data/<layer>.json) */
    idx: intArray,
    status: intArray,
    lastSeen: z.array(z.number()),
    metrics: z.record(z.string(), intArray),
  })
  .superRefine((d, ctx) => {
    const n = d.idx.length;
    if (d.seq <= d.prev)
      ctx.addIssue({ code: "custom", path: ["seq"], message: `seq ${d.seq} must be > prev ${d.prev}` });
    if (d.status.length !== n)
      ctx.addIssue({ code: "custom", path: ["status"], message: `expected ${n} entries, got ${d.status.length}` });
    if (d.lastSeen.length !== n)
      ctx.addIssue({ code: "custom", path: ["lastSeen"], message: `expected ${n} entries, got ${d.lastSeen.length}` });
    for (const name of LAYER_METRICS[d.layer]) {
      const col = d.metrics[name];
      if (!col) ctx.addIssue({ code: "custom", path: ["metrics", name], message: "missing metric column" });
      else if (col.length !== n)
        ctx.addIssue({ code: "custom", path: ["metrics", name], message: `expected ${n} entries, got ${col.length}` });
    }
  });
export type Delta = z.infer<typeof Delta>;

export const Severity = z.enum(["critical", "major", "minor"]);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2 };

export const Alarm = z.object({
  id: z.string().min(1).max(160),
  layer,
  objectId,
  objectIndex: z.number().int().min(0),
  /** e.g. site-down, site-degraded, pue-high, inlet-high, charger-fault, charger-offline, congestion-severe, sensor-fault, injected */
  kind: z
    .string()
    .min(1)
    .max(48)
    .regex(/^[a-z0-9-]+$/, "kind uses a-z 0-9 - only"),
  severity: Severity,
  raisedAt: epochMs,
  clearedAt: epochMs.optional(),
  ackedAt: epochMs.optional(),
  ackedBy: z.string().max(64).optional(),
  text_zh: z.string().max(300),
  text_en: z.string().max(300),
  value: z.number().optional(),
});
export type Alarm = z.infer<typeof Alarm>;

export const AlarmEvent = z.object({ v, op: z.enum(["raise", "clear", "ack"]), alarm: Alarm });
export type AlarmEvent = z.infer<typeof AlarmEvent>;
/**
 * The most alarms one list may carry — the bound shared by gateway and client. The gateway keeps at most
 * MAX_ACTIVE_ALARMS active alarms (the newest) plus MAX_CLEARED_ALARMS recently cleared ones, so its list always
 * fits; `omitted` says how many active alarms it dropped to stay within the bound (oldest first).
 */
export const MAX_ALARMS = 10_000;
export const MAX_CLEARED_ALARMS = 300;
export const MAX_ACTIVE_ALARMS = MAX_ALARMS - MAX_CLEARED_ALARMS;
export const AlarmList = z.object({
  v,
  epoch,
  alarms: z.array(Alarm).max(MAX_ALARMS),
  omitted: z.number().int().min(0).optional(),
});
export type AlarmList = z.infer<typeof AlarmList>;

/** Per-object detail: DC racks, site sectors, charger connectors, sensor lanes. */
export const Detail = z.object({
  v,
  layer,
  objectId,
  ts: epochMs,
  detail: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("racks"),
      halls: z.number().int(),
      rackUtil: z.array(z.number().min(0).max(1)),
      inletC: z.array(z.number()),
    }),
    z.object({
      kind: z.literal("sectors"),
      azimuths: z.array(z.number()),
      load: z.array(z.number()),
      users: z.array(z.number().int()),
    }),
    z.object({
      kind: z.literal("connectors"),
      connectorKw: z.number(),
      states: z.array(z.enum(["idle", "charging", "fault", "offline"])),
    }),
    z.object({
      kind: z.literal("lanes"),
      lanes: z.number().int(),
      speedKmh: z.array(z.number()),
      occupancy: z.array(z.number()),
    }),
  ]),
});
export type Detail = z.infer<typeof Detail>;

export const ErrorCode = z.enum([
  "bad_version",
  "invalid",
  "too_large",
  "rate_limited",
  "forbidden",
  "unknown_event",
  "unknown_layer",
  "unknown_object",
  "ids_mismatch",
  "not_found",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;
export const ErrorMsg = z.object({
  v,
  code: ErrorCode,
  reason: z.string().max(500),
  event: z.string().max(64).optional(),
});
export type ErrorMsg = z.infer<typeof ErrorMsg>;

// client -> server
/** 1..4 distinct layers (a repeated layer is refused: it would ask for the same snapshot twice) */
const layerSet = z
  .array(layer)
  .min(1)
  .max(LAYER_IDS.length)
  .superRefine((ls, ctx) => {
    const dup = ls.find((l, i) => ls.indexOf(l) !== i);
    if (dup) ctx.addIssue({ code: "custom", message: `layer ${dup} listed more than once` });
  });
export const Subscribe = z
  .object({
    v,
    layers: layerSet,
    /** the client's ids hash per layer; a mismatch earns an `ids_mismatch` error (the snapshot is still sent) */
    idsHash: z.record(z.string(), z.string().max(64)).optional(),
  })
  .strict();
export type Subscribe = z.infer<typeof Subscribe>;
export const Unsubscribe = z.object({ v, layers: layerSet }).strict();
export type Unsubscribe = z.infer<typeof Unsubscribe>;
export const Resync = z.object({ v, layer, seq: seq.optional(), reason: z.string().max(100).optional() }).strict();
export type Resync = z.infer<typeof Resync>;
export const AckRequest = z.object({ v, alarmId: z.string().min(1).max(160) }).strict();
export type AckRequest = z.infer<typeof AckRequest>;
export const DetailSubscribe = z.object({ v, layer, objectId }).strict();
export type DetailSubscribe = z.infer<typeof DetailSubscribe>;
export const DetailUnsubscribe = z.object({ v }).strict();
export type DetailUnsubscribe = z.infer<typeof DetailUnsubscribe>;

export const EVENTS = {
  hello: "hello",
  snapshot: "snapshot",
  delta: "delta",
  alarms: "alarms",
  alarm: "alarm",
  detail: "detail",
  error: "error",
  subscribe: "subscribe",
  unsubscribe: "unsubscribe",
  resync: "resync",
  ack: "alarm:ack",
  detailSubscribe: "detail:subscribe",
  detailUnsubscribe: "detail:unsubscribe",
} as const;

/** Schemas of the messages a client may send, by event name. */
export const CLIENT_MESSAGES = {
  [EVENTS.subscribe]: Subscribe,
  [EVENTS.unsubscribe]: Unsubscribe,
  [EVENTS.resync]: Resync,
  [EVENTS.ack]: AckRequest,
  [EVENTS.detailSubscribe]: DetailSubscribe,
  [EVENTS.detailUnsubscribe]: DetailUnsubscribe,
} as const;
export type ClientEvent = keyof typeof CLIENT_MESSAGES;

/** Largest client message accepted (bytes of JSON); anything larger is rejected with `too_large`. */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;

// ----------------------------------------------------------------------------------------------- ingest (REST)
export const IngestAlarm = z
  .object({
    kind: z
      .string()
      .min(1)
      .max(48)
      .regex(/^[a-z0-9-]+$/, "kind uses a-z 0-9 - only"),
    severity: Severity,
    text: z.string().min(1).max(300),
    text_en: z.string().max(300).optional(),
    /** true clears the active alarm of this kind on this object */
    clear: z.boolean().optional(),
    value: z.number().optional(),
  })
  .strict();
export type IngestAlarm = z.infer<typeof IngestAlarm>;

export const IngestRecord = z
  .object({
    layer,
    id: objectId,
    status: StatusCodeSchema.optional(),
    metrics: z.record(z.string(), z.number()).optional(),
    /** ms epoch of the measurement */
    ts: z.number().min(946684800000).max(4102444800000),
    alarm: IngestAlarm.optional(),
  })
  .strict();
export type IngestRecord = z.infer<typeof IngestRecord>;
export const MAX_INGEST_RECORDS = 5000;
export const IngestBatch = z.object({ records: z.array(z.unknown()).min(1).max(MAX_INGEST_RECORDS) }).strict();
export interface IngestResult {
  accepted: number;
  rejected: { index: number; reason: string }[];
}

// ----------------------------------------------------------------------------------------------- helpers
/** One-line reason from a zod error: `path: message; path: message`. */
export function zodReason(err: z.ZodError): string {
  return zodSummary(err, { max: 3, maxChars: 480 });
}

/**
 * Parse a message with the version checked first, so a wrong version gets `bad_version` not a zod dump.
 * Returns the parsed value or {code, reason}.
 */
export function parseMessage<T extends z.ZodTypeAny>(
  schema: T,
  raw: unknown,
): { ok: true; value: z.infer<T> } | { ok: false; code: ErrorCode; reason: string } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return { ok: false, code: "invalid", reason: "message must be an object" };
  const ver = (raw as { v?: unknown }).v;
  if (ver !== PROTOCOL_VERSION)
    return {
      ok: false,
      code: "bad_version",
      reason: `protocol version ${JSON.stringify(ver) ?? "missing"} not supported (expected v: ${PROTOCOL_VERSION})`,
    };
  const r = schema.safeParse(raw);
  if (!r.success) return { ok: false, code: "invalid", reason: zodReason(r.error) };
  return { ok: true, value: r.data };
}

/** Decision for a delta given the client's current seq for that layer. */
export function deltaAction(localSeq: number, prev: number, seq: number): "apply" | "duplicate" | "gap" {
  if (seq <= localSeq) return "duplicate";
  if (prev > localSeq) return "gap";
  return "apply";
}
