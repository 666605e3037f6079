/**
 * Data centres. IT load = capacity x utilisation (kind-dependent base, daily swing for carrier/enterprise,
 * slow job-driven noise for AI computing). Outdoor temperature from the Fuzhou climate curve plus weather
 * noise shared by all sites. PUE = 1 + cooling/overhead fraction, where the cooling part grows with outdoor
 * temperature (chillers work harder, less free cooling) and the fixed overhead weighs more at low load.
 * Chiller trips (MTBF/MTTR) raise inlet temperature and PUE. Alarms: pue-high (major, > 1.5, clears < 1.48),
 * inlet-high (major > 27 °C, critical > 32 °C), cooling-fault (major).
 */
import type { DataCentre } from "../../protocol/data";
import { clamp, interpHourly, localHour, outdoorTempC } from "./curves";
import { hash01, type Rng } from "../../protocol/prng";
import { ouStep } from "./noise";
import { DAY, HOUR, MIN, warm, type LayerModel, type SimContext, type UpdateCollector } from "./types";

const BASE_UTIL: Record<DataCentre["kind"], number> = {
  "ai-computing": 0.78,
  government: 0.55,
  carrier: 0.66,
  enterprise: 0.52,
  edge: 0.46,
};
const BUSINESS_SWING = [
  0, 0, 0, 0, 0, 0, 0.1, 0.3, 0.6, 0.8, 0.9, 0.95, 0.9, 0.95, 1, 1, 0.95, 0.9, 0.85, 0.9, 0.85, 0.6, 0.3, 0.1,
];

/** PUE model: pure function so tests can check its shape. */
export function pueModel(designPue: number, util: number, outdoorC: number, coolingFault: boolean): number {
  const overhead = designPue - 1;
  // at 18 °C outdoor and 70 % load the DC runs at its design PUE
  const cooling = overhead * 0.7 * (1 + 0.06 * (outdoorC - 18)) * (coolingFault ? 1.7 : 1);
  const fixed = overhead * 0.3 * (0.7 / clamp(util, 0.2, 1));
  return Math.max(1.02, 1 + Math.max(0.02, cooling) + fixed);
}

export class DataCentreModel implements LayerModel {
  readonly layer = "datacentres" as const;
  readonly n: number;
  readonly util0: Float32Array;
  readonly noise: Float32Array;
  readonly tempOffset: Float32Array;
  readonly fault: Uint8Array;
  readonly nextFault: Float64Array;
  readonly faultEnd: Float64Array;
  readonly nextReport: Float64Array;
  /** false until the first step: the first reports are then spread uniformly over one period */
  started = false;
  readonly lastReport: Float64Array;
  weather = 0;
  lastWeatherT: number;

  constructor(
    readonly dcs: readonly DataCentre[],
    t0: number,
    rng: Rng,
    readonly mtbfMs = 90 * DAY,
    readonly mttrMs = 1.5 * HOUR,
  ) {
    const n = (this.n = dcs.length);
    this.util0 = new Float32Array(n);
    this.noise = new Float32Array(n);
    this.tempOffset = new Float32Array(n);
    this.fault = new Uint8Array(n);
    this.nextFault = new Float64Array(n);
    this.faultEnd = new Float64Array(n).fill(Infinity);
    this.nextReport = new Float64Array(n);
    this.lastReport = new Float64Array(n).fill(t0);
    this.lastWeatherT = t0;
    dcs.forEach((d, i) => {
      this.util0[i] = clamp(BASE_UTIL[d.kind] + 0.12 * (hash01(d.id, 1) - 0.5), 0.25, 0.92);
      this.tempOffset[i] = (d.inPark ? -0.3 : 0.4) + 0.6 * (hash01(d.id, 2) - 0.5);
      this.nextFault[i] = warm(rng, t0, mtbfMs, mttrMs);
      this.nextReport[i] = t0 + hash01(d.id, 3) * 1000;
    });
  }

  outdoor(i: number, t: number): number {
    return outdoorTempC(t) + this.weather + this.tempOffset[i];
  }

  step(t: number, dtMs: number, ctx: SimContext, out: UpdateCollector): void {
    this.stepInner(t, dtMs, ctx, out);
    this.started = true;
  }

  private stepInner(t: number, dtMs: number, ctx: SimContext, out: UpdateCollector): void {
    this.weather = ouStep(this.weather, Math.max(0, t - this.lastWeatherT), 6 * HOUR, 1.5, ctx.rng);
    this.lastWeatherT = t;
    for (let i = 0; i < this.n; i++) {
      const changed = this.stepCooling(i, t, ctx);
      if (changed || this.nextReport[i] <= t) this.report(i, t, ctx, out);
    }
  }

