/**
 * Ingest of real feeds: validates a batch record by record, turns the valid ones into BusEvents and reports
 * every invalid one with its index and a reason. Record format (see IngestRecord in src/protocol/live.ts):
 *   { layer, id, status?, metrics?: {name: value}, ts, alarm?: {kind, severity, text, text_en?, clear?, value?} }
 * A record may carry only an alarm (this is how e2e tests and external NMS feeds inject alarms). A record with
 * neither status, metrics nor alarm is rejected.
 */
import { randomBytes } from "node:crypto";
import type { LayerId } from "../protocol/data";
import { IngestRecord, LAYER_METRICS, metricSpec, zodReason, type Alarm, type IngestResult } from "../protocol/live";
import type { AlarmBusEvent, BusEvent, LiveState, UpdateEvent } from "./state";

const run = randomBytes(3).toString("hex");
let counter = 0;

export function validateIngest(
  state: LiveState,
  records: unknown[],
  now = Date.now(),
): { events: BusEvent[]; result: IngestResult } {
  const rejected: IngestResult["rejected"] = [];
  const updates = new Map<LayerId, UpdateEvent>();
  const alarms: AlarmBusEvent[] = [];
  let accepted = 0;
  records.forEach((raw, index) => {
    const r = IngestRecord.safeParse(raw);
    if (!r.success) return void rejected.push({ index, reason: zodReason(r.error) });
    const rec = r.data;
    const layer = state.layers[rec.layer];
    const i = layer.index.get(rec.id);
    if (i === undefined)
      return void rejected.push({ index, reason: `id: unknown object "${rec.id}" in layer ${rec.layer}` });
    if (rec.status === undefined && rec.metrics === undefined && rec.alarm === undefined)
      return void rejected.push({ index, reason: "record has no status, metrics or alarm" });
    const names = LAYER_METRICS[rec.layer] as readonly string[];
    const q: Record<string, number | null> = {};
    for (const [name, value] of Object.entries(rec.metrics ?? {})) {
      if (!names.includes(name))
        return void rejected.push({
          index,
          reason: `metrics.${name}: not a ${rec.layer} metric (expected one of ${names.join(", ")})`,
        });
      const spec = metricSpec(rec.layer, name)!;
      if (!Number.isFinite(value) || value < spec.min || value > spec.max)
        return void rejected.push({
          index,
          reason: `metrics.${name}: ${value} out of range [${spec.min}, ${spec.max}]`,
        });
      if (spec.integer && !Number.isInteger(value))
        return void rejected.push({ index, reason: `metrics.${name}: ${value} must be an integer` });
      q[name] = Math.round(value / spec.step);
    }
    if (rec.alarm) {
      const a = rec.alarm;
      if (a.clear) {
        const cur = state.alarms.activeFor(rec.layer, rec.id, a.kind);
        if (!cur)
          return void rejected.push({ index, reason: `alarm: no active ${a.kind} alarm on ${rec.id} to clear` });
        alarms.push({ t: "a", op: "clear", alarm: { ...cur, clearedAt: rec.ts } });
      } else {
        const alarm: Alarm = {
          id: `I-${run}-${(++counter).toString(36)}-${a.kind}-${rec.id}`.slice(0, 160),
          layer: rec.layer,
          objectId: rec.id,
          objectIndex: i,
          kind: a.kind,
          severity: a.severity,
          raisedAt: rec.ts,
          text_zh: a.text,
          text_en: a.text_en ?? a.text,
          ...(a.value !== undefined ? { value: a.value } : {}),
        };
        alarms.push({ t: "a", op: "raise", alarm });
      }
    }
    if (rec.status !== undefined || rec.metrics !== undefined) {
      let ev = updates.get(rec.layer);
      if (!ev) {
        ev = {
          t: "u",
          layer: rec.layer,
          ts: now,
          idx: [],
          st: [],
          m: Object.fromEntries(names.map((n) => [n, []])),
          rts: [],
        };
        updates.set(rec.layer, ev);
      }
      ev.idx.push(i);
      ev.st.push(rec.status ?? -1);
      for (const n of names) ev.m[n].push(q[n] ?? null);
      ev.rts!.push(rec.ts);
    }
    accepted++;
  });
  return { events: [...updates.values(), ...alarms], result: { accepted, rejected } };
}
