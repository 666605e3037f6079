/**
 * The gateway's authoritative live state: per layer typed arrays indexed by object, a monotonic seq, dirty
 * tracking for batched deltas, and the alarm book. It changes ONLY by applying BusEvents (see bus.ts), in the
 * order the bus delivers them, so every gateway consuming the same stream holds the same state and seq.
 */
import { LAYER_IDS, type LayerId } from "../protocol/data";
import {
  LAYER_METRICS,
  MAX_ACTIVE_ALARMS,
  MAX_ALARMS,
  MAX_CLEARED_ALARMS,
  PROTOCOL_VERSION,
  SEVERITY_RANK,
  STATUS,
  dequantise,
  metricSpec,
  type Alarm,
  type AlarmList,
  type Delta,
  type Snapshot,
} from "../protocol/live";
import { combineDigest, idsHash, layerDigest } from "../protocol/digest";

/** One batch of updates for one layer. Quantised integers; null / -1 = field unchanged. */
export interface UpdateEvent {
  t: "u";
  layer: LayerId;
  ts: number;
  idx: number[];
  /** status per record, -1 = unchanged */
  st: number[];
  /** metric -> quantised value per record, null = unchanged; missing column = unchanged for all */
  m: Record<string, (number | null)[]>;
  /** per-record measurement time (ms epoch); defaults to ts */
  rts?: number[];
}
export interface AlarmBusEvent {
  t: "a";
  op: "raise" | "clear" | "ack";
  alarm: Alarm;
}
export interface ControlEvent {
  t: "c";
  paused: boolean;
}
export type BusEvent = UpdateEvent | AlarmBusEvent | ControlEvent;

export class LayerState {
  readonly index = new Map<string, number>();
  readonly idsHash: string;
  seq = 0;
  lastFlushed = 0;
  readonly status: Uint8Array;
  readonly lastSeen: Float64Array;
  readonly metrics: Record<string, Float32Array> = {};
  private readonly dirty: Uint8Array;
  private dirtyList: number[] = [];

  constructor(
    readonly layer: LayerId,
    readonly ids: readonly string[],
  ) {
    ids.forEach((id, i) => this.index.set(id, i));
    this.idsHash = idsHash(ids);
    const n = ids.length;
    this.status = new Uint8Array(n).fill(STATUS.unknown);
    this.lastSeen = new Float64Array(n);
    this.dirty = new Uint8Array(n);
    for (const name of LAYER_METRICS[layer]) this.metrics[name] = new Float32Array(n);
  }

  get count(): number {
    return this.ids.length;
  }

  apply(ev: UpdateEvent): void {
    const names = LAYER_METRICS[this.layer];
    for (let r = 0; r < ev.idx.length; r++) {
      const i = ev.idx[r];
      if (!(i >= 0 && i < this.ids.length)) continue;
      const st = ev.st[r];
      if (st >= 0 && st <= 4) this.status[i] = st;
      for (const name of names) {
        const col = ev.m[name];
        const q = col ? col[r] : null;
        if (q !== null && q !== undefined) this.metrics[name][i] = dequantise(this.layer, name, q);
      }
      this.lastSeen[i] = ev.rts ? ev.rts[r] : ev.ts;
      if (!this.dirty[i]) {
        this.dirty[i] = 1;
        this.dirtyList.push(i);
      }
    }
    this.seq++;
  }

  quantisedColumn(name: string, indices?: readonly number[]): number[] {
    const col = this.metrics[name];
    const out: number[] = [];
    const step = stepOf(this.layer, name);
    if (indices) for (const i of indices) out.push(Math.round(col[i] / step));
    else for (let i = 0; i < col.length; i++) out.push(Math.round(col[i] / step));
    return out;
  }

  snapshot(epoch: string, ts: number): Snapshot {
    const metrics: Record<string, number[]> = {};
    for (const name of LAYER_METRICS[this.layer]) metrics[name] = this.quantisedColumn(name);
    return {
      v: PROTOCOL_VERSION,
      layer: this.layer,
      epoch,
      seq: this.seq,
      idsHash: this.idsHash,
      count: this.count,
      ts,
      status: Array.from(this.status),
      lastSeen: Array.from(this.lastSeen),
      metrics,
    };
  }

