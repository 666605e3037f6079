/**
 * The live worker's logic, without the worker: runs connectLive (socket, parse, validation, gaps, resync, state) and
 * answers the page's pulls with coalesced patches (worker-protocol.ts). live.worker.ts wires it to `self`; tests
 * drive it in Node with a direct message pipe.
 */
import type { LayerId } from "../protocol/data";
import { LAYER_METRICS } from "../protocol/live";
import type { LiveStoreState } from "../state/live-store";
import { connectLive, type DirectLiveConnection } from "./client";
import { decodeServerMessage } from "./decode";
import { createLivePerf, type LivePerf } from "./perf";
import {
  type AlarmItem,
  type FromLiveWorker,
  type LayerPatch,
  type LiveWorkerCost,
  type LiveWorkerInit,
  type MessageHandlers,
  type StateSlice,
  type ToLiveWorker,
  type ToLiveWorkerMap,
  dispatch,
} from "./worker-protocol";

export type PostToPage = (m: FromLiveWorker, transfer: Transferable[]) => void;

const STATE_KEYS = ["connection", "server", "detail", "lastError", "subscribed"] as const;
/** alarm lists and events are forwarded in batches at most this often (an alarm storm is one message per batch) */
const ALARM_BATCH_MS = 100;

export class LiveWorkerHost {
  private conn: DirectLiveConnection | null = null;
  private perf: LivePerf = createLivePerf(8192);
  private notified = false;
  /** layer version last sent */
  private sent = new Map<LayerId, number>();
  private alarms: AlarmItem[] = [];
  private alarmTimer: ReturnType<typeof setTimeout> | null = null;
  private alarmFlushedAt = -Infinity;
  private gatherMs = 0;

  constructor(
    private readonly post: PostToPage,
    private readonly connect: typeof connectLive = connectLive,
  ) {}

  handle(m: ToLiveWorker): void {
    if (m.t === "init" || this.conn) dispatch(this.handlers, m);
  }

  /** what each message from the page does (every one but init needs the connection, checked by handle) */
  private readonly handlers: MessageHandlers<ToLiveWorkerMap> = {
    init: (m) => this.init(m),
    pull: () => this.pull(),
    subscribe: (m) => this.conn!.subscribe(m.layers, m.ids),
    unsubscribe: (m) => {
      for (const l of m.layers) this.sent.delete(l);
      this.conn!.unsubscribe(m.layers);
    },
    ack: (m) => this.conn!.ack(m.alarmId),
    detail: (m) => {
      if (m.layer === null || m.objectId === undefined) this.conn!.detail(null);
      else this.conn!.detail(m.layer, m.objectId);
    },
    close: () => {
      if (this.alarmTimer) clearTimeout(this.alarmTimer);
      this.conn!.close();
      this.conn = null;
    },
  };

  private init(m: LiveWorkerInit): void {
    if (this.conn) return;
    let c: DirectLiveConnection;
    try {
      c = this.connect({
        url: m.url,
        token: m.token,
        layers: m.layers,
        ids: m.ids,
        staleMs: m.staleMs,
        offlineAfterMs: m.offlineAfterMs,
        fastDecode: m.fastDecode,
        transports: m.transports,
        perf: this.perf,
        // the worker has no frames to keep smooth: apply what has arrived soon, in larger passes
        schedule: (cb) => void setTimeout(cb, 4),
        applyBudgetMs: 20,
      });
    } catch (e) {
      this.post({ t: "fatal", message: (e as Error).message }, []);
      return;
    }
    this.conn = c;
    // alarm lists and events go to the page as they came (order matters: a list replaces, an event amends)
    c.socket.on("alarms", (raw: unknown) => {
      const r = decodeServerMessage("alarms", raw);
      if (r.ok && r.value.event === "alarms") this.queueAlarm({ list: r.value.msg.alarms });
    });
    c.onAlarm((event) => this.queueAlarm({ event }));
    c.store.subscribe((s, prev) => this.onState(s, prev));
    this.onState(c.store.getState(), null);
  }