  /** a chiller trips or is repaired; true when the cooling state changed */
  private stepCooling(i: number, t: number, { rng, alarms }: SimContext): boolean {
    const d = this.dcs[i];
    if (this.fault[i] && this.faultEnd[i] <= t) {
      this.fault[i] = 0;
      this.nextFault[i] = this.faultEnd[i] + rng.exp(this.mtbfMs);
      alarms.clear("datacentres", d.id, "cooling-fault", this.faultEnd[i]);
      this.faultEnd[i] = Infinity;
      return true;
    }
    if (!this.fault[i] && this.nextFault[i] <= t) {
      this.fault[i] = 1;
      this.faultEnd[i] = this.nextFault[i] + rng.exp(this.mttrMs);
      alarms.raise(
        "datacentres",
        d.id,
        i,
        "cooling-fault",
        "major",
        this.nextFault[i],
        `${d.name} 冷机跳闸，制冷能力下降`,
        `${d.nameEn}: chiller trip, cooling capacity reduced`,
      );
      return true;
    }
    return false;
  }

  /** Load, PUE and temperatures since the last report, pushed with their status and threshold alarms. */
  private report(i: number, t: number, ctx: SimContext, out: UpdateCollector): void {
    const { rng } = ctx;
    const d = this.dcs[i];
    const dt = Math.max(0, t - this.lastReport[i]);
    this.lastReport[i] = t;
    this.nextReport[i] = t + ctx.reportEverySimMs * (this.started ? 0.75 + 0.5 * rng.next() : rng.next());
    const ai = d.kind === "ai-computing";
    this.noise[i] = ouStep(this.noise[i], dt, ai ? 2 * HOUR : 30 * MIN, ai ? 0.06 : 0.03, rng);
    const swing =
      d.kind === "carrier" || d.kind === "enterprise" || d.kind === "government"
        ? 0.1 * interpHourly(BUSINESS_SWING, localHour(t)) - 0.05
        : 0;
    const util = clamp(this.util0[i] + swing + this.noise[i], 0.05, 0.98);
    const itMw = d.itCapacityMw * util;
    const outdoorC = this.outdoor(i, t);
    const pue = pueModel(d.designPue, util, outdoorC, !!this.fault[i]);
    const rackUtil = clamp(util * (0.96 + 0.08 * hash01(d.id, 5)), 0, 1);
    const inletC =
      21.5 + 0.08 * (outdoorC - 20) + 3 * (rackUtil - 0.6) + (this.fault[i] ? 7 : 0) + 0.3 * this.noise[i] * 10;
    let status = 0;
    if (pue > 1.5 || inletC > 27 || this.fault[i]) status = 1;
    if (inletC > 32) status = 2;
    out.push(i, status, [itMw, itMw * pue, pue, rackUtil, inletC, outdoorC]);
    this.pueAlarm(i, pue, t, ctx.alarms);
    this.inletAlarm(i, inletC, t, ctx.alarms);
  }

  /** pue-high (major) above 1.5, cleared below 1.48 */
  private pueAlarm(i: number, pue: number, t: number, alarms: SimContext["alarms"]): void {
    const d = this.dcs[i];
    if (pue > 1.5)
      alarms.raise(
        "datacentres",
        d.id,
        i,
        "pue-high",
        "major",
        t,
        `${d.name} PUE ${pue.toFixed(2)} 超过1.5`,
        `${d.nameEn}: PUE ${pue.toFixed(2)} above 1.5`,
        pue,
      );
    else if (pue < 1.48) alarms.clear("datacentres", d.id, "pue-high", t);
  }

  /** inlet-high: major above 27 °C, critical above 32 °C, cleared below 26.5 °C */
  private inletAlarm(i: number, inletC: number, t: number, alarms: SimContext["alarms"]): void {
    const d = this.dcs[i];
    if (inletC < 26.5) alarms.clear("datacentres", d.id, "inlet-high", t);
    if (inletC <= 27) return;
    const limit = inletC > 32 ? 32 : 27;
    alarms.raise(
      "datacentres",
      d.id,
      i,
      "inlet-high",
      inletC > 32 ? "critical" : "major",
      t,
      `${d.name} 进风温度 ${inletC.toFixed(1)}°C 超过${limit}°C`,
      `${d.nameEn}: inlet ${inletC.toFixed(1)} °C above ${limit} °C`,
      inletC,
    );
  }
}
