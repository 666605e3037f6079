/**
 * Binary encoding of history blocks. A delta block is the bus's update events in apply order, each with the
 * history time it was recorded at (monotonic, see writer.ts); a keyframe is the gateway's full per-layer
 * columns (binary, see encodeKeyframe). Both are deflated (node's zlib, run in the libuv thread pool so the live path never waits on it).
 *
 * Delta block layout (little-endian), repeated per event:
 *   u8 layer index, f64 history time, f64 event ts, u32 n, u8 flags (bit0: rts present),
 *   u16 metric mask (bit k = LAYER_METRICS[layer][k] column present),
 *   i32[n] idx, i8[n] status, per present metric i32[n] (INT32_MIN = unchanged), f64[n] rts if present
 * Columns of one kind sit together, which is what lets deflate find the repetition.
 */
import { promisify } from "node:util";
import { deflate, inflate } from "node:zlib";
import { LAYER_IDS, type LayerId } from "../../protocol/data";
import { LAYER_METRICS } from "../../protocol/live";
import type { Checkpoint, LayerState, UpdateEvent } from "../state";

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);
const NULL_Q = -2147483648;

export interface TimedEvent {
  /** history time (ms) */
  t: number;
  ev: UpdateEvent;
}

class Writer {
  private buf: Buffer;
  private off = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, size));
  }
  private need(n: number) {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
  u8(v: number) {
    this.need(1);
    this.buf.writeUInt8(v, this.off);
    this.off += 1;
  }
  i8(v: number) {
    this.need(1);
    this.buf.writeInt8(v, this.off);
    this.off += 1;
  }
  u16(v: number) {
    this.need(2);
    this.buf.writeUInt16LE(v, this.off);
    this.off += 2;
  }
  u32(v: number) {
    this.need(4);
    this.buf.writeUInt32LE(v, this.off);
    this.off += 4;
  }
  i32(v: number) {
    this.need(4);
    this.buf.writeInt32LE(v, this.off);
    this.off += 4;
  }
  f64(v: number) {
    this.need(8);
    this.buf.writeDoubleLE(v, this.off);
    this.off += 8;
  }
  done(): Buffer {
    return this.buf.subarray(0, this.off);
  }
}

class Reader {
  off = 0;
  constructor(private readonly buf: Buffer) {}
  get more(): boolean {
    return this.off < this.buf.length;
  }
  u8() {
    return this.buf.readUInt8(this.off++);
  }
  i8() {
    return this.buf.readInt8(this.off++);
  }
  u16() {
    const v = this.buf.readUInt16LE(this.off);
    this.off += 2;
    return v;
  }
  u32() {
    const v = this.buf.readUInt32LE(this.off);
    this.off += 4;
    return v;
  }
  i32() {
    const v = this.buf.readInt32LE(this.off);
    this.off += 4;
    return v;
  }
  f64() {
    const v = this.buf.readDoubleLE(this.off);
    this.off += 8;
    return v;
  }
}

/**
 * A delta block being built, one event at a time as the bus delivers it: the writer encodes each update event
 * when it is recorded instead of holding the event objects for a block period (held for a second at 50k updates/s
 * they were promoted to the old generation and cost the gateway 20-30 ms mark-compact pauses).
 */
export class BlockEncoder {
  private readonly w: Writer;
  records = 0;
  events = 0;
  t0 = 0;
  t1 = 0;
  constructor(sizeHint = 64 * 1024) {
    this.w = new Writer(sizeHint);
  }
  append(t: number, ev: UpdateEvent): void {
    if (!this.events++) this.t0 = t;
    this.t1 = t;
    this.records += ev.idx.length;
    writeEvent(this.w, t, ev);
  }
  /** the raw block (a view of the encoder's buffer) */
  done(): Buffer {
    return this.w.done();
  }
}

/** Raw (uncompressed) bytes of a list of timed update events. */
export function encodeEvents(list: readonly TimedEvent[]): Buffer {
  let est = 0;
  for (const { ev } of list) est += 32 + ev.idx.length * 48;
  const e = new BlockEncoder(est);
  for (const { t, ev } of list) e.append(t, ev);
  return e.done();
}

function writeEvent(w: Writer, t: number, ev: UpdateEvent): void {
  const names = LAYER_METRICS[ev.layer];
  const n = ev.idx.length;
  w.u8(LAYER_IDS.indexOf(ev.layer));
  w.f64(t);
  w.f64(ev.ts);
  w.u32(n);
  w.u8(ev.rts ? 1 : 0);
  let mask = 0;
  names.forEach((name, k) => {
    if (ev.m[name]) mask |= 1 << k;
  });
  w.u16(mask);
  for (let r = 0; r < n; r++) w.i32(ev.idx[r]);
  for (let r = 0; r < n; r++) w.i8(ev.st[r] ?? -1);
  names.forEach((name, k) => {
    if (!(mask & (1 << k))) return;
    const col = ev.m[name];
    for (let r = 0; r < n; r++) {
      const q = col[r];
      w.i32(q === null || q === undefined ? NULL_Q : q);
    }
  });
  if (ev.rts) for (let r = 0; r < n; r++) w.f64(ev.rts[r]);
}