  private onState(s: LiveStoreState, prev: LiveStoreState | null): void {
    const slice: StateSlice = {};
    let any = false;
    for (const k of STATE_KEYS) {
      if (prev && s[k] === prev[k]) continue;
      (slice as Record<string, unknown>)[k] = s[k];
      any = true;
    }
    if (any) this.post({ t: "state", state: slice, stats: s.stats }, []);
    if (!this.notified && (!prev || s.layers !== prev.layers) && this.hasWork(s)) {
      this.notified = true;
      this.post({ t: "dirty", stats: s.stats }, []);
    }
  }

  private hasWork(s: LiveStoreState): boolean {
    for (const l of s.subscribed) {
      const L = s.layers[l];
      if (L && this.sent.get(l) !== L.version) return true;
    }
    return false;
  }

  /** the first alarm after a quiet spell goes at once (it may pull the wall's camera); the rest of a storm follows in
   *  batches at most every ALARM_BATCH_MS */
  private queueAlarm(item: AlarmItem): void {
    this.alarms.push(item);
    if (this.alarmTimer) return;
    const wait = Math.max(0, ALARM_BATCH_MS - (performance.now() - this.alarmFlushedAt));
    this.alarmTimer = setTimeout(() => {
      this.alarmTimer = null;
      this.alarmFlushedAt = performance.now();
      const items = this.alarms;
      this.alarms = [];
      if (items.length) this.post({ t: "alarm", items }, []);
    }, wait);
  }

  /** what the worker spent since the last pull, from connectLive's perf rings */
  private takeCost(): LiveWorkerCost {
    const sum = (a: number[] | undefined) => (a ?? []).reduce((x, y) => x + y, 0);
    const f = this.perf.frames.snapshot();
    const p = this.perf.parse.snapshot();
    const cost: LiveWorkerCost = {
      parseMs: sum(p.ms),
      decodeMs: sum(f.decodeMs),
      applyMs: sum(f.applyMs),
      gatherMs: this.gatherMs,
      records: sum(f.records),
    };
    this.perf.clear();
    this.gatherMs = 0;
    return cost;
  }

  private pull(): void {
    const c = this.conn;
    if (!c) return;
    this.notified = false;
    const t0 = performance.now();
    const s = c.store.getState();
    const patches: LayerPatch[] = [];
    const transfer: Transferable[] = [];
    for (const layer of s.subscribed) {
      const L = s.layers[layer];
      if (!L) continue;
      const idx = c.drainChanges(layer);
      if (!idx.length && this.sent.get(layer) === L.version) continue;
      this.sent.set(layer, L.version);
      const n = L.ids.length;
      const names = LAYER_METRICS[layer];
      const meta = {
        layer,
        seq: L.seq,
        epoch: L.epoch,
        ready: L.ready,
        mismatch: L.mismatch,
        staleCount: L.staleCount,
      };
      let p: LayerPatch;
      if (idx.length >= n && n > 0) {
        // every object changed (a snapshot): whole arrays — one copy, no gather
        p = {
          ...meta,
          full: true,
          idx: null,
          status: L.status.slice(),
          reported: L.reported.slice(),
          lastSeen: L.lastSeen.slice(),
          metrics: names.map((name) => L.metrics[name].slice()),
        };
      } else {
        const k = idx.length;
        p = {
          ...meta,
          full: false,
          idx,
          status: new Uint8Array(k),
          reported: new Uint8Array(k),
          lastSeen: new Float64Array(k),
          metrics: names.map(() => new Float32Array(k)),
        };
        const cols = names.map((name) => L.metrics[name]);
        for (let r = 0; r < k; r++) {
          const i = idx[r];
          p.status[r] = L.status[i];
          p.reported[r] = L.reported[i];
          p.lastSeen[r] = L.lastSeen[i];
          for (let m = 0; m < cols.length; m++) p.metrics[m][r] = cols[m][i];
        }
        transfer.push(idx.buffer);
      }
      patches.push(p);
      transfer.push(p.status.buffer, p.reported.buffer, p.lastSeen.buffer, ...p.metrics.map((m) => m.buffer));
    }
    this.gatherMs += performance.now() - t0;
    this.post({ t: "patch", patches, stats: s.stats, cost: this.takeCost() }, transfer);
  }
}
