/**
 * History REST API (read-only; any role that may view; see src/protocol/history.ts for the shapes). Besides the
 * gateway's per-address limit on every /api/ request, the costly reads (a state, an export) share a tighter
 * per-address bucket, so no client can keep the gateway busy seeking.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type z } from "zod";
import { LAYER_IDS, type LayerId } from "../../protocol/data";
import {
  AlarmQuery,
  ExportQuery,
  KpiQuery,
  OutageQuery,
  StateQuery,
  type HistoryRange,
  type HistoryState,
  type KpiPoint,
} from "../../protocol/history";
import { LAYER_METRICS, PROTOCOL_VERSION, STATUS_NAMES, dequantise, zodReason, type Alarm } from "../../protocol/live";
import type { TokenBook } from "../config";
import type { LayerData } from "../layer-data";
import { KeyedLimiter } from "../ratelimit";
import { requireRole } from "../security";
import { MAX_OUTAGE_CHANGES, outageHistory } from "./outages";
import type { StateAt } from "./reader";
import type { HistoryService } from "./service";

export interface HistoryRouteDeps {
  history: HistoryService;
  tokens: TokenBook;
  data: LayerData;
  /** costly reads per address: [per second, burst] (default 2/s, burst 6) */
  heavy?: [number, number];
}

/** most update rows one CSV export returns */
export const MAX_EXPORT_ROWS = 500_000;

const VIEW_ROLES = ["viewer", "operator", "planner"] as const;

function parse<T extends z.ZodTypeAny>(schema: T, req: FastifyRequest, reply: FastifyReply): z.infer<T> | undefined {
  const r = schema.safeParse(req.query);
  if (r.success) return r.data;
  void reply.code(400).send({ error: "invalid", reason: zodReason(r.error) });
  return undefined;
}

export function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? "" : String(v);
  // a leading = + - @ would be read as a formula by spreadsheets
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
const csvLine = (cells: unknown[]) => cells.map(csvCell).join(",") + "\n";

export function alarmsCsv(alarms: readonly Alarm[]): string {
  const cols = ["id", "layer", "objectId", "kind", "severity", "raisedAt", "clearedAt", "ackedAt", "ackedBy", "value"];
  const iso = (t?: number) => (t === undefined ? "" : new Date(t).toISOString());
  let out = csvLine([...cols, "text_zh", "text_en"]);
  for (const a of alarms)
    out += csvLine([
      a.id,
      a.layer,
      a.objectId,
      a.kind,
      a.severity,
      iso(a.raisedAt),
      iso(a.clearedAt),
      iso(a.ackedAt),
      a.ackedBy,
      a.value,
      a.text_zh,
      a.text_en,
    ]);
  return out;
}

/** Average the samples per step bucket (nulls left out; a bucket without samples is not returned). */
export function bucketKpis(samples: readonly KpiPoint[], from: number, step: number): KpiPoint[] {
  const keys = ["availability", "pue", "chargerUtil", "congestion"] as const;
  const out: KpiPoint[] = [];
  let cur: { b: number; sum: number[]; n: number[] } | undefined;
  const emit = () => {
    if (!cur) return;
    const p: KpiPoint = { t: from + cur.b * step, availability: null, pue: null, chargerUtil: null, congestion: null };
    keys.forEach((k, i) => (p[k] = cur!.n[i] ? cur!.sum[i] / cur!.n[i] : null));
    out.push(p);
  };
  for (const s of samples) {
    const b = Math.floor((s.t - from) / step);
    if (!cur || cur.b !== b) {
      emit();
      cur = { b, sum: [0, 0, 0, 0], n: [0, 0, 0, 0] };
    }
    keys.forEach((k, i) => {
      const v = s[k];
      if (v !== null && Number.isFinite(v)) {
        cur!.sum[i] += v;
        cur!.n[i]++;
      }
    });
  }
  emit();
  return out;
}

const notRecorded = (reply: FastifyReply, t: number) =>
  reply.code(404).send({ error: "not_found", reason: `nothing recorded at or before t=${t}` });