  /** Build the delta for everything changed since the last flush (null if nothing), and clear dirty marks. */
  flush(epoch: string, ts: number): Delta | null {
    if (this.seq === this.lastFlushed) return null;
    const idx = this.dirtyList;
    this.dirtyList = [];
    for (const i of idx) this.dirty[i] = 0;
    const metrics: Record<string, number[]> = {};
    for (const name of LAYER_METRICS[this.layer]) metrics[name] = this.quantisedColumn(name, idx);
    const d: Delta = {
      v: PROTOCOL_VERSION,
      layer: this.layer,
      epoch,
      prev: this.lastFlushed,
      seq: this.seq,
      ts,
      idx,
      status: idx.map((i) => this.status[i]),
      lastSeen: idx.map((i) => this.lastSeen[i]),
      metrics,
    };
    this.lastFlushed = this.seq;
    return d;
  }

  /** The layer digest, computed once per seq (every change bumps seq; a checkpoint load resets the cache). */
  digest(): string {
    if (this.digestCache?.seq !== this.seq) this.digestCache = { seq: this.seq, digest: layerDigest(this.layer, this) };
    return this.digestCache.digest;
  }
  private digestCache?: { seq: number; digest: string };

  toCheckpoint(): LayerCheckpoint {
    const metrics: Record<string, string> = {};
    for (const [k, a] of Object.entries(this.metrics)) metrics[k] = b64(a);
    return { seq: this.seq, idsHash: this.idsHash, status: b64(this.status), lastSeen: b64(this.lastSeen), metrics };
  }

  /** Load columns as typed arrays (a history keyframe); same checks and effect as loadCheckpoint. */
  loadArrays(c: {
    seq: number;
    idsHash: string;
    status: Uint8Array;
    lastSeen: Float64Array;
    metrics: Record<string, Float32Array>;
  }): void {
    if (c.idsHash !== this.idsHash)
      throw new Error(`checkpoint for ${this.layer} has ids ${c.idsHash}, this gateway has ${this.idsHash}`);
    this.seq = c.seq;
    this.lastFlushed = c.seq;
    this.digestCache = undefined;
    this.status.set(c.status);
    this.lastSeen.set(c.lastSeen);
    for (const [k, a] of Object.entries(this.metrics)) if (c.metrics[k]) a.set(c.metrics[k]);
  }

  loadCheckpoint(c: LayerCheckpoint): void {
    if (c.idsHash !== this.idsHash)
      throw new Error(`checkpoint for ${this.layer} has ids ${c.idsHash}, this gateway has ${this.idsHash}`);
    this.seq = c.seq;
    this.lastFlushed = c.seq;
    this.digestCache = undefined;
    this.status.set(unb64(c.status, Uint8Array));
    this.lastSeen.set(unb64(c.lastSeen, Float64Array));
    for (const [k, a] of Object.entries(this.metrics)) if (c.metrics[k]) a.set(unb64(c.metrics[k], Float32Array));
  }
}

const stepCache = new Map<string, number>();
function stepOf(layer: LayerId, name: string): number {
  const key = `${layer}.${name}`;
  let s = stepCache.get(key);
  if (s === undefined) {
    s = metricSpec(layer, name)!.step;
    stepCache.set(key, s);
  }
  return s;
}

export interface LayerCheckpoint {
  seq: number;
  idsHash: string;
  status: string;
  lastSeen: string;
  metrics: Record<string, string>;
}
export interface Checkpoint {
  layers: Partial<Record<LayerId, LayerCheckpoint>>;
  alarms: Alarm[];
  paused: boolean;
}

function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}
function unb64<T extends Uint8Array | Float32Array | Float64Array>(s: string, Ctor: { new (b: ArrayBuffer): T }): T {
  const buf = Buffer.from(s, "base64");
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  return new Ctor(ab);
}

