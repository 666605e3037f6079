/**
 * Live status store (zustand vanilla). Typed arrays per layer, mutated in place by applySnapshot/applyDelta;
 * each applied frame bumps the layer's `version` (one setState per frame), so selectors can watch a number
 * while renderers read the arrays and call drainChanges(layer) to recolour only the changed primitives.
 *
 * Two status arrays: `reported` is exactly what the gateway said (digest uses it); `status` is what to draw:
 * the reported status, or 4 (unknown) once an object has had no update for `staleMs` (lastSeen is kept).
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { LayerId } from "../protocol/data";
import { combineDigest, idsHash, layerDigest } from "../protocol/digest";
import {
  LAYER_METRICS,
  SEVERITY_RANK,
  STATUS,
  deltaAction,
  metricSpec,
  type Alarm,
  type AlarmEvent,
  type Delta,
  type Detail,
  type ErrorMsg,
  type Hello,
  type Snapshot,
} from "../protocol/live";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";

export interface LayerLive {
  readonly layer: LayerId;
  readonly ids: readonly string[];
  readonly idsHash: string;
  /** last applied seq (0 before the first snapshot) */
  seq: number;
  epoch: string | null;
  /** a snapshot has been applied */
  ready: boolean;
  /** displayed status per object: reported, or 4 when stale */
  status: Uint8Array;
  /** status as last reported by the gateway */
  reported: Uint8Array;
  /** gateway timestamp (ms epoch; simulated clock when the simulator runs) of each object's last report, 0 = never */
  lastSeen: Float64Array;
  /** local Date.now() when each object was last updated (stale detection) */
  receivedAt: Float64Array;
  /** metric name -> value per object (see LAYER_METRICS) */
  metrics: Record<string, Float32Array>;
  /** number of objects currently drawn as stale */
  staleCount: number;
  /** increments on every applied frame that changed this layer */
  version: number;
  /** set when the gateway's object list differs from ours (nothing is applied then) */
  mismatch: string | null;
}

export interface LiveStats {
  snapshots: number;
  deltas: number;
  duplicates: number;
  gaps: number;
  resyncs: number;
  rejected: number;
  /** reconnects that socket.io connection-state recovery resumed (missed packets replayed, no snapshot needed) */
  recovered: number;
  /** reconnects that needed fresh snapshots */
  resubscribed: number;
}

export interface LiveStoreState {
  layers: Partial<Record<LayerId, LayerLive>>;
  /** layers the client wants (subscribed on every (re)connect) */
  subscribed: LayerId[];
  connection: { state: ConnectionState; since: number; reason?: string };
  server: { serverId: string; epoch: string; role: Hello["role"]; simSpeed: number; clock?: Hello["clock"] } | null;
  /** active first (critical > major > minor, newest first), then cleared newest first */
  alarms: Alarm[];
  detail: Detail | null;
  lastError: ErrorMsg | null;
  stats: LiveStats;
}

/** One layer's changes (made by the live worker, mirrored on the page): values at the changed indices (or whole arrays when `full`), plus the layer's meta state. */
export interface LayerPatch {
  layer: LayerId;
  seq: number;
  epoch: string | null;
  ready: boolean;
  mismatch: string | null;
  staleCount: number;
  /** every object: the arrays are whole layer arrays (a snapshot), `idx` is null */
  full: boolean;
  idx: Uint32Array | null;
  status: Uint8Array;
  reported: Uint8Array;
  lastSeen: Float64Array;
  /** one column per LAYER_METRICS[layer] name, in that order */
  metrics: Float32Array[];
}

export type LiveStore = StoreApi<LiveStoreState>;

export interface LiveModel {
  store: LiveStore;
  /** counters (mutable; published to store.stats on commit) */
  stats: LiveStats;
  /** create the layer's arrays for this object list (order = public/data/<layer>.json items) */
  ensureLayer(layer: LayerId, ids: readonly string[]): LayerLive;
  /** apply a validated snapshot; returns false (and sets mismatch) if its object list differs from ours */
  applySnapshot(s: Snapshot, now?: number): boolean;
  /** mirror a layer patch computed by the live worker (values at the changed indices, or whole arrays); a partial
   *  patch can be applied in slices [from, to) — the layer's seq/ready/... follow with the last slice */
  applyPatch(p: LayerPatch, from?: number, to?: number, now?: number): void;
  /** apply a validated delta; returns what happened ("gap" = caller must request a resync) */
  applyDelta(d: Delta, now?: number): "apply" | "duplicate" | "gap" | "epoch" | "not-ready";
  /** indices changed since the previous drain (status, metrics or staleness) */
  drainChanges(layer: LayerId): Uint32Array;
  /** mark objects with no update for staleMs as unknown (4); returns how many changed */
  markStale(now?: number): number;
  /** publish all in-place changes made since the last commit (one setState) */
  commit(): void;
  applyAlarmList(alarms: Alarm[]): void;
  applyAlarmEvent(e: AlarmEvent): void;
  /** digest over the given (default: subscribed & ready) layers, same function as GET /api/digest */
  digest(layers?: readonly LayerId[]): string;
}

