/**
 * Fast validation of the hottest server message, `delta`: the same rules as the zod schema `Delta` in
 * src/protocol/live.ts (version, layer, epoch, prev/seq, ts, integer columns of equal length, every metric column
 * of the layer present), written as plain loops. (zod 4 .int() means a safe integer, so does this.) zod validates ~10 number arrays per delta element by element
 * through its generic machinery; this is several times cheaper (bench/decode.ts measures both). Returns null when
 * anything is off — the caller then runs the zod schema, which produces the precise error message.
 */
import { LAYER_IDS, type LayerId } from "../protocol/data";
import { LAYER_METRICS, PROTOCOL_VERSION, type Delta } from "../protocol/live";

const LAYERS = new Set<string>(LAYER_IDS);
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

function intArray(a: unknown, n: number): boolean {
  if (!Array.isArray(a) || a.length !== n) return false;
  for (let i = 0; i < n; i++) if (!Number.isSafeInteger(a[i])) return false;
  return true;
}
function finiteArray(a: unknown, n: number): boolean {
  if (!Array.isArray(a) || a.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    if (typeof x !== "number" || !Number.isFinite(x)) return false;
  }
  return true;
}
const seqOk = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= MAX_SEQ;

/** The delta (known fields only, like zod's output) if `raw` is a valid Delta, else null. */
export function fastDelta(raw: unknown): Delta | null {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  const d = raw as Record<string, unknown>;
  if (d.v !== PROTOCOL_VERSION) return null;
  if (typeof d.layer !== "string" || !LAYERS.has(d.layer)) return null;
  if (typeof d.epoch !== "string" || d.epoch.length < 1 || d.epoch.length > 64) return null;
  if (!seqOk(d.prev) || !seqOk(d.seq) || d.seq <= d.prev) return null;
  if (typeof d.ts !== "number" || !Number.isFinite(d.ts) || d.ts < 0 || d.ts > 8.64e15) return null;
  const idx = d.idx;
  if (!Array.isArray(idx)) return null;
  const n = idx.length;
  if (!intArray(idx, n) || !intArray(d.status, n) || !finiteArray(d.lastSeen, n)) return null;
  const m = d.metrics;
  if (m === null || typeof m !== "object" || Array.isArray(m)) return null;
  const metrics = m as Record<string, unknown>;
  // every column present must be an integer array (zod: z.record(z.string(), intArray)); the layer's ones of length n
  for (const k of Object.keys(metrics)) {
    const col = metrics[k];
    if (!Array.isArray(col)) return null;
    for (let i = 0; i < col.length; i++) if (!Number.isSafeInteger(col[i])) return null;
  }
  for (const name of LAYER_METRICS[d.layer as LayerId]) {
    const col = metrics[name];
    if (!Array.isArray(col) || col.length !== n) return null;
  }
  return {
    v: PROTOCOL_VERSION,
    layer: d.layer as LayerId,
    epoch: d.epoch,
    prev: d.prev,
    seq: d.seq,
    ts: d.ts,
    idx: idx as number[],
    status: d.status as number[],
    lastSeen: d.lastSeen as number[],
    metrics: metrics as Record<string, number[]>,
  };
}
