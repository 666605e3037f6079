/**
 * Always-on, allocation-free live performance counters (window.__rt.perf): a fixed ring of samples per kind.
 *  - frames:   one sample per processed live frame: [t, decodeMs, applyMs, records] — decodeMs is the validation
 *              of the messages that frame applied (done as they arrive), applyMs the store update;
 *  - recolour: one sample per recolour pass: [t, ms, points, budgetMs];
 *  - parse:    one sample per socket.io packet parsed (JSON.parse of the frame, before any handler): [t, ms, chars];
 *  - worker:   with the socket in the live worker (worker-client.ts), one sample per patch the page applied: the
 *              worker thread's cost behind it [t, parseMs, decodeMs, applyMs, gatherMs, records, objects] (frames
 *              then holds the page's cost of applying the patch: decodeMs 0, applyMs, records).
 * Cost: two performance.now() calls per message and per frame. The bench reads snapshot() and clear()s it.
 */
import { Decoder, Encoder } from "socket.io-parser";

export class PerfRing {
  private readonly data: Float64Array;
  private n = 0;
  private head = 0;
  constructor(
    readonly fields: readonly string[],
    readonly capacity = 4096,
  ) {
    this.data = new Float64Array(fields.length * capacity);
  }
  push(...values: number[]): void {
    const w = this.fields.length;
    const at = this.head * w;
    for (let k = 0; k < w; k++) this.data[at + k] = values[k] ?? 0;
    this.head = (this.head + 1) % this.capacity;
    if (this.n < this.capacity) this.n++;
  }
  get length(): number {
    return this.n;
  }
  /** oldest first, one array per field */
  snapshot(): Record<string, number[]> {
    const w = this.fields.length;
    const out: Record<string, number[]> = Object.fromEntries(this.fields.map((f) => [f, [] as number[]]));
    const start = (this.head - this.n + this.capacity) % this.capacity;
    for (let j = 0; j < this.n; j++) {
      const at = ((start + j) % this.capacity) * w;
      for (let k = 0; k < w; k++) out[this.fields[k]].push(this.data[at + k]);
    }
    return out;
  }
  clear(): void {
    this.n = 0;
    this.head = 0;
  }
}

export interface LivePerf {
  frames: PerfRing;
  recolour: PerfRing;
  parse: PerfRing;
  worker: PerfRing;
  /** decode time and records of messages received but not yet applied */
  pendingDecodeMs: number;
  pendingRecords: number;
  /** points waiting to be recoloured (work continues on the next frames when a pass exceeds its budget) */
  backlog: number;
  /** the live frame in use (ms; stretched when drawing a frame is slow) and the measured cost of a drawn frame */
  liveFrameMs: number;
  frameCostMs: number;
  /** the socket and live state are in the live worker (worker-client.ts) */
  inWorker: boolean;
  /** objects pulled from the live worker and not yet applied on the page (applied in slices) */
  pendingObjects: number;
  clear(): void;
}

export function createLivePerf(capacity = 4096): LivePerf {
  const p: LivePerf = {
    frames: new PerfRing(["t", "decodeMs", "applyMs", "records"], capacity),
    recolour: new PerfRing(["t", "ms", "points", "budgetMs"], capacity),
    parse: new PerfRing(["t", "ms", "chars"], capacity),
    worker: new PerfRing(["t", "parseMs", "decodeMs", "applyMs", "gatherMs", "records", "objects"], capacity),
    pendingDecodeMs: 0,
    pendingRecords: 0,
    backlog: 0,
    liveFrameMs: 0,
    frameCostMs: 0,
    inWorker: false,
    pendingObjects: 0,
    clear() {
      p.frames.clear();
      p.recolour.clear();
      p.parse.clear();
      p.worker.clear();
    },
  };
  return p;
}

/**
 * socket.io's own parser with its decode timed into `perf.parse`: socket.io-client JSON.parses every frame on the
 * main thread before our handlers see it, and that cost belongs in the apply budget too.
 */
export function timedParser(perf: LivePerf): { Encoder: typeof Encoder; Decoder: typeof Decoder } {
  class TimedDecoder extends Decoder {
    override add(obj: unknown): void {
      const t0 = performance.now();
      super.add(obj);
      const t1 = performance.now();
      perf.parse.push(t1, t1 - t0, typeof obj === "string" ? obj.length : 0);
    }
  }
  return { Encoder, Decoder: TimedDecoder };
}

/** one 60 Hz frame */
const FRAME_MS = 1000 / 60;

/**
 * The budget of a continuation task that was due `lateMs` ago: `baseMs` when it runs on time; when the page was busy
 * drawing (a slow GPU holds the main thread for whole seconds) it had fewer turns, so each may do proportionally more
 * — base × (1 + late / 16.7 ms), at most `maxMs`. On time, a task never exceeds its base budget.
 *   lateBudget(1, 0) = 1; lateBudget(1, 50) ≈ 4; lateBudget(1, 700) = 15 (capped)
 */
export function lateBudget(baseMs: number, lateMs: number, maxMs = 15): number {
  return Math.min(Math.max(baseMs, maxMs), baseMs * (1 + Math.max(0, lateMs) / FRAME_MS));
}