interface Pending {
  mark: Uint8Array;
  list: number[];
  dirty: boolean;
}

export function createLiveModel(opts: { staleMs?: number } = {}): LiveModel {
  return new LiveStateModel(opts.staleMs ?? 30_000);
}

/** note object i as changed (once until the next drain) */
function markChanged(p: Pending, i: number): void {
  p.dirty = true;
  if (!p.mark[i]) {
    p.mark[i] = 1;
    p.list.push(i);
  }
}

const steps = (layer: LayerId) => LAYER_METRICS[layer].map((m) => metricSpec(layer, m)!.step);

/** active first (critical > major > minor, newest first), then cleared newest first */
function sortAlarms(list: Alarm[]): Alarm[] {
  return list.sort((a, b) => {
    const ac = a.clearedAt === undefined ? 0 : 1;
    const bc = b.clearedAt === undefined ? 0 : 1;
    if (ac !== bc) return ac - bc;
    if (!ac && a.severity !== b.severity) return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
    return b.raisedAt - a.raisedAt || (a.id < b.id ? -1 : 1);
  });
}

/** createLiveModel's model: the store, per-layer change lists and counters. Holds no timers or listeners. */
class LiveStateModel implements LiveModel {
  readonly store: LiveStore = createStore<LiveStoreState>(() => ({
    layers: {},
    subscribed: [],
    connection: { state: "connecting", since: Date.now() },
    server: null,
    alarms: [],
    detail: null,
    lastError: null,
    stats: { snapshots: 0, deltas: 0, duplicates: 0, gaps: 0, resyncs: 0, rejected: 0, recovered: 0, resubscribed: 0 },
  }));
  readonly stats: LiveStats = { ...this.store.getState().stats };
  private readonly pending = new Map<LayerId, Pending>();

  constructor(private readonly staleMs: number) {}

  private touch(layer: LayerId, i: number): void {
    markChanged(this.pending.get(layer)!, i);
  }

  ensureLayer(layer: LayerId, ids: readonly string[]): LayerLive {
    const cur = this.store.getState().layers[layer];
    const h = idsHash(ids);
    if (cur && cur.idsHash === h) return cur;
    const n = ids.length;
    const L: LayerLive = {
      layer,
      ids,
      idsHash: h,
      seq: 0,
      epoch: null,
      ready: false,
      status: new Uint8Array(n).fill(STATUS.unknown),
      reported: new Uint8Array(n).fill(STATUS.unknown),
      lastSeen: new Float64Array(n),
      receivedAt: new Float64Array(n),
      metrics: Object.fromEntries(LAYER_METRICS[layer].map((m) => [m, new Float32Array(n)])),
      staleCount: 0,
      version: 0,
      mismatch: null,
    };
    this.pending.set(layer, { mark: new Uint8Array(n), list: [], dirty: true });
    this.store.setState((s) => ({ layers: { ...s.layers, [layer]: L } }));
    return L;
  }

  applySnapshot(s: Snapshot, now = Date.now()): boolean {
    const L = this.store.getState().layers[s.layer];
    if (!L) return false;
    if (s.idsHash !== L.idsHash || s.count !== L.ids.length) {
      L.mismatch = `gateway ${s.layer} objects ${s.idsHash} differ from this page's ${L.idsHash}; reload`;
      this.pending.get(s.layer)!.dirty = true;
      return false;
    }
    L.mismatch = null;
    const names = LAYER_METRICS[s.layer];
    const st = steps(s.layer);
    for (let i = 0; i < s.count; i++) {
      L.reported[i] = s.status[i];
      L.status[i] = s.status[i];
      L.lastSeen[i] = s.lastSeen[i];
      L.receivedAt[i] = now;
      this.touch(s.layer, i);
    }
    names.forEach((name, k) => {
      const col = L.metrics[name];
      const src = s.metrics[name];
      for (let i = 0; i < s.count; i++) col[i] = Math.fround(src[i] * st[k]);
    });
    L.seq = s.seq;
    L.epoch = s.epoch;
    L.ready = true;
    L.staleCount = 0;
    this.stats.snapshots++;
    return true;
  }

  applyPatch(p: LayerPatch, from = 0, to = p.idx?.length ?? 0, now = Date.now()): void {
    const L = this.store.getState().layers[p.layer];
    if (!L) return;
    const n = L.ids.length;
    const names = LAYER_METRICS[p.layer];
    const pend = this.pending.get(p.layer)!;
    pend.dirty = true;
    if (p.full) {
      if (p.status.length !== n) return;
      L.status.set(p.status);
      L.reported.set(p.reported);
      L.lastSeen.set(p.lastSeen);
      L.receivedAt.fill(now);
      names.forEach((name, k) => L.metrics[name].set(p.metrics[k]));
      for (let i = 0; i < n; i++) markChanged(pend, i);
    } else if (p.idx) {
      const idx = p.idx;
      const cols = names.map((name) => L.metrics[name]);
      const end = Math.min(to, idx.length);
      for (let r = from; r < end; r++) {
        const i = idx[r];
        if (i >= n) continue;
        L.status[i] = p.status[r];
        L.reported[i] = p.reported[r];
        L.lastSeen[i] = p.lastSeen[r];
        L.receivedAt[i] = now;
        for (let k = 0; k < cols.length; k++) cols[k][i] = p.metrics[k][r];
        markChanged(pend, i);
      }
      if (end < idx.length) return;
    }
    L.seq = p.seq;
    L.epoch = p.epoch;
    L.ready = p.ready;
    L.mismatch = p.mismatch;
    L.staleCount = p.staleCount;
  }