/**
 * An operator's ack as the alarm event it publishes: stamped with the twin's clock (the simulator's time when it
 * runs here, else the wall clock), the clock raises and clears carry, so a replay shows the ack at the moment it
 * happened in the twin; never before the alarm was raised.
 */
export function ackOf(a: Alarm, by: string, twinNow: number | undefined): Alarm {
  return { ...a, ackedAt: Math.max(a.raisedAt, twinNow ?? Date.now()), ackedBy: by };
}

/**
 * Active alarms (one per object+kind) plus the most recently cleared ones, within the shared bound: at most
 * `maxActive` active alarms (past it the OLDEST active one is dropped and counted in `omitted`) and `keepCleared`
 * cleared ones, so list() never exceeds MAX_ALARMS, the size every client accepts. Every gateway applies the
 * same events in the same order, so every gateway drops the same alarms.
 */
export class AlarmBook {
  private readonly byId = new Map<string, Alarm>();
  /** key -> id, in raise order (a re-raise moves to the end): the first entry is the oldest active alarm */
  private readonly activeByKey = new Map<string, string>();
  private readonly cleared: string[] = [];
  /** active alarms dropped to stay within maxActive since this gateway started (or loaded a checkpoint) */
  omitted = 0;
  /** bumped on every change; list() is sorted once per version (a 10,000-alarm sort is ~10 ms) */
  private version = 0;
  private sorted?: { version: number; list: Alarm[] };
  constructor(
    private readonly keepCleared = MAX_CLEARED_ALARMS,
    private readonly maxActive = MAX_ACTIVE_ALARMS,
  ) {}

  static key(a: Pick<Alarm, "layer" | "objectId" | "kind">): string {
    return `${a.layer}|${a.objectId}|${a.kind}`;
  }
  activeFor(layer: LayerId, objectId: string, kind: string): Alarm | undefined {
    const id = this.activeByKey.get(`${layer}|${objectId}|${kind}`);
    return id ? this.byId.get(id) : undefined;
  }
  get(id: string): Alarm | undefined {
    return this.byId.get(id);
  }
  /** Returns the stored alarm after applying, or undefined if the event did not change anything. */
  apply(op: "raise" | "clear" | "ack", a: Alarm): Alarm | undefined {
    const stored = this.change(op, a);
    if (stored) this.version++;
    return stored;
  }
  private change(op: "raise" | "clear" | "ack", a: Alarm): Alarm | undefined {
    if (op === "raise") return this.raise(a);
    const cur = this.byId.get(a.id);
    if (!cur) return undefined;
    if (op === "clear") {
      if (cur.clearedAt !== undefined) return undefined;
      const next = { ...cur, clearedAt: a.clearedAt ?? Date.now() };
      this.byId.set(a.id, next);
      const key = AlarmBook.key(a);
      if (this.activeByKey.get(key) === a.id) this.activeByKey.delete(key);
      this.pushCleared(a.id);
      return next;
    }
    if (cur.ackedAt !== undefined) return undefined;
    const next = { ...cur, ackedAt: a.ackedAt ?? Date.now(), ackedBy: a.ackedBy };
    this.byId.set(a.id, next);
    return next;
  }
  private raise(a: Alarm): Alarm | undefined {
    if (this.byId.has(a.id)) return undefined;
    const key = AlarmBook.key(a);
    const prevId = this.activeByKey.get(key);
    if (prevId) {
      // a raise replaces a still-active alarm of the same kind on the same object (severity change)
      const prev = this.byId.get(prevId)!;
      this.byId.set(prevId, { ...prev, clearedAt: a.raisedAt });
      this.activeByKey.delete(key);
      this.pushCleared(prevId);
    }
    this.byId.set(a.id, { ...a });
    this.activeByKey.set(key, a.id);
    this.dropOldestActive();
    return this.byId.get(a.id);
  }
  private dropOldestActive(): void {
    while (this.activeByKey.size > this.maxActive) {
      const [key, id] = this.activeByKey.entries().next().value!;
      this.activeByKey.delete(key);
      this.byId.delete(id);
      this.omitted++;
    }
  }
  private pushCleared(id: string) {
    this.cleared.push(id);
    while (this.cleared.length > this.keepCleared) {
      const old = this.cleared.shift()!;
      const al = this.byId.get(old);
      if (al && al.clearedAt !== undefined) this.byId.delete(old);
    }
  }
  /** Active first (by severity, newest first), then cleared newest first; never more than MAX_ALARMS. */
  list(): Alarm[] {
    if (this.sorted?.version !== this.version) this.sorted = { version: this.version, list: this.sort() };
    return this.sorted.list;
  }
  /** The alarm list message every client gets (on connect, subscribe, and after catching up). */
  message(epoch: string): AlarmList {
    return { v: PROTOCOL_VERSION, epoch, alarms: this.list(), ...(this.omitted ? { omitted: this.omitted } : {}) };
  }
  private sort(): Alarm[] {
    return [...this.byId.values()]
      .sort((a, b) => {
        const ac = a.clearedAt === undefined ? 0 : 1;
        const bc = b.clearedAt === undefined ? 0 : 1;
        if (ac !== bc) return ac - bc;
        if (!ac && a.severity !== b.severity) return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
        return b.raisedAt - a.raisedAt || (a.id < b.id ? -1 : 1);
      })
      .slice(0, MAX_ALARMS);
  }
  activeCount(): number {
    return this.activeByKey.size;
  }
  load(list: Alarm[]): void {
    this.version++;
    this.byId.clear();
    this.activeByKey.clear();
    this.cleared.length = 0;
    for (const a of [...list].sort((x, y) => x.raisedAt - y.raisedAt)) {
      this.byId.set(a.id, a);
      if (a.clearedAt === undefined) this.activeByKey.set(AlarmBook.key(a), a.id);
      else this.cleared.push(a.id);
    }
    this.dropOldestActive();
  }
}

