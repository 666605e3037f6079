/**
 * The history writer: a sink of the bus. `record()` encodes the update event into the delta block being built
 * (columns into one growing buffer, no objects held); every `blockMs` (default 1 s) a timer cuts the block,
 * deflates it in a low-priority thread (deflate-thread.ts) and writes it with the alarms that changed and a KPI
 * sample in one transaction (SQLite: in its low-priority writer thread). A keyframe (every layer's columns, copied at its instant and encoded after a
 * yield) is written at start, after `keyframeRecords` updates or `keyframeMs` of wall time, whichever comes first,
 * so a seek replays a bounded number of updates.
 * Only the bus leader writes (several gateways sharing one PostgreSQL history hold the same state).
 *
 * `record()` runs just before the state applies an event (see there).
 * History time: the events' own timestamps (the twin clock), made monotonic (t = max(previous t, event ts)), so
 * "the state at T" is "after every event recorded at or before T", in bus order.
 *
 * A kill -9 loses what was not yet written: at most one block period plus the write in flight (~1-2 s).
 */
import { liveKpis } from "../../protocol/kpi";
import type { Alarm } from "../../protocol/live";
import type { LayerData } from "../layer-data";
import type { BusEvent, LiveState } from "../state";
import { BlockEncoder, captureLayers, DEFLATE_LEVEL, encodeKeyframe, type KeyframeLayers } from "./codec";
import { DeflateThread } from "./deflate-thread";
import type { HistoryStore, KpiSample, NewBlock } from "./store";

export interface WriterOptions {
  blockMs?: number;
  keyframeMs?: number;
  keyframeRecords?: number;
  /** history ms between KPI samples (default 5 s) */
  kpiEveryMs?: number;
  /** history ms kept (default 7 days) */
  retentionMs?: number;
  /** wall ms between retention passes (default 60 s) */
  pruneEveryMs?: number;
  /** updates buffered while the store is slow or down before the buffer is dropped (default 2M) */
  maxPendingRecords?: number;
  log?: (m: string) => void;
}

export const HISTORY_DEFAULTS = {
  blockMs: 1000,
  keyframeMs: 5 * 60_000,
  keyframeRecords: 500_000,
  kpiEveryMs: 5000,
  retentionMs: 7 * 24 * 3600_000,
  pruneEveryMs: 60_000,
  maxPendingRecords: 2_000_000,
};

/** a keyframe's columns, copied at its instant, encoded later off the live path */
interface KeyframeCopy {
  t: number;
  layers: KeyframeLayers;
}

interface Job {
  lead?: KeyframeCopy;
  events?: BlockEncoder;
  records: number;
  keyframe?: KeyframeCopy;
  alarms: Alarm[];
  kpi?: KpiSample;
}

export class HistoryWriter {
  private readonly o: Required<Omit<WriterOptions, "log">> & { log: (m: string) => void };
  /** the delta block being built (each update event encoded as it is recorded) */
  private pending = new BlockEncoder();
  private blockHint = 64 * 1024;
  private readonly alarms = new Map<string, Alarm>();
  private lastT = 0;
  private lastKpiT = -Infinity;
  private sinceKeyframe = 0;
  private lastKeyframeWall = 0;
  private needKeyframe = true;
  /** keyframe captured before the buffered events */
  private lead?: KeyframeCopy;
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private lastPrune = 0;
  private unAlarm?: () => void;
  /** blocks and keyframes are deflated at the lowest CPU priority */
  private readonly deflater = new DeflateThread(DEFLATE_LEVEL);
  /** counters for /api/history/range and the bench */
  readonly counters = { blocks: 0, keyframes: 0, records: 0, bytes: 0, rawBytes: 0, dropped: 0, errors: 0 };

  constructor(
    readonly store: HistoryStore,
    private readonly state: LiveState,
    private readonly data: LayerData,
    private readonly isLeader: () => boolean,
    opts: WriterOptions = {},
  ) {
    this.o = { ...HISTORY_DEFAULTS, log: () => {}, ...opts };
  }

  get retentionMs(): number {
    return this.o.retentionMs;
  }
  get blockMs(): number {
    return this.o.blockMs;
  }

  /** history time of the last recorded event */
  get time(): number {
    return this.lastT;
  }

  /** continue the history clock from what the store holds (restart) */
  resumeAt(t: number): void {
    this.lastT = Math.max(this.lastT, t);
  }

  start(): void {
    this.unAlarm = this.state.onAlarm((_op, a) => {
      this.alarms.set(a.id, a);
      this.advance(a.clearedAt ?? a.raisedAt);
    });
    this.timer = setInterval(() => void this.flush(), this.o.blockMs);
  }

  private advance(ts: number): number {
    if (ts > this.lastT) this.lastT = ts;
    return this.lastT;
  }

  /**
   * Called just BEFORE the state applies `ev`: appends its columns to the block (~0.3 µs per update) — and when a
   * keyframe is due and nothing is buffered (start, leadership, after a failed write), copies the columns first
   * (~1 ms at 30k objects), so the keyframe precedes the events that follow it.
   */
  record(ev: BusEvent): void {
    if (ev.t !== "u") return;
    if (this.needKeyframe && !this.pending.events && !this.lead && this.isLeader()) {
      this.lead = this.captureKeyframe(this.lastT || ev.ts);
    }
    this.pending.append(this.advance(ev.ts), ev);
    if (this.pending.records > this.o.maxPendingRecords) {
      this.counters.dropped += this.pending.records;
      this.o.log(
        `history: store too slow, dropped ${this.pending.records} buffered updates (next block is a keyframe)`,
      );
      this.pending = new BlockEncoder(this.blockHint);
      this.needKeyframe = true;
    }
  }

