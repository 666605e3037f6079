/**
 * Always-on, allocation-free live performance counters (window.__rt.perf): a fixed ring of samples per kind.
 *  - frames:   one sample per processed live frame: [t, decodeMs, applyMs, records] — decodeMs is the validation
 *              of the messages that frame applied (done as they arrive), applyMs the store update;
 *  - recolour: one sample per layer recolour pass: [t, ms, points];
 *  - parse:    one sample per socket.io packet parsed (JSON.parse of the frame, before any handler): [t, ms, chars].
 * Cost: two performance.now() calls per message and per frame. The bench reads snapshot() and clear()s it.
 */
import { Decoder, Encoder } from "socket.io-parser";

export class PerfRing {
  private readonly data: Float64Array;
  private n = 0;
  private head = 0;
  constructor(readonly fields: readonly string[], readonly capacity = 4096) {
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
  /** decode time and records of messages received but not yet applied */
  pendingDecodeMs: number;
  pendingRecords: number;
  /** points waiting to be recoloured (work continues on the next frames when a pass exceeds its budget) */
  backlog: number;
  /** the live frame in use (ms; stretched when drawing a frame is slow) and the measured cost of a drawn frame */
  liveFrameMs: number;
  frameCostMs: number;
  clear(): void;
}

export function createLivePerf(capacity = 4096): LivePerf {
  const p: LivePerf = {
    frames: new PerfRing(["t", "decodeMs", "applyMs", "records"], capacity),
    recolour: new PerfRing(["t", "ms", "points"], capacity),
    parse: new PerfRing(["t", "ms", "chars"], capacity),
    pendingDecodeMs: 0,
    pendingRecords: 0,
    backlog: 0,
    liveFrameMs: 0,
    frameCostMs: 0,
    clear() {
      p.frames.clear();
      p.recolour.clear();
      p.parse.clear();
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
