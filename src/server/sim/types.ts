/** Shared plumbing of the per-layer simulator models. */
import type { LayerId } from "../../protocol/data";
import { LAYER_METRICS, PROTOCOL_VERSION, metricSpec, type Alarm, type Severity } from "../../protocol/live";
import type { AlarmBusEvent, UpdateEvent } from "../state";
import type { Rng } from "../../protocol/prng";

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Collects one tick's updates of one layer as a columnar UpdateEvent. */
export class UpdateCollector {
  private idx: number[] = [];
  private st: number[] = [];
  private m: Record<string, (number | null)[]> = {};
  private readonly steps: number[];
  private readonly names: readonly string[];
  constructor(readonly layer: LayerId) {
    this.names = LAYER_METRICS[layer];
    this.steps = this.names.map((n) => metricSpec(layer, n)!.step);
    for (const n of this.names) this.m[n] = [];
  }
  /** values in LAYER_METRICS order (null = unchanged) */
  push(index: number, status: number, values: readonly (number | null)[]): void {
    this.idx.push(index);
    this.st.push(status);
    for (let k = 0; k < this.names.length; k++) {
      const v = values[k];
      this.m[this.names[k]].push(
        v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v / this.steps[k]),
      );
    }
  }
  get size(): number {
    return this.idx.length;
  }
  take(ts: number): UpdateEvent | null {
    if (!this.idx.length) return null;
    const ev: UpdateEvent = { t: "u", layer: this.layer, ts, idx: this.idx, st: this.st, m: this.m };
    this.idx = [];
    this.st = [];
    this.m = {};
    for (const n of this.names) this.m[n] = [];
    return ev;
  }
}

/** Raises and clears alarms for the simulator; remembers which are active so clears find them. */
export class AlarmSink {
  private readonly active = new Map<string, Alarm>();
  private events: AlarmBusEvent[] = [];
  private counter = 0;
  constructor(private readonly prefix: string) {}

  raise(
    layer: LayerId,
    objectId: string,
    objectIndex: number,
    kind: string,
    severity: Severity,
    t: number,
    text_zh: string,
    text_en: string,
    value?: number,
  ): void {
    const key = `${layer}|${objectId}|${kind}`;
    const cur = this.active.get(key);
    if (cur && cur.severity === severity) return;
    const alarm: Alarm = {
      id: `${this.prefix}-${(++this.counter).toString(36)}-${kind}-${objectId}`.slice(0, 160),
      layer,
      objectId,
      objectIndex,
      kind,
      severity,
      raisedAt: Math.round(t),
      text_zh,
      text_en,
      ...(value !== undefined && Number.isFinite(value) ? { value: Math.round(value * 1000) / 1000 } : {}),
    };
    this.active.set(key, alarm);
    this.events.push({ t: "a", op: "raise", alarm });
  }
  clear(layer: LayerId, objectId: string, kind: string, t: number): void {
    const key = `${layer}|${objectId}|${kind}`;
    const cur = this.active.get(key);
    if (!cur) return;
    this.active.delete(key);
    this.events.push({ t: "a", op: "clear", alarm: { ...cur, clearedAt: Math.round(t) } });
  }
  isActive(layer: LayerId, objectId: string, kind: string): boolean {
    return this.active.has(`${layer}|${objectId}|${kind}`);
  }
  take(): AlarmBusEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }
}

export interface SimContext {
  rng: Rng;
  alarms: AlarmSink;
  /** real ms between routine reports of one object, converted to sim ms by the speed factor */
  reportEverySimMs: number;
}

export interface LayerModel {
  readonly layer: LayerId;
  /** advance the model from t - dtMs to t (sim ms epoch), pushing updates into out */
  step(t: number, dtMs: number, ctx: SimContext, out: UpdateCollector): void;
}

export { PROTOCOL_VERSION };

/**
 * Time of an object's first failure, starting the renewal process in steady state: with probability
 * MTTR / (MTBF + MTTR) the object is already failed at t0 (failure processed at the first step, with a fresh
 * exponential — memoryless — repair time); otherwise it fails after an exponential time with mean MTBF.
 * So a freshly started gateway shows the expected number of outages and alarms at once.
 */
export function warm(rng: Rng, t0: number, mtbfMs: number, mttrMs: number): number {
  return rng.next() < mttrMs / (mtbfMs + mttrMs) ? t0 : t0 + rng.exp(mtbfMs);
}