  /** Write everything recorded so far: waits for a write in progress, then writes what came in after it. */
  async drain(): Promise<void> {
    await this.writing;
    await this.flush();
  }

  /** Write what is buffered (one at a time; a tick during a write waits for the next). */
  flush(): Promise<void> {
    if (this.writing) return this.writing;
    if (!this.isLeader()) {
      this.pending = new BlockEncoder(this.blockHint);
      this.alarms.clear();
      this.needKeyframe = true;
      return Promise.resolve();
    }
    const job = this.take();
    if (!job) return Promise.resolve();
    this.writing = this.write(job)
      .catch((e: unknown) => {
        this.counters.errors++;
        this.needKeyframe = true;
        this.o.log(`history write failed: ${(e as Error).message}`);
      })
      .finally(() => (this.writing = undefined));
    return this.writing;
  }

  /** Synchronously cut the buffer (and the keyframe, if due) so both describe the same instant. */
  private take(): Job | undefined {
    const now = Date.now();
    const keyframeDue =
      this.lastT > 0 &&
      (this.needKeyframe ||
        this.sinceKeyframe + this.pending.records >= this.o.keyframeRecords ||
        (now - this.lastKeyframeWall >= this.o.keyframeMs && this.pending.events > 0));
    if (!this.pending.events && !this.alarms.size && !keyframeDue && !this.lead) return undefined;
    const events = this.pending.events ? this.pending : undefined;
    const records = this.pending.records;
    const lead = this.lead;
    this.lead = undefined;
    if (events) this.blockHint = Math.max(64 * 1024, Math.round(events.done().length * 1.25));
    this.pending = new BlockEncoder(this.blockHint);
    const alarms = [...this.alarms.values()];
    this.alarms.clear();
    let keyframe: KeyframeCopy | undefined;
    if (keyframeDue) keyframe = this.captureKeyframe(this.lastT);
    else this.sinceKeyframe += records;
    let kpi: KpiSample | undefined;
    if (this.lastT - this.lastKpiT >= this.o.kpiEveryMs && this.lastT > 0) {
      kpi = this.kpiSample(this.lastT);
      this.lastKpiT = this.lastT;
    }
    return { lead, events, records, keyframe, alarms, kpi };
  }

  private captureKeyframe(t: number): KeyframeCopy {
    this.needKeyframe = false;
    this.sinceKeyframe = 0;
    this.lastKeyframeWall = Date.now();
    return { t, layers: captureLayers(this.state.layers) };
  }

  private async keyframeBlock(k: KeyframeCopy): Promise<NewBlock> {
    await yieldToLive();
    const raw = encodeKeyframe(k.layers);
    const data = await this.deflater.compress(raw);
    this.counters.keyframes++;
    this.counters.bytes += data.length;
    return { kind: "k", t0: k.t, t1: k.t, records: 0, rawBytes: raw.length, data };
  }

  private async write(job: Job): Promise<void> {
    const blocks: NewBlock[] = [];
    if (job.lead) blocks.push(await this.keyframeBlock(job.lead));
    if (job.events) {
      const raw = job.events.done();
      const data = await this.deflater.compress(raw);
      const { t0, t1 } = job.events;
      blocks.push({ kind: "d", t0, t1, records: job.records, rawBytes: raw.length, data });
      this.counters.blocks++;
      this.counters.records += job.records;
      this.counters.bytes += data.length;
      this.counters.rawBytes += raw.length;
    }
    if (job.keyframe) blocks.push(await this.keyframeBlock(job.keyframe));
    await this.store.write(blocks, job.alarms, job.kpi ? [job.kpi] : []);
    const now = Date.now();
    if (now - this.lastPrune >= this.o.pruneEveryMs && this.lastT > 0) {
      this.lastPrune = now;
      await this.store.prune(this.lastT - this.o.retentionMs);
    }
  }

  kpiSample(t: number): KpiSample {
    const L = this.state.layers;
    const k = liveKpis({
      sites: { status: L.sites.status },
      datacentres: {
        items: this.data.datacentres,
        status: L.datacentres.status,
        itMw: L.datacentres.metrics.itMw,
        facilityMw: L.datacentres.metrics.facilityMw,
        pue: L.datacentres.metrics.pue,
      },
      chargers: { items: this.data.chargers, status: L.chargers.status, charging: L.chargers.metrics.charging },
      sensors: { status: L.sensors.status, congestion: L.sensors.metrics.congestion },
    });
    return { t, availability: k.siteAvailability, pue: k.pueAvg, chargerUtil: k.chargerUtil, congestion: k.congestion };
  }

  /** Stop the timer, write what is buffered, close the store. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unAlarm?.();
    await this.drain();
    await this.deflater.close();
    await this.store.close();
  }
}

/** a turn of the event loop: socket writes and timers due run before the next slice of history work */
const yieldToLive = () => new Promise<void>((r) => setImmediate(r));