export function decodeEvents(raw: Buffer): TimedEvent[] {
  const rd = new Reader(raw);
  const out: TimedEvent[] = [];
  while (rd.more) {
    const layer = LAYER_IDS[rd.u8()];
    if (!layer) throw new Error(`history block: unknown layer index at byte ${rd.off - 1}`);
    const t = rd.f64();
    const ts = rd.f64();
    const n = rd.u32();
    const hasRts = rd.u8() === 1;
    const mask = rd.u16();
    const idx = new Array<number>(n);
    const st = new Array<number>(n);
    for (let r = 0; r < n; r++) idx[r] = rd.i32();
    for (let r = 0; r < n; r++) st[r] = rd.i8();
    const m: Record<string, (number | null)[]> = {};
    LAYER_METRICS[layer].forEach((name, k) => {
      if (!(mask & (1 << k))) return;
      const col = new Array<number | null>(n);
      for (let r = 0; r < n; r++) {
        const q = rd.i32();
        col[r] = q === NULL_Q ? null : q;
      }
      m[name] = col;
    });
    const ev: UpdateEvent = { t: "u", layer, ts, idx, st, m };
    if (hasRts) {
      const rts = new Array<number>(n);
      for (let r = 0; r < n; r++) rts[r] = rd.f64();
      ev.rts = rts;
    }
    out.push({ t, ev });
  }
  return out;
}

/**
 * Deflate level 1: on the history's delta blocks it compresses 2.38x against level 6's 2.53x (sample data, 50k
 * updates/s) for half the CPU (10 vs 20 ms per raw MB); the gateway with history at 50k/s used 52 instead of 81 ms
 * of CPU per second more than without — on two shared cores that CPU is taken from the live path.
 */
export const DEFLATE_LEVEL = 1;

export async function compress(raw: Buffer): Promise<Buffer> {
  return deflateAsync(raw, { level: DEFLATE_LEVEL });
}
export async function decompress(data: Buffer): Promise<Buffer> {
  return inflateAsync(data);
}

/** One layer of a keyframe: its seq and columns as typed arrays. */
export interface LayerArrays {
  seq: number;
  idsHash: string;
  status: Uint8Array;
  lastSeen: Float64Array;
  metrics: Record<string, Float32Array>;
}
export type KeyframeLayers = Partial<Record<LayerId, LayerArrays>>;

/**
 * Copy every layer's columns (memcpy speed: ~1 ms for 30k objects), so the state can move on while the copy is
 * encoded and deflated off the live path. The previous keyframe format (the checkpoint's base64 JSON) cost
 * ~20-110 ms of the gateway's main thread per keyframe at 30k objects.
 */
export function captureLayers(layers: Record<LayerId, LayerState>): KeyframeLayers {
  const out: KeyframeLayers = {};
  for (const l of LAYER_IDS) {
    const L = layers[l];
    const metrics: Record<string, Float32Array> = {};
    for (const [k, a] of Object.entries(L.metrics)) metrics[k] = a.slice();
    out[l] = { seq: L.seq, idsHash: L.idsHash, status: L.status.slice(), lastSeen: L.lastSeen.slice(), metrics };
  }
  return out;
}

/**
 * Binary keyframe: "RTK1", u32 header length, the JSON header (per layer: seq, idsHash, count, metric names),
 * then per layer in LAYER_IDS order its status bytes, lastSeen f64s and each metric's f32s (little-endian).
 */
const KEYFRAME_MAGIC = "RTK1";
interface KeyframeHeader {
  layers: { layer: LayerId; seq: number; idsHash: string; count: number; metrics: string[] }[];
}

export function encodeKeyframe(layers: KeyframeLayers): Buffer {
  const header: KeyframeHeader = { layers: [] };
  const parts: Buffer[] = [];
  const view = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (const l of LAYER_IDS) {
    const L = layers[l];
    if (!L) continue;
    const names = Object.keys(L.metrics);
    header.layers.push({ layer: l, seq: L.seq, idsHash: L.idsHash, count: L.status.length, metrics: names });
    parts.push(view(L.status), view(L.lastSeen), ...names.map((k) => view(L.metrics[k])));
  }
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(8);
  head.write(KEYFRAME_MAGIC, 0, "latin1");
  head.writeUInt32LE(json.length, 4);
  return Buffer.concat([head, json, ...parts]);
}

/** Decode a keyframe: the binary format, or the earlier base64-JSON checkpoint (stores written before it). */
export function decodeKeyframe(raw: Buffer): KeyframeLayers {
  if (raw.toString("latin1", 0, 4) !== KEYFRAME_MAGIC) return fromCheckpoint(JSON.parse(raw.toString("utf8")));
  const hl = raw.readUInt32LE(4);
  const header = JSON.parse(raw.toString("utf8", 8, 8 + hl)) as KeyframeHeader;
  let off = 8 + hl;
  const take = (bytes: number): ArrayBuffer => {
    const ab = raw.buffer.slice(raw.byteOffset + off, raw.byteOffset + off + bytes) as ArrayBuffer;
    off += bytes;
    return ab;
  };
  const out: KeyframeLayers = {};
  for (const h of header.layers) {
    const status = new Uint8Array(take(h.count));
    const lastSeen = new Float64Array(take(h.count * 8));
    const metrics: Record<string, Float32Array> = {};
    for (const k of h.metrics) metrics[k] = new Float32Array(take(h.count * 4));
    out[h.layer] = { seq: h.seq, idsHash: h.idsHash, status, lastSeen, metrics };
  }
  return out;
}

function fromCheckpoint(layers: Checkpoint["layers"]): KeyframeLayers {
  const b = (s: string) => {
    const buf = Buffer.from(s, "base64");
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  };
  const out: KeyframeLayers = {};
  for (const l of LAYER_IDS) {
    const c = layers[l];
    if (!c) continue;
    const metrics: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(c.metrics)) metrics[k] = new Float32Array(b(v));
    out[l] = {
      seq: c.seq,
      idsHash: c.idsHash,
      status: new Uint8Array(b(c.status)),
      lastSeen: new Float64Array(b(c.lastSeen)),
      metrics,
    };
  }
  return out;
}
