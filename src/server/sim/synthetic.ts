/**
 * Synthetic load source for benchmarks (LIVE_SOURCE=synthetic): instead of the physical simulator it publishes
 * SYNTH_RATE uniformly random object updates per second (over every object of every layer, weighted by layer
 * size) in ticks of `tickMs`. Every record's measurement time (rts, carried to clients as lastSeen) is the wall
 * clock when the source emitted it, so a client can measure emit -> receipt latency.
 *
 * scaleLayerData() grows the sample data to N objects in total (SYNTH_OBJECTS) by replicating 5G sites with a
 * deterministic jitter and new ids; the bench writes the same scaled files for the browser, so ids hashes agree.
 */
import type { Site } from "../../protocol/data";
import { LAYER_IDS, type LayerId } from "../../protocol/data";
import { LAYER_METRICS, metricSpec } from "../../protocol/live";
import type { Bus } from "../bus";
import type { LayerData } from "../layer-data";
import type { UpdateEvent } from "../state";
import { Rng } from "../../protocol/prng";

export interface SyntheticOptions {
  /** updates per second over all layers */
  rate: number;
  /** real ms between publishes (default 50) */
  tickMs?: number;
  seed?: number;
  /** share of records per status 0..3 (default ok 0.9, warning 0.05, fault 0.03, offline 0.02) */
  statusMix?: readonly [number, number, number, number];
  log?: (m: string) => void;
}

function countOf(data: LayerData, l: LayerId): number {
  return data[l].length;
}

/** Total objects of the four live layers. */
export function objectCount(data: LayerData): number {
  return LAYER_IDS.reduce((a, l) => a + countOf(data, l), 0);
}

/**
 * Data with `total` objects in all: the other layers unchanged, 5G sites cut or replicated to make up the rest.
 * Replica k of site s gets id `${s.id}-r${k}` and a position jittered by up to ±0.02° (deterministic).
 */
export function scaleLayerData(data: LayerData, total: number): LayerData {
  const others = objectCount(data) - data.sites.length;
  const want = Math.round(total) - others;
  if (!Number.isFinite(total) || want < 1)
    throw new Error(`SYNTH_OBJECTS=${total}: must exceed the ${others} non-site objects`);
  if (!data.sites.length) throw new Error("scaleLayerData: no sites to replicate");
  const n = data.sites.length;
  const rng = new Rng(0x5eed);
  const sites: Site[] = [];
  for (let k = 0; k < want; k++) {
    const s = data.sites[k % n];
    const r = Math.floor(k / n);
    if (r === 0) {
      sites.push(s);
      continue;
    }
    const dLon = (rng.next() - 0.5) * 0.04;
    const dLat = (rng.next() - 0.5) * 0.04;
    sites.push({
      ...s,
      id: `${s.id}-r${r}`,
      lon: Math.round((s.lon + dLon) * 1e6) / 1e6,
      lat: Math.round((s.lat + dLat) * 1e6) / 1e6,
    });
  }
  return { ...data, sites };
}

export class SyntheticSource {
  private timer?: NodeJS.Timeout;
  private last = 0;
  private carry = 0;
  private readonly rng: Rng;
  private readonly layers: {
    layer: LayerId;
    count: number;
    names: readonly string[];
    ranges: { min: number; max: number; step: number }[];
  }[];
  private readonly total: number;
  private readonly cum: number[];
  /** records published so far */
  published = 0;

  constructor(
    data: LayerData,
    private readonly bus: Bus,
    private readonly opts: SyntheticOptions,
  ) {
    if (!(opts.rate >= 0 && Number.isFinite(opts.rate)))
      throw new Error(`SYNTH_RATE=${opts.rate}: expected a number >= 0`);
    this.rng = new Rng(opts.seed ?? 7);
    this.layers = LAYER_IDS.filter((l) => countOf(data, l) > 0).map((layer) => {
      const names = LAYER_METRICS[layer];
      return { layer, count: countOf(data, layer), names, ranges: names.map((m) => metricSpec(layer, m)!) };
    });
    this.total = this.layers.reduce((a, l) => a + l.count, 0);
    let c = 0;
    this.cum = this.layers.map((l) => (c += l.count));
  }

  get running(): boolean {
    return !!this.timer;
  }

  start(): void {
    if (this.timer || !this.total) return;
    this.last = Date.now();
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs ?? 50);
    this.opts.log?.(`synthetic source: ${this.opts.rate} updates/s over ${this.total} objects`);
  }

  /** Build one tick's events for `n` records (exposed for tests). */
  events(n: number, now: number): UpdateEvent[] {
    const mix = this.opts.statusMix ?? [0.9, 0.05, 0.03, 0.02];
    const per = new Map<number, UpdateEvent>();
    for (let r = 0; r < n; r++) {
      const g = Math.floor(this.rng.next() * this.total);
      let li = 0;
      while (g >= this.cum[li]) li++;
      const L = this.layers[li];
      const idx = g - (li ? this.cum[li - 1] : 0);
      let ev = per.get(li);
      if (!ev) {
        ev = {
          t: "u",
          layer: L.layer,
          ts: now,
          idx: [],
          st: [],
          m: Object.fromEntries(L.names.map((m) => [m, []])),
          rts: [],
        };
        per.set(li, ev);
      }
      const u = this.rng.next();
      const st = u < mix[0] ? 0 : u < mix[0] + mix[1] ? 1 : u < mix[0] + mix[1] + mix[2] ? 2 : 3;
      ev.idx.push(idx);
      ev.st.push(st);
      ev.rts!.push(now);
      for (let k = 0; k < L.names.length; k++) {
        const s = L.ranges[k];
        ev.m[L.names[k]].push(Math.round((s.min + this.rng.next() * (s.max - s.min)) / s.step));
      }
    }
    return [...per.values()];
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    const want = (this.opts.rate * (now - this.last)) / 1000 + this.carry;
    this.last = now;
    const n = Math.floor(want);
    this.carry = want - n;
    if (!n) return;
    this.published += n;
    try {
      await this.bus.publish(this.events(n, now));
    } catch (e) {
      this.opts.log?.(`synthetic publish failed: ${(e as Error).message}`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
