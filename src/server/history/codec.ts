/**
 * Binary encoding of history blocks. A delta block is the bus's update events in apply order, each with the
 * history time it was recorded at (monotonic, see writer.ts); a keyframe is the gateway's full per-layer
 * checkpoint. Both are deflated (node's zlib, run in the libuv thread pool so the live path never waits on it).
 *
 * Delta block layout (little-endian), repeated per event:
 *   u8 layer index, f64 history time, f64 event ts, u32 n, u8 flags (bit0: rts present),
 *   u16 metric mask (bit k = LAYER_METRICS[layer][k] column present),
 *   i32[n] idx, i8[n] status, per present metric i32[n] (INT32_MIN = unchanged), f64[n] rts if present
 * Columns of one kind sit together, which is what lets deflate find the repetition.
 */
import { promisify } from "node:util";
import { deflate, inflate, constants } from "node:zlib";
import { LAYER_IDS } from "../../protocol/data";
import { LAYER_METRICS } from "../../protocol/live";
import type { Checkpoint, UpdateEvent } from "../state";

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

/** Raw (uncompressed) bytes of a list of timed update events. */
export function encodeEvents(list: readonly TimedEvent[]): Buffer {
  let est = 0;
  for (const { ev } of list) est += 32 + ev.idx.length * 48;
  const w = new Writer(est);
  for (const { t, ev } of list) {
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
  return w.done();
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

export async function compress(raw: Buffer): Promise<Buffer> {
  return deflateAsync(raw, { level: constants.Z_DEFAULT_COMPRESSION });
}
export async function decompress(data: Buffer): Promise<Buffer> {
  return inflateAsync(data);
}

/** Keyframe: the gateway's checkpoint of every layer (alarms live in their own table). */
export function encodeKeyframe(layers: Checkpoint["layers"]): Buffer {
  return Buffer.from(JSON.stringify(layers));
}
export function decodeKeyframe(raw: Buffer): Checkpoint["layers"] {
  return JSON.parse(raw.toString("utf8")) as Checkpoint["layers"];
}
