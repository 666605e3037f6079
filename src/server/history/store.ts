/**
 * The history store's interface: what the writer appends and what the replay APIs read. Two implementations:
 * SQLite (sqlite.ts, embedded default, a file under var/) and PostgreSQL (postgres.ts, HISTORY_URL=postgres://…,
 * one history shared by several gateways). Both keep the same three tables:
 *   blocks  (id, kind 'k' keyframe | 'd' deltas, t0, t1, records, raw_bytes, data)  — compressed, see codec.ts
 *   alarms  (id, layer, object_id, kind, severity, raised_at, cleared_at, acked_at, acked_by, body JSON)
 *   kpis    (t, body JSON)                                                           — the wall's trend samples
 * Times are history time (ms): the twin clock of the events, made monotonic by the writer.
 */
import type { Alarm, Severity } from "../../protocol/live";
import type { LayerId } from "../../protocol/data";

export interface BlockRow {
  id: number;
  kind: "k" | "d";
  t0: number;
  t1: number;
  records: number;
  rawBytes: number;
  data: Buffer;
}
export type NewBlock = Omit<BlockRow, "id">;

export interface KpiSample {
  t: number;
  availability: number | null;
  pue: number | null;
  chargerUtil: number | null;
  congestion: number | null;
}

export interface AlarmFilter {
  from?: number;
  to?: number;
  layer?: LayerId;
  severity?: Severity;
  objectId?: string;
  limit: number;
}

export interface StoreStats {
  blocks: number;
  keyframes: number;
  bytes: number;
  rawBytes: number;
  records: number;
}

export interface HistoryStore {
  readonly kind: "sqlite" | "postgres";
  /** append blocks (in order), upsert alarms, add KPI samples — one transaction */
  write(blocks: NewBlock[], alarms: Alarm[], kpis: KpiSample[]): Promise<void>;
  /** the newest keyframe with t0 <= t (the latest keyframe if t is undefined) */
  keyframeAt(t?: number): Promise<BlockRow | undefined>;
  /** delta blocks after block `afterId` whose t0 <= t, in order, stopping before the next keyframe */
  deltasAfter(afterId: number, t: number, limit: number): Promise<BlockRow[]>;
  /** delta blocks after block `afterId` with t1 >= t, in order, across keyframes (replay reads forward) */
  deltasFrom(afterId: number, t: number, limit: number): Promise<BlockRow[]>;
  /** [first, last] history time covered, undefined if empty */
  range(): Promise<{ from: number; to: number } | undefined>;
  alarms(f: AlarmFilter): Promise<Alarm[]>;
  /** alarms not cleared, plus alarms cleared at or after `clearedSince` (gateway restart) */
  alarmsForRestart(clearedSince: number, limit: number): Promise<Alarm[]>;
  /** alarms active at t: raised <= t and not cleared by t */
  alarmsActiveAt(t: number, limit: number): Promise<Alarm[]>;
  kpis(from: number, to: number): Promise<KpiSample[]>;
  /** delete what is older than `before` but keep the keyframe needed to seek to `before` */
  prune(before: number): Promise<number>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}

export function alarmRow(a: Alarm) {
  return {
    id: a.id,
    layer: a.layer,
    object_id: a.objectId,
    kind: a.kind,
    severity: a.severity,
    raised_at: a.raisedAt,
    cleared_at: a.clearedAt ?? null,
    acked_at: a.ackedAt ?? null,
    acked_by: a.ackedBy ?? null,
    body: JSON.stringify(a),
  };
}

/** WHERE clause of an alarm filter; `ph(n)` renders the n-th placeholder (`?` for SQLite, `$n` for PostgreSQL). */
export function alarmWhere(f: AlarmFilter, ph: (n: number) => string): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (clause: (p: string) => string, v: string | number) => {
    args.push(v);
    where.push(clause(ph(args.length)));
  };
  if (f.from !== undefined) add((p) => `(cleared_at IS NULL OR cleared_at >= ${p})`, f.from);
  if (f.to !== undefined) add((p) => `raised_at <= ${p}`, f.to);
  if (f.layer) add((p) => `layer = ${p}`, f.layer);
  if (f.severity) add((p) => `severity = ${p}`, f.severity);
  if (f.objectId) add((p) => `object_id = ${p}`, f.objectId);
  return { sql: where.length ? `WHERE ${where.join(" AND ")}` : "", args };
}
