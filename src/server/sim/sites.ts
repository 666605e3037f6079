/**
 * 5G base stations. Per sector load = site base x daily curve (mix of residential evening-peak and business
 * daytime profiles) x sector weight x (1 + OU noise); users follow load. Outages: exponential time between
 * failures (MTBF) and repair time (MTTR); 70 % equipment/power faults (status 2), 30 % transmission loss
 * (status 3, site unreachable). Degradations (one sector down, status 1) with their own MTBF/MTTR.
 * Cells above 92 % load are flagged warning. Alarms: site-down (critical), site-degraded (minor).
 */
import type { Site } from "../../protocol/data";
import { MOBILE_BUSINESS, MOBILE_RESIDENTIAL, clamp, interpHourly, localHour } from "./curves";
import { hash01, type Rng } from "../../protocol/prng";
import { ouStep } from "./noise";
import { DAY, HOUR, MIN, warm, type LayerModel, type SimContext, type UpdateCollector } from "./types";

export interface SiteModelOptions {
  mtbfMs: number;
  mttrMs: number;
  degradeMtbfMs: number;
  degradeMttrMs: number;
}
export const SITE_DEFAULTS: SiteModelOptions = {
  mtbfMs: 30 * DAY,
  mttrMs: 2 * HOUR,
  degradeMtbfMs: 20 * DAY,
  degradeMttrMs: 1 * HOUR,
};

const URBAN: Record<string, number> = {
  鼓楼区: 1.0,
  台江区: 1.0,
  仓山区: 0.92,
  晋安区: 0.88,
  马尾区: 0.78,
  长乐区: 0.72,
  福清市: 0.7,
  闽侯县: 0.72,
  连江县: 0.58,
  罗源县: 0.5,
  闽清县: 0.48,
  永泰县: 0.48,
  平潭县: 0.55,
};
const BUSINESS_SHARE: Record<string, number> = { 鼓楼区: 0.45, 台江区: 0.45, 仓山区: 0.3, 晋安区: 0.25, 马尾区: 0.3 };

/** Down: 2 = fault, 3 = offline; 1 = degraded; 0 = up */
export class SiteModel implements LayerModel {
  readonly layer = "sites" as const;
  readonly n: number;
  readonly base: Float32Array;
  readonly business: Float32Array;
  readonly maxUsers: Float32Array;
  readonly sectorW: Float32Array;
  readonly noise: Float32Array;
  readonly down: Uint8Array;
  readonly degraded: Uint8Array;
  readonly nextFail: Float64Array;
  readonly repairAt: Float64Array;
  readonly nextDegrade: Float64Array;
  readonly degradeEnd: Float64Array;
  readonly nextReport: Float64Array;
  /** false until the first step: the first reports are then spread uniformly over one period */
  started = false;
  readonly lastReport: Float64Array;
  readonly lastStatus: Uint8Array;
  /** counts for statistics tests */
  outages = 0;

  constructor(
    readonly sites: readonly Site[],
    t0: number,
    rng: Rng,
    readonly opts: SiteModelOptions = SITE_DEFAULTS,
  ) {
    const n = (this.n = sites.length);
    this.base = new Float32Array(n);
    this.business = new Float32Array(n);
    this.maxUsers = new Float32Array(n);
    this.sectorW = new Float32Array(n * 3);
    this.noise = new Float32Array(n * 3);
    this.down = new Uint8Array(n);
    this.degraded = new Uint8Array(n);
    this.nextFail = new Float64Array(n);
    this.repairAt = new Float64Array(n).fill(Infinity);
    this.nextDegrade = new Float64Array(n);
    this.degradeEnd = new Float64Array(n).fill(Infinity);
    this.nextReport = new Float64Array(n);
    this.lastReport = new Float64Array(n).fill(t0);
    this.lastStatus = new Uint8Array(n).fill(255);
    sites.forEach((s, i) => {
      const urban = URBAN[s.district] ?? 0.6;
      this.base[i] = clamp(urban * (0.62 + 0.3 * hash01(s.id, 1)), 0.15, 0.95);
      this.business[i] = clamp((BUSINESS_SHARE[s.district] ?? 0.15) + 0.25 * (hash01(s.id, 2) - 0.5), 0, 0.8);
      const bandUsers = s.band === "n28" ? 420 : s.band === "n41" ? 700 : s.band === "n79" ? 520 : 800;
      this.maxUsers[i] = bandUsers * (0.8 + 0.4 * hash01(s.id, 3));
      for (let k = 0; k < 3; k++) this.sectorW[i * 3 + k] = 0.7 + 0.6 * hash01(s.id, 10 + k);
      this.nextFail[i] = warm(rng, t0, opts.mtbfMs, opts.mttrMs);
      this.nextDegrade[i] = warm(rng, t0, opts.degradeMtbfMs, opts.degradeMttrMs);
      this.nextReport[i] = t0 + hash01(s.id, 4) * 1000; // first reports spread over the first second
    });
  }