/** One layer's objects at the state `at` as a GeoJSON FeatureCollection of points (status, last seen, metrics). */
function geoJson(layer: LayerId, t: number, items: readonly { id: string; lon: number; lat: number }[], at: StateAt) {
  const L = at.state.layers[layer];
  const features = items.map((it, i) => ({
    type: "Feature" as const,
    geometry: { type: "Point" as const, coordinates: [it.lon, it.lat] },
    properties: {
      id: it.id,
      status: STATUS_NAMES[L.status[i]],
      lastSeen: L.lastSeen[i] ? new Date(L.lastSeen[i]).toISOString() : null,
      ...Object.fromEntries(LAYER_METRICS[layer].map((m) => [m, L.metrics[m][i]])),
    },
  }));
  return { type: "FeatureCollection", properties: { layer, t: new Date(t).toISOString() }, features };
}

/** The history routes of one gateway: access and the costly-read limit first, then one named handler per route. */
class HistoryRoutes {
  private readonly heavy: KeyedLimiter;
  private readonly history: HistoryService;

  constructor(private readonly d: HistoryRouteDeps) {
    this.heavy = new KeyedLimiter(...(d.heavy ?? [2, 6]));
    this.history = d.history;
  }

  register(app: FastifyInstance): void {
    app.get("/api/history/range", (req, reply) => this.range(req, reply));
    app.get("/api/history/state", (req, reply) => this.state(req, reply));
    app.get("/api/history/kpis", (req, reply) => this.kpis(req, reply));
    app.get("/api/history/outages", (req, reply) => this.outages(req, reply));
    app.get("/api/history/alarms", (req, reply) => this.alarms(req, reply));
    app.get("/api/history/export", (req, reply) => this.export(req, reply));
  }

  private viewer(req: FastifyRequest, reply: FastifyReply): boolean {
    return !!requireRole(this.d.tokens, req, reply, [...VIEW_ROLES]);
  }

  /** a costly read: false (and a 429 sent) when this address used up its bucket */
  private costly(req: FastifyRequest, reply: FastifyReply): boolean {
    if (this.heavy.take(req.ip)) return true;
    void reply
      .code(429)
      .header("retry-after", "1")
      .send({ error: "rate_limited", reason: `too many history reads from ${req.ip} (limit ${this.heavy.rate}/s)` });
    return false;
  }

  private async range(req: FastifyRequest, reply: FastifyReply) {
    if (!this.viewer(req, reply)) return;
    const { store, writer } = this.history;
    const r = await store.range();
    const body: HistoryRange = {
      v: PROTOCOL_VERSION,
      ...(r ? { from: r.from, to: Math.max(r.to, writer.time) } : {}),
      now: writer.time,
      retentionMs: writer.retentionMs,
      blockMs: writer.blockMs,
      store: store.kind,
    };
    return body;
  }

  private async state(req: FastifyRequest, reply: FastifyReply) {
    if (!this.viewer(req, reply) || !this.costly(req, reply)) return;
    const q = parse(StateQuery, req, reply);
    if (!q) return;
    const at = await this.history.reader.stateAt(q.t);
    if (!at) return notRecorded(reply, q.t);
    const layers: LayerId[] = q.layers?.length ? q.layers : [...LAYER_IDS];
    const epoch = `history-${Math.round(q.t).toString(36)}`;
    const body: HistoryState = {
      v: PROTOCOL_VERSION,
      t: q.t,
      digest: at.state.digest(layers).digest,
      snapshots: layers.map((l) => at.state.layers[l].snapshot(epoch, q.t)),
      alarms: at.alarms,
    };
    return body;
  }

  private async kpis(req: FastifyRequest, reply: FastifyReply) {
    if (!this.viewer(req, reply)) return;
    const q = parse(KpiQuery, req, reply);
    if (!q) return;
    const samples = await this.history.store.kpis(q.from, q.to);
    return { v: PROTOCOL_VERSION, from: q.from, to: q.to, step: q.step, points: bucketKpis(samples, q.from, q.step) };
  }

