/**
 * Trend analysis for bench/soak.ts samples (also runnable on a saved soak log:
 * `npx tsx bench/soak-analysis.ts soak.log`).
 *
 * Per quantity, over the samples after warm-up (first 30 % of the run, at least 1 min):
 *   - the least-squares slope of the raw samples (per minute) and its fitted rise over the run;
 *   - the FLOOR slope: the run is cut into windows of `windowMin` minutes (default 2, the length of socket.io's
 *     connection-state-recovery buffer cycle and several GC cycles), the minimum of each window is taken and the
 *     least-squares slope is fitted to those minima. A garbage-collected heap or a node count with transient
 *     garbage is a sawtooth; a leak raises its floor. The raw slope of a sawtooth depends on where the run
 *     happens to stop (phase), the floor slope does not.
 * Verdict per quantity: FLAT when the fitted floor rise over the run is within max(5 % of the mean, an absolute
 * tolerance: 2 MB heap, 50 nodes, 20 listeners, 5 document listeners, 2 primitives, 5 MB RSS); else RISING.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Sample {
  tMin: number;
  heapMB: number;
  dom: number;
  cdpNodes: number;
  listeners: number;
  /** listeners on the document's nodes and the window (exactly those; no garbage waiting to be finalised) */
  domListeners: number;
  prims: number;
  gwRssMB: number;
  gwHeapMB: number;
  gwExtMB: number;
  seq: number;
  alarms: number;
}
export const QUANTITIES = [
  "heapMB",
  "dom",
  "cdpNodes",
  "listeners",
  "domListeners",
  "prims",
  "gwRssMB",
  "gwHeapMB",
  "gwExtMB",
] as const;
const TOLERANCE: Record<(typeof QUANTITIES)[number], number> = {
  heapMB: 2,
  dom: 50,
  cdpNodes: 50,
  listeners: 20,
  domListeners: 5,
  prims: 2,
  gwRssMB: 5,
  gwHeapMB: 2,
  gwExtMB: 2,
};

export function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : 0;
}

export interface Trend {
  quantity: string;
  slope: number;
  rise: number;
  floorSlope: number;
  floorRise: number;
  allowed: number;
  min: number;
  max: number;
  last: number;
  verdict: "FLAT" | "RISING";
}

export function analyse(
  samples: Sample[],
  windowMin = 2,
): { warmFrom: number; span: number; trends: Trend[]; flowing: boolean; rising: number } {
  const total = samples[samples.length - 1].tMin;
  const warmMin = Math.max(1, 0.3 * total);
  const warm =
    samples.filter((s) => s.tMin >= warmMin).length >= 3 ? samples.filter((s) => s.tMin >= warmMin) : samples.slice(1);
  const xs = warm.map((s) => s.tMin);
  const span = xs[xs.length - 1] - xs[0];
  const trends: Trend[] = QUANTITIES.map((k) => {
    const ys = warm.map((s) => s[k]);
    const b = slope(xs, ys);
    const fx: number[] = [];
    const fy: number[] = [];
    for (let w0 = xs[0]; w0 <= xs[xs.length - 1]; w0 += windowMin) {
      const inW = warm.filter((s) => s.tMin >= w0 && s.tMin < w0 + windowMin);
      if (!inW.length) continue;
      const m = inW.reduce((a, s) => (s[k] < a[k] ? s : a));
      fx.push(m.tMin);
      fy.push(m[k]);
    }
    const fb = fx.length >= 2 ? slope(fx, fy) : 0;
    const mean = ys.reduce((a, c) => a + c, 0) / ys.length;
    const allowed = Math.max(0.05 * mean, TOLERANCE[k]);
    return {
      quantity: k,
      slope: b,
      rise: b * span,
      floorSlope: fb,
      floorRise: fb * span,
      allowed,
      min: Math.min(...ys),
      max: Math.max(...ys),
      last: ys[ys.length - 1],
      verdict: fb * span <= allowed ? "FLAT" : "RISING",
    };
  });
  const seqs = samples.map((s) => s.seq);
  return {
    warmFrom: xs[0],
    span,
    trends,
    flowing: seqs[seqs.length - 1] > seqs[0],
    rising: trends.filter((t) => t.verdict === "RISING").length,
  };
}

export function report(samples: Sample[]): { text: string; pass: boolean } {
  const a = analyse(samples);
  const lines = [
    `\ntrends over ${samples.filter((s) => s.tMin >= a.warmFrom).length} samples after warm-up (t ${a.warmFrom.toFixed(2)}..${(a.warmFrom + a.span).toFixed(2)} min); floor = least-squares over 2-min window minima:`,
  ];
  for (const t of a.trends)
    lines.push(
      `  ${t.quantity.padEnd(10)} raw slope ${t.slope.toFixed(3).padStart(9)} /min (rise ${t.rise.toFixed(1).padStart(7)})  floor slope ${t.floorSlope.toFixed(3).padStart(8)} /min (rise ${t.floorRise.toFixed(1).padStart(7)}, allowed ${t.allowed.toFixed(1)})  min ${t.min.toFixed(1)} max ${t.max.toFixed(1)} last ${t.last.toFixed(1)}  ${t.verdict}`,
    );
  const s0 = samples[0].seq;
  const s1 = samples[samples.length - 1].seq;
  lines.push(`stream: sites seq ${s0} -> ${s1} (${a.flowing ? "flowing" : "STALLED"})`);
  const pass = a.rising === 0 && a.flowing;
  lines.push(
    `verdict: ${pass ? "PASS (no upward trend)" : `FAIL (${a.rising} rising${a.flowing ? "" : ", stream stalled"})`}`,
  );
  return { text: lines.join("\n"), pass };
}

/** Parse the sample table printed by bench/soak.ts. */
export function parseLog(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/).map(Number);
    if (!f.every(Number.isFinite)) continue;
    // 10 columns: logs from before gwExtMB was sampled (reported as 0); 11: before domListeners (reported as 0)
    if (f.length === 10 || f.length === 11) {
      const ext = f.length === 11 ? 1 : 0;
      out.push({
        tMin: f[0],
        heapMB: f[1],
        dom: f[2],
        cdpNodes: f[3],
        listeners: f[4],
        domListeners: 0,
        prims: f[5],
        gwRssMB: f[6],
        gwHeapMB: f[7],
        gwExtMB: ext ? f[8] : 0,
        seq: f[8 + ext],
        alarms: f[9 + ext],
      });
    }
    if (f.length === 12)
      out.push({
        tMin: f[0],
        heapMB: f[1],
        dom: f[2],
        cdpNodes: f[3],
        listeners: f[4],
        domListeners: f[5],
        prims: f[6],
        gwRssMB: f[7],
        gwHeapMB: f[8],
        gwExtMB: f[9],
        seq: f[10],
        alarms: f[11],
      });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const samples = parseLog(readFileSync(process.argv[2], "utf8"));
  if (samples.length < 3) throw new Error(`${process.argv[2]}: fewer than 3 samples`);
  console.log(report(samples).text);
}