  /** mean load of a site at local hour h ignoring noise (used by tests and as the model's expectation) */
  expectedLoad(i: number, t: number): number {
    const h = localHour(t);
    const prof =
      (1 - this.business[i]) * interpHourly(MOBILE_RESIDENTIAL, h) +
      this.business[i] * interpHourly(MOBILE_BUSINESS, h);
    return this.base[i] * prof;
  }

  step(t: number, dtMs: number, ctx: SimContext, out: UpdateCollector): void {
    this.stepInner(t, dtMs, ctx, out);
    this.started = true;
  }

  private stepInner(t: number, dtMs: number, ctx: SimContext, out: UpdateCollector): void {
    const { rng, alarms } = ctx;
    const o = this.opts;
    for (let i = 0; i < this.n; i++) {
      let changed = false;
      // failure / repair events, processed at their own times (independent of step size)
      while (true) {
        if (this.down[i]) {
          if (this.repairAt[i] <= t) {
            const at = this.repairAt[i];
            this.down[i] = 0;
            this.repairAt[i] = Infinity;
            this.nextFail[i] = at + rng.exp(o.mtbfMs);
            alarms.clear("sites", this.sites[i].id, "site-down", at);
            changed = true;
            continue;
          }
        } else if (this.nextFail[i] <= t) {
          const at = this.nextFail[i];
          this.down[i] = rng.next() < 0.7 ? 2 : 3;
          this.outages++;
          this.repairAt[i] = at + rng.exp(o.mttrMs);
          const s = this.sites[i];
          const why =
            this.down[i] === 2 ? ["设备/电源故障", "equipment or power fault"] : ["传输中断", "transmission lost"];
          alarms.raise(
            "sites",
            s.id,
            i,
            "site-down",
            "critical",
            at,
            `${s.name} 基站退服（${why[0]}）`,
            `${s.id} site down (${why[1]})`,
          );
          changed = true;
          continue;
        }
        break;
      }
      while (true) {
        if (this.degraded[i]) {
          if (this.degradeEnd[i] <= t) {
            const at = this.degradeEnd[i];
            this.degraded[i] = 0;
            this.degradeEnd[i] = Infinity;
            this.nextDegrade[i] = at + rng.exp(o.degradeMtbfMs);
            alarms.clear("sites", this.sites[i].id, "site-degraded", at);
            changed = true;
            continue;
          }
        } else if (this.nextDegrade[i] <= t) {
          const at = this.nextDegrade[i];
          this.degraded[i] = 1;
          this.degradeEnd[i] = at + rng.exp(o.degradeMttrMs);
          const s = this.sites[i];
          alarms.raise(
            "sites",
            s.id,
            i,
            "site-degraded",
            "minor",
            at,
            `${s.name} 扇区3退服，性能下降`,
            `${s.id} sector 3 out of service`,
          );
          changed = true;
          continue;
        }
        break;
      }
      if (!changed && this.nextReport[i] > t) continue;
      this.report(i, t, ctx, out);
      this.nextReport[i] = t + ctx.reportEverySimMs * (this.started ? 0.75 + 0.5 * rng.next() : rng.next());
    }
  }

  private report(i: number, t: number, ctx: SimContext, out: UpdateCollector): void {
    const dt = Math.max(0, t - this.lastReport[i]);
    this.lastReport[i] = t;
    if (this.down[i] === 3) {
      // unreachable: only the status is known
      out.push(i, 3, [null, null, null, null, null]);
      this.lastStatus[i] = 3;
      return;
    }
    if (this.down[i] === 2) {
      out.push(i, 2, [0, 0, 0, 0, 0]);
      this.lastStatus[i] = 2;
      return;
    }
    const mean = this.expectedLoad(i, t);
    const s = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      const j = i * 3 + k;
      this.noise[j] = ouStep(this.noise[j], dt, 20 * MIN, 0.08, ctx.rng);
      s[k] = clamp(mean * this.sectorW[j] * (1 + this.noise[j]), 0, 1);
    }
    if (this.degraded[i]) s[2] = 0;
    const load = (s[0] + s[1] + s[2]) / 3;
    const users = Math.round(load * this.maxUsers[i]);
    const status = this.degraded[i] || Math.max(s[0], s[1], s[2]) > 0.92 ? 1 : 0;
    out.push(i, status, [load, s[0], s[1], s[2], users]);
    this.lastStatus[i] = status;
  }
}