  applyDelta(d: Delta, now = Date.now()): ReturnType<LiveModel["applyDelta"]> {
    const L = this.store.getState().layers[d.layer];
    if (!L || !L.ready || L.mismatch) return "not-ready";
    if (d.epoch !== L.epoch) {
      this.stats.gaps++;
      return "epoch";
    }
    const action = deltaAction(L.seq, d.prev, d.seq);
    if (action === "duplicate") {
      this.stats.duplicates++;
      return action;
    }
    if (action === "gap") {
      this.stats.gaps++;
      return action;
    }
    const names = LAYER_METRICS[d.layer];
    const st = steps(d.layer);
    const n = L.ids.length;
    for (let r = 0; r < d.idx.length; r++) {
      const i = d.idx[r];
      if (i < 0 || i >= n) continue;
      if (L.status[i] === STATUS.unknown && L.reported[i] !== STATUS.unknown)
        L.staleCount = Math.max(0, L.staleCount - 1);
      L.reported[i] = d.status[r];
      L.status[i] = d.status[r];
      L.lastSeen[i] = d.lastSeen[r];
      L.receivedAt[i] = now;
      for (let k = 0; k < names.length; k++) L.metrics[names[k]][i] = Math.fround(d.metrics[names[k]][r] * st[k]);
      this.touch(d.layer, i);
    }
    L.seq = d.seq;
    this.stats.deltas++;
    return "apply";
  }

  markStale(now = Date.now()): number {
    let changed = 0;
    const layers = this.store.getState().layers;
    for (const L of Object.values(layers)) {
      if (!L || !L.ready) continue;
      const limit = now - this.staleMs;
      for (let i = 0; i < L.ids.length; i++) {
        if (L.status[i] !== STATUS.unknown && L.receivedAt[i] < limit) {
          L.status[i] = STATUS.unknown;
          L.staleCount++;
          this.touch(L.layer, i);
          changed++;
        }
      }
    }
    return changed;
  }

  drainChanges(layer: LayerId): Uint32Array {
    const p = this.pending.get(layer);
    if (!p || !p.list.length) return new Uint32Array(0);
    const out = Uint32Array.from(p.list);
    for (const i of p.list) p.mark[i] = 0;
    p.list = [];
    return out;
  }

  commit(): void {
    const s = this.store.getState();
    const layers = { ...s.layers };
    let any = false;
    for (const [layer, p] of this.pending) {
      if (!p.dirty) continue;
      p.dirty = false;
      const L = layers[layer];
      if (!L) continue;
      // same arrays, new object identity + version so selectors re-run
      layers[layer] = { ...L, version: L.version + 1 };
      any = true;
    }
    const statsChanged = JSON.stringify(this.stats) !== JSON.stringify(s.stats);
    if (any || statsChanged)
      this.store.setState({ ...(any ? { layers } : {}), ...(statsChanged ? { stats: { ...this.stats } } : {}) });
  }

  applyAlarmList(alarms: Alarm[]): void {
    this.store.setState({ alarms: sortAlarms([...alarms]).slice(0, 2000) });
  }

  applyAlarmEvent(e: AlarmEvent): void {
    const list = this.store.getState().alarms.slice();
    const at = list.findIndex((a) => a.id === e.alarm.id);
    if (e.op === "raise") {
      if (at >= 0) return;
      // a raise replaces an active alarm of the same kind on the same object
      const prev = list.findIndex(
        (a) =>
          a.clearedAt === undefined &&
          a.layer === e.alarm.layer &&
          a.objectId === e.alarm.objectId &&
          a.kind === e.alarm.kind,
      );
      if (prev >= 0) list[prev] = { ...list[prev], clearedAt: e.alarm.raisedAt };
      list.push(e.alarm);
    } else if (at >= 0) list[at] = { ...list[at], ...e.alarm };
    else list.push(e.alarm);
    this.store.setState({ alarms: sortAlarms(list).slice(0, 2000) });
  }

  digest(layers?: readonly LayerId[]): string {
    const s = this.store.getState();
    const which = layers ?? s.subscribed;
    const parts: Partial<Record<LayerId, { seq: number; digest: string }>> = {};
    for (const l of which) {
      const L = s.layers[l];
      if (!L || !L.ready) continue;
      parts[l] = { seq: L.seq, digest: layerDigest(l, { seq: L.seq, status: L.reported, metrics: L.metrics }) };
    }
    return combineDigest(parts);
  }
}