export type AlarmListener = (op: "raise" | "clear" | "ack", alarm: Alarm) => void;

export class LiveState {
  readonly layers: Record<LayerId, LayerState>;
  readonly alarms = new AlarmBook();
  paused = false;
  private readonly alarmListeners = new Set<AlarmListener>();

  constructor(ids: Record<LayerId, readonly string[]>) {
    this.layers = {
      sites: new LayerState("sites", ids.sites),
      datacentres: new LayerState("datacentres", ids.datacentres),
      chargers: new LayerState("chargers", ids.chargers),
      sensors: new LayerState("sensors", ids.sensors),
    };
  }

  onAlarm(fn: AlarmListener): () => void {
    this.alarmListeners.add(fn);
    return () => this.alarmListeners.delete(fn);
  }

  apply(ev: BusEvent): void {
    if (ev.t === "u") this.layers[ev.layer]?.apply(ev);
    else if (ev.t === "a") {
      const stored = this.alarms.apply(ev.op, ev.alarm);
      if (stored) for (const fn of this.alarmListeners) fn(ev.op, stored);
    } else if (ev.t === "c") this.paused = ev.paused;
  }

  digest(layers: readonly LayerId[] = LAYER_IDS): {
    digest: string;
    layers: Partial<Record<LayerId, { seq: number; digest: string }>>;
  } {
    const parts: Partial<Record<LayerId, { seq: number; digest: string }>> = {};
    for (const l of layers) parts[l] = { seq: this.layers[l].seq, digest: this.layers[l].digest() };
    return { digest: combineDigest(parts), layers: parts };
  }

  toCheckpoint(): Checkpoint {
    const layers: Partial<Record<LayerId, LayerCheckpoint>> = {};
    for (const l of LAYER_IDS) layers[l] = this.layers[l].toCheckpoint();
    return { layers, alarms: this.alarms.list(), paused: this.paused };
  }
  loadCheckpoint(c: Checkpoint): void {
    for (const l of LAYER_IDS) if (c.layers[l]) this.layers[l].loadCheckpoint(c.layers[l]!);
    this.alarms.load(c.alarms);
    this.paused = c.paused;
  }
}
