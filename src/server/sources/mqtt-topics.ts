/**
 * MQTT topic -> ingest record. Two kinds of topic are read:
 *
 * 1. The gateway's own layout, `<prefix>/<layer>/<objectId>/<kind>`, kind one of
 *      status   payload {"status": 0-4, "ts"?: ms}
 *      metrics  payload {"metrics": {"<name>": number, …}, "ts"?: ms}
 *      alarm    payload {"alarm": {"kind", "severity", "text", "text_en"?, "clear"?, "value"?}, "ts"?: ms}
 *    `ts` defaults to the time the gateway received the message.
 * 2. Foreign topics through a mapping (MQTT_MAPPING_FILE): topic filter -> layer, object id from a topic
 *    segment or a payload field, payload fields -> status and metrics, so an existing platform's topics are read
 *    without change.
 *
 * The record built here is NOT trusted: it goes through the same validation as POST /api/ingest
 * (validateIngest), so MQTT refusals carry the same reasons. This module only says why a message could not even
 * be turned into a record (not JSON, wrong topic shape, unmapped status value).
 */
import { z } from "zod";
import { LAYER_METRICS, LayerId, StatusCodeSchema } from "../../protocol/live";

const FieldPath = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$/, "a payload field path such as data.power_kw");

const TopicFilter = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (t) =>
      t.split("/").every((lvl, i, all) => (lvl.includes("#") ? lvl === "#" && i === all.length - 1 : true)) &&
      t.split("/").every((lvl) => !lvl.includes("+") || lvl === "+"),
    "an MQTT topic filter: + is a whole level, # only as the last level",
  );

export const TopicMappingRule = z
  .object({
    /** MQTT topic filter, e.g. "city/ev/+/telemetry" */
    topic: TopicFilter,
    layer: LayerId,
    /** object id: topic level number (0-based) or a payload field; `idPrefix` is prepended ("12" -> "EV-S012") */
    id: z.union([
      z.object({ segment: z.number().int().min(0).max(31) }).strict(),
      z.object({ field: FieldPath }).strict(),
    ]),
    idPrefix: z.string().max(32).optional(),
    /** zero-pad a numeric id to this many digits before the prefix */
    idPad: z.number().int().min(1).max(12).optional(),
    status: z
      .object({ field: FieldPath, map: z.record(z.string(), StatusCodeSchema).optional() })
      .strict()
      .optional(),
    /** metric name -> payload field */
    metrics: z.record(z.string(), FieldPath).default({}),
    ts: z
      .object({ field: FieldPath, unit: z.enum(["ms", "s", "iso"]).default("ms") })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const names = LAYER_METRICS[r.layer] as readonly string[];
    for (const m of Object.keys(r.metrics))
      if (!names.includes(m))
        ctx.addIssue({
          code: "custom",
          path: ["metrics", m],
          message: `not a ${r.layer} metric (expected one of ${names.join(", ")})`,
        });
    if ("segment" in r.id && r.id.segment >= r.topic.split("/").length)
      ctx.addIssue({
        code: "custom",
        path: ["id", "segment"],
        message: `topic "${r.topic}" has no level ${r.id.segment}`,
      });
    if (!r.status && Object.keys(r.metrics).length === 0)
      ctx.addIssue({ code: "custom", path: ["metrics"], message: "a mapping needs a status field or some metrics" });
  });
export type TopicMappingRule = z.infer<typeof TopicMappingRule>;
export const TopicMapping = z.object({ mappings: z.array(TopicMappingRule).max(100) }).strict();
export type TopicMapping = z.infer<typeof TopicMapping>;

export const OWN_KINDS = ["status", "metrics", "alarm"] as const;

/** Does an MQTT topic filter (with + and #) match a topic? */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

function field(payload: unknown, path: string): unknown {
  let cur: unknown = payload;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export type Routed = { record: Record<string, unknown> } | { reason: string };

export class TopicRouter {
  constructor(
    readonly prefix: string,
    readonly mapping: TopicMapping = { mappings: [] },
  ) {}

  /** Filters to subscribe to: the own layout and every mapped topic. */
  subscriptions(): string[] {
    return [`${this.prefix}/+/+/+`, ...this.mapping.mappings.map((m) => m.topic)];
  }

  route(topic: string, payload: Buffer, now: number): Routed {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString("utf8"));
    } catch {
      return { reason: "payload: not valid JSON" };
    }
    if (json === null || typeof json !== "object" || Array.isArray(json))
      return { reason: "payload: expected a JSON object" };
    const body = json as Record<string, unknown>;
    if (topic.startsWith(`${this.prefix}/`)) {
      const own = this.own(topic.slice(this.prefix.length + 1), body, now);
      if (own) return own;
    }
    const rule = this.mapping.mappings.find((m) => topicMatches(m.topic, topic));
    if (!rule) return { reason: `topic: expected ${this.prefix}/<layer>/<objectId>/status|metrics|alarm` };
    return this.mapped(rule, topic, body, now);
  }

  private own(rest: string, body: Record<string, unknown>, now: number): Routed | undefined {
    const parts = rest.split("/");
    if (parts.length !== 3) return undefined;
    const [layer, id, kind] = parts;
    if (!(OWN_KINDS as readonly string[]).includes(kind))
      return { reason: `topic: last level "${kind}" is not one of ${OWN_KINDS.join(", ")}` };
    const extra = Object.keys(body).filter((k) => k !== kind && k !== "ts");
    if (extra.length) return { reason: `payload: unexpected field(s) ${extra.join(", ")} on a /${kind} topic` };
    if (!(kind in body)) return { reason: `payload: a /${kind} message carries "${kind}"` };
    return { record: { layer, id, ts: body.ts ?? now, [kind]: body[kind] } };
  }

  private mapped(rule: TopicMappingRule, topic: string, body: Record<string, unknown>, now: number): Routed {
    let rawId = "segment" in rule.id ? topic.split("/")[rule.id.segment] : field(body, rule.id.field);
    if (typeof rawId === "number") rawId = String(rawId);
    if (typeof rawId !== "string" || rawId === "")
      return {
        reason: `id: no object id at ${"segment" in rule.id ? `topic level ${rule.id.segment}` : rule.id.field}`,
      };
    const id = `${rule.idPrefix ?? ""}${rule.idPad && /^\d+$/.test(rawId) ? rawId.padStart(rule.idPad, "0") : rawId}`;
    const record: Record<string, unknown> = { layer: rule.layer, id, ts: now };
    if (rule.ts) {
      const v = field(body, rule.ts.field);
      if (v !== undefined) {
        const ms = rule.ts.unit === "iso" ? Date.parse(String(v)) : Number(v) * (rule.ts.unit === "s" ? 1000 : 1);
        if (!Number.isFinite(ms)) return { reason: `${rule.ts.field}: not a ${rule.ts.unit} timestamp` };
        record.ts = ms;
      }
    }
    if (rule.status) {
      const v = field(body, rule.status.field);
      if (v !== undefined) {
        if (rule.status.map) {
          const code = rule.status.map[String(v)];
          if (code === undefined) return { reason: `${rule.status.field}: "${String(v)}" is not in the status map` };
          record.status = code;
        } else record.status = v;
      }
    }
    const metrics: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(rule.metrics)) {
      const v = field(body, path);
      if (v !== undefined) metrics[name] = v;
    }
    if (Object.keys(metrics).length) record.metrics = metrics;
    return { record };
  }
}