  private async outages(req: FastifyRequest, reply: FastifyReply) {
    if (!this.viewer(req, reply) || !this.costly(req, reply)) return;
    const q = parse(OutageQuery, req, reply);
    if (!q) return;
    const siteIds = this.d.data.sites.map((s) => s.id);
    const r = await outageHistory(this.history, q.from, q.to, siteIds);
    if (r === undefined) return notRecorded(reply, q.from);
    if (r === "too_large")
      return reply.code(413).send({
        error: "too_large",
        reason: `more than ${MAX_OUTAGE_CHANGES} site outage changes in this window; ask for a shorter one`,
      });
    return r;
  }

  private async alarms(req: FastifyRequest, reply: FastifyReply) {
    if (!this.viewer(req, reply)) return;
    const q = parse(AlarmQuery, req, reply);
    if (!q) return;
    const alarms = await this.history.store.alarms(q);
    if (q.format === "csv")
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="alarms.csv"')
        .send(alarmsCsv(alarms));
    return { v: PROTOCOL_VERSION, alarms };
  }

  private async export(req: FastifyRequest, reply: FastifyReply) {
    if (!this.viewer(req, reply) || !this.costly(req, reply)) return;
    const q = parse(ExportQuery, req, reply);
    if (!q) return;
    return q.format === "geojson" ? this.exportGeoJson(reply, q.layer, q.to) : this.exportCsv(reply, q);
  }

  /** the layer's state at `to` */
  private async exportGeoJson(reply: FastifyReply, layer: LayerId, to: number) {
    const at = await this.history.reader.stateAt(to);
    if (!at) return notRecorded(reply, to);
    return reply
      .header("content-type", "application/geo+json")
      .header("content-disposition", `attachment; filename="${layer}.geojson"`)
      .send(geoJson(layer, to, this.d.data[layer], at));
  }

  /** the layer's updates in [from, to] */
  private async exportCsv(reply: FastifyReply, q: { layer: LayerId; from: number; to: number }) {
    const csv = await exportCsv(this.history, q.layer, q.from, q.to, this.d.data[q.layer]);
    if (csv === undefined)
      return reply.code(413).send({
        error: "too_large",
        reason: `more than ${MAX_EXPORT_ROWS} updates of ${q.layer} in this window; export a shorter one`,
      });
    return reply
      .header("content-type", "text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${q.layer}.csv"`)
      .send(csv);
  }
}

export function registerHistoryRoutes(app: FastifyInstance, d: HistoryRouteDeps): void {
  new HistoryRoutes(d).register(app);
}

/** Every recorded update of `layer` in [from, to] as CSV rows (time, id, status, changed metrics). */
async function exportCsv(
  history: HistoryService,
  layer: LayerId,
  from: number,
  to: number,
  items: readonly { id: string }[],
): Promise<string | undefined> {
  const names = LAYER_METRICS[layer];
  const parts: string[] = [csvLine(["time", "id", "status", ...names])];
  let rows = 0;
  let after = 0;
  for (;;) {
    const page = await history.store.deltasFrom(after, from, 32);
    for (const b of page) {
      after = b.id;
      if (b.t0 > to) return parts.join("");
      for (const { t, ev } of await history.reader.events(b.data)) {
        if (t < from || t > to || ev.layer !== layer) continue;
        for (let r = 0; r < ev.idx.length; r++) {
          if (++rows > MAX_EXPORT_ROWS) return undefined;
          const st = ev.st[r];
          parts.push(
            csvLine([
              new Date(ev.rts ? ev.rts[r] : ev.ts).toISOString(),
              items[ev.idx[r]]?.id ?? ev.idx[r],
              st >= 0 ? STATUS_NAMES[st] : "",
              ...names.map((m) => {
                const q = ev.m[m]?.[r];
                return q === null || q === undefined ? "" : dequantise(layer, m, q);
              }),
            ]),
          );
        }
      }
    }
    if (page.length < 32) return parts.join("");
  }
}
