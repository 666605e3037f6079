/**
 * Delta validation micro-bench (node, same V8 as Chromium): zod schema vs the fast path (src/live/fast-delta.ts)
 * on a 2,000-record sites delta (what the client gets per 100 ms batch at 20k updates/s).
 *   tsx bench/decode.ts  -> one JSON line
 */
import { Delta, LAYER_METRICS } from "../src/protocol/live";
import { fastDelta } from "../src/live/fast-delta";

export function decodeBench(
  n = 2000,
  rounds = 200,
): { records: number; zodUsPerRecord: number; fastUsPerRecord: number; speedup: number } {
  const idx = Array.from({ length: n }, (_, i) => i * 13);
  const d = {
    v: 1,
    layer: "sites",
    epoch: "local-x",
    prev: 1,
    seq: 2,
    ts: Date.now(),
    idx,
    status: idx.map((i) => i % 4),
    lastSeen: idx.map(() => Date.now()),
    metrics: Object.fromEntries(LAYER_METRICS.sites.map((m) => [m, idx.map((i) => i % 1000)])),
  };
  const time = (f: () => unknown) => {
    for (let i = 0; i < 20; i++) f();
    const t = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      f();
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    return t[Math.floor(t.length / 2)];
  };
  const z = time(() => Delta.parse(d));
  const f = time(() => fastDelta(d));
  return { records: n, zodUsPerRecord: (z * 1000) / n, fastUsPerRecord: (f * 1000) / n, speedup: z / f };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(decodeBench()));
