/**
 * State digests shared by gateway (/api/digest) and client (store.digest()): FNV-1a 32 over the layer's seq,
 * object count, status bytes and every metric quantised to its wire integer (round(v / step)). Both ends hold
 * Float32(q * step) values, so round(v / step) recovers q exactly and the two digests agree bit-for-bit.
 */
import { LAYER_IDS, type LayerId } from "./data";
import { FNV_OFFSET, fnv1a, fnvString } from "./fnv";
import { LAYER_METRICS, metricSpec } from "./live";

function fnvInt32(h: number, x: number): number {
  h = fnv1a(h, x);
  h = fnv1a(h, x >>> 8);
  h = fnv1a(h, x >>> 16);
  return fnv1a(h, x >>> 24);
}
const hex = (h: number) => (h >>> 0).toString(16).padStart(8, "0");

/** Hash of an ordered id list: `<count>-<fnv hex>`. */
export function idsHash(ids: readonly string[]): string {
  let h = FNV_OFFSET;
  for (const id of ids) {
    h = fnvString(id, h);
    h = fnv1a(h, 10);
  }
  return `${ids.length}-${hex(h)}`;
}

export interface DigestableLayer {
  seq: number;
  status: ArrayLike<number>;
  metrics: Record<string, ArrayLike<number>>;
}

/** Digest of one layer: hex FNV-1a 32. */
export function layerDigest(layer: LayerId, s: DigestableLayer): string {
  let h = FNV_OFFSET;
  h = fnvInt32(h, s.seq % 0x100000000);
  h = fnvInt32(h, Math.floor(s.seq / 0x100000000));
  const n = s.status.length;
  h = fnvInt32(h, n);
  for (let i = 0; i < n; i++) h = fnv1a(h, s.status[i]);
  for (const name of LAYER_METRICS[layer]) {
    const col = s.metrics[name];
    const step = metricSpec(layer, name)!.step;
    h = fnvString(name, h);
    if (!col) continue;
    for (let i = 0; i < n; i++) h = fnvInt32(h, Math.round(col[i] / step) | 0);
  }
  return hex(h);
}

/**
 * Combined digest string over the given layers in LAYER_IDS order: `sites@123:89abcdef chargers@45:01234567`.
 * The gateway returns it from GET /api/digest?layers=...; the client store from digest().
 */
export function combineDigest(parts: Partial<Record<LayerId, { seq: number; digest: string }>>): string {
  return LAYER_IDS.filter((l) => parts[l])
    .map((l) => `${l}@${parts[l]!.seq}:${parts[l]!.digest}`)
    .join(" ");
}
