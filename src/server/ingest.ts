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

type Rejection = { reason: string };
const rejection = (r: object): r is Rejection => "reason" in r;

/** a record's metrics quantised by their protocol steps, or why one is refused */
function quantiseMetrics(rec: IngestRecord): Record<string, number | null> | Rejection {
  const names = LAYER_METRICS[rec.layer] as readonly string[];
  const q: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(rec.metrics ?? {})) {
    if (!names.includes(name))
      return { reason: `metrics.${name}: not a ${rec.layer} metric (expected one of ${names.join(", ")})` };
    const spec = metricSpec(rec.layer, name)!;
    if (!Number.isFinite(value) || value < spec.min || value > spec.max)
      return { reason: `metrics.${name}: ${value} out of range [${spec.min}, ${spec.max}]` };
    if (spec.integer && !Number.isInteger(value)) return { reason: `metrics.${name}: ${value} must be an integer` };
    q[name] = Math.round(value / spec.step);
  }
  return q;
}

/** the raise or clear a record's alarm asks for, or why it is refused (a clear needs an active alarm) */
function alarmEvent(state: LiveState, rec: IngestRecord, objectIndex: number): AlarmBusEvent | Rejection {
  const a = rec.alarm!;
  if (a.clear) {
    const cur = state.alarms.activeFor(rec.layer, rec.id, a.kind);
    if (!cur) return { reason: `alarm: no active ${a.kind} alarm on ${rec.id} to clear` };
    return { t: "a", op: "clear", alarm: { ...cur, clearedAt: rec.ts } };
  }
  const alarm: Alarm = {
    id: `I-${run}-${(++counter).toString(36)}-${a.kind}-${rec.id}`.slice(0, 160),
    layer: rec.layer,
    objectId: rec.id,
    objectIndex,
    kind: a.kind,
    severity: a.severity,
    raisedAt: rec.ts,
    text_zh: a.text,
    text_en: a.text_en ?? a.text,
    ...(a.value !== undefined ? { value: a.value } : {}),
  };
  return { t: "a", op: "raise", alarm };
}

/** One ingest batch: records added one by one, valid ones gathered into an update per layer plus alarm events. */
class IngestBatch {
  readonly rejected: IngestResult["rejected"] = [];
  private readonly updates = new Map<LayerId, UpdateEvent>();
  private readonly alarms: AlarmBusEvent[] = [];
  private accepted = 0;

  constructor(
    private readonly state: LiveState,
    private readonly now: number,
  ) {}

  add(raw: unknown, index: number): void {
    const r = IngestRecord.safeParse(raw);
    if (!r.success) return void this.rejected.push({ index, reason: zodReason(r.error) });
    const rec = r.data;
    const i = this.state.layers[rec.layer].index.get(rec.id);
    if (i === undefined)
      return void this.rejected.push({ index, reason: `id: unknown object "${rec.id}" in layer ${rec.layer}` });
    if (rec.status === undefined && rec.metrics === undefined && rec.alarm === undefined)
      return void this.rejected.push({ index, reason: "record has no status, metrics or alarm" });
    const q = quantiseMetrics(rec);
    if (rejection(q)) return void this.rejected.push({ index, reason: q.reason });
    if (rec.alarm) {
      const ev = alarmEvent(this.state, rec, i);
      if (rejection(ev)) return void this.rejected.push({ index, reason: ev.reason });
      this.alarms.push(ev);
    }
    if (rec.status !== undefined || rec.metrics !== undefined) this.pushUpdate(rec, i, q);
    this.accepted++;
  }

  private pushUpdate(rec: IngestRecord, i: number, q: Record<string, number | null>): void {
    const names = LAYER_METRICS[rec.layer] as readonly string[];
    let ev = this.updates.get(rec.layer);
    if (!ev) {
      ev = {
        t: "u",
        layer: rec.layer,
        ts: this.now,
        idx: [],
        st: [],
        m: Object.fromEntries(names.map((n) => [n, []])),
        rts: [],
      };
      this.updates.set(rec.layer, ev);
    }
    ev.idx.push(i);
    ev.st.push(rec.status ?? -1);
    for (const n of names) ev.m[n].push(q[n] ?? null);
    ev.rts!.push(rec.ts);
  }

  take(): { events: BusEvent[]; result: IngestResult } {
    return {
      events: [...this.updates.values(), ...this.alarms],
      result: { accepted: this.accepted, rejected: this.rejected },
    };
  }
}

export function validateIngest(
  state: LiveState,
  records: unknown[],
  now = Date.now(),
): { events: BusEvent[]; result: IngestResult } {
  const batch = new IngestBatch(state, now);
  records.forEach((raw, index) => batch.add(raw, index));
  return batch.take();
}
