/**
 * Traffic sensors. Sensors on the same road are ordered by chainage (direction of travel = increasing
 * chainage). Demand follows the rush-hour curve; flow is capped by capacity (lanes x 1,800-2,000 veh/h).
 * Congestion spreads UPSTREAM: each sensor's queue level q relaxes towards max(own pressure, decay x q of the
 * next sensor downstream) with a time constant set by the distance and a ~15 km/h backward shock wave, so a
 * bottleneck (recurrent overload or a random incident) jams the sensors behind it one after another.
 * Speed = free speed x (1 - 0.35 x^3) x (1 - 0.88 q); occupancy from density (flow / speed) and a 6.5 m
 * effective vehicle length; congestion level 0..4 from the speed ratio. Device faults and outages (MTBF/MTTR).
 * Alarms: congestion-severe (major, level 4, clears at <= 2), sensor-fault (minor).
 */
import type { Road, Sensor } from "../../protocol/data";
import { ROAD_DEMAND, clamp, interpHourly, localHour } from "./curves";
import { hash01, type Rng } from "../../protocol/prng";
import { ouStep } from "./noise";
import { DAY, HOUR, MIN, warm, type LayerModel, type SimContext, type UpdateCollector } from "./types";

export interface SensorModelOptions {
  incidentMtbfMs: number;
  incidentMttrMs: number;
  deviceMtbfMs: number;
  deviceMttrMs: number;
  /** backward shock-wave speed, km/h */
  waveKmh: number;
}
export const SENSOR_DEFAULTS: SensorModelOptions = {
  incidentMtbfMs: 12 * DAY,
  incidentMttrMs: 45 * MIN,
  deviceMtbfMs: 60 * DAY,
  deviceMttrMs: 3 * HOUR,
  waveKmh: 15,
};

export function congestionLevel(speedRatio: number): number {
  return speedRatio >= 0.7 ? 0 : speedRatio >= 0.5 ? 1 : speedRatio >= 0.35 ? 2 : speedRatio >= 0.2 ? 3 : 4;
}

export class SensorModel implements LayerModel {
  readonly layer = "sensors" as const;
  readonly n: number;
  /** index of the next sensor downstream on the same road, -1 at the end */
  readonly downstream: Int32Array;
  readonly gapKm: Float32Array;
  readonly vfree: Float32Array;
  readonly capacity: Float32Array;
  readonly lanes: Uint8Array;
  readonly demand0: Float32Array;
  readonly noise: Float32Array;
  readonly q: Float32Array;
  readonly incident: Uint8Array;
  readonly incidentEnd: Float64Array;
  readonly nextIncident: Float64Array;
  readonly device: Uint8Array; // 0 ok, 2 fault, 3 offline
  readonly deviceEnd: Float64Array;
  readonly nextDevice: Float64Array;
  readonly nextReport: Float64Array;
  /** false until the first step: the first reports are then spread uniformly over one period */
  started = false;
  readonly level: Uint8Array;
  readonly speed: Float32Array;
  readonly occupancy: Float32Array;
  readonly flow: Float32Array;

  constructor(
    readonly sensors: readonly Sensor[],
    roads: readonly Road[],
    t0: number,
    rng: Rng,
    readonly opts: SensorModelOptions = SENSOR_DEFAULTS,
  ) {
    const n = (this.n = sensors.length);
    const roadById = new Map(roads.map((r) => [r.id, r]));
    this.downstream = new Int32Array(n).fill(-1);
    this.gapKm = new Float32Array(n);
    this.vfree = new Float32Array(n);
    this.capacity = new Float32Array(n);
    this.lanes = new Uint8Array(n);
    this.demand0 = new Float32Array(n);
    this.noise = new Float32Array(n);
    this.q = new Float32Array(n);
    this.incident = new Uint8Array(n);
    this.incidentEnd = new Float64Array(n).fill(Infinity);
    this.nextIncident = new Float64Array(n);
    this.device = new Uint8Array(n);
    this.deviceEnd = new Float64Array(n).fill(Infinity);
    this.nextDevice = new Float64Array(n);
    this.nextReport = new Float64Array(n);
    this.level = new Uint8Array(n);
    this.speed = new Float32Array(n);
    this.occupancy = new Float32Array(n);
    this.flow = new Float32Array(n);
    const byRoad = new Map<string, number[]>();
    sensors.forEach((s, i) => {
      const list = byRoad.get(s.roadId) ?? [];
      list.push(i);
      byRoad.set(s.roadId, list);
      const road = roadById.get(s.roadId);
      const cls = road?.class ?? "arterial";
      const limit = road?.speedLimitKmh ?? (cls === "expressway" ? 100 : cls === "ring" ? 80 : 60);
      const lanes = road?.lanes ?? (cls === "arterial" ? 3 : 4);
      this.vfree[i] = limit * (0.92 + 0.08 * hash01(s.id, 1));
      this.lanes[i] = lanes;
      this.capacity[i] = lanes * (cls === "arterial" ? 1700 : 2000);
      // peak-hour demand relative to capacity: busy urban roads run close to capacity at rush hour
      this.demand0[i] = 0.72 + 0.3 * hash01(s.roadId, 2) + 0.08 * (hash01(s.id, 3) - 0.5);
      this.nextIncident[i] = warm(rng, t0, opts.incidentMtbfMs, opts.incidentMttrMs);
      this.nextDevice[i] = warm(rng, t0, opts.deviceMtbfMs, opts.deviceMttrMs);
      this.nextReport[i] = t0 + hash01(s.id, 4) * 1000;
    });
    for (const list of byRoad.values()) {
      list.sort((a, b) => sensors[a].chainageM - sensors[b].chainageM);
      for (let k = 0; k + 1 < list.length; k++) {
        this.downstream[list[k]] = list[k + 1];
        this.gapKm[list[k]] = Math.max(0.05, (sensors[list[k + 1]].chainageM - sensors[list[k]].chainageM) / 1000);
      }
    }
  }

  /** start an incident at sensor i now (tests and scenario use) */
  startIncident(i: number, t: number, durationMs: number): void {
    this.incident[i] = 1;
    this.incidentEnd[i] = t + durationMs;
  }

  step(t: number, dtMs: number, ctx: SimContext, out: UpdateCollector): void {
    this.stepInner(t, dtMs, ctx, out);
    this.started = true;
  }

  private stepInner(t: number, dtMs: number, ctx: SimContext, out: UpdateCollector): void {
    const shape = interpHourly(ROAD_DEMAND, localHour(t));
    for (let i = 0; i < this.n; i++) {
      this.stepIncident(i, t, ctx.rng);
      this.stepDevice(i, t, ctx);
    }
    // downstream values from the previous step
    const prevQ = Float32Array.from(this.q);
    for (let i = 0; i < this.n; i++) this.stepTraffic(i, t, dtMs, shape, prevQ, ctx);
    for (let i = 0; i < this.n; i++) if (this.nextReport[i] <= t) this.report(i, t, ctx, out);
  }

  /** a random incident at sensor i starts or ends */
  private stepIncident(i: number, t: number, rng: Rng): void {
    if (this.incident[i] && this.incidentEnd[i] <= t) {
      this.incident[i] = 0;
      this.nextIncident[i] = this.incidentEnd[i] + rng.exp(this.opts.incidentMtbfMs);
      this.incidentEnd[i] = Infinity;
    } else if (!this.incident[i] && this.nextIncident[i] <= t) {
      this.incident[i] = 1;
      this.incidentEnd[i] = this.nextIncident[i] + rng.exp(this.opts.incidentMttrMs);
    }
  }

  /** the detector at i fails (fault or offline) or is repaired; either is reported now */
  private stepDevice(i: number, t: number, { rng, alarms }: SimContext): void {
    const s = this.sensors[i];
    if (this.device[i] && this.deviceEnd[i] <= t) {
      this.device[i] = 0;
      this.nextDevice[i] = this.deviceEnd[i] + rng.exp(this.opts.deviceMtbfMs);
      this.deviceEnd[i] = Infinity;
      alarms.clear("sensors", s.id, "sensor-fault", t);
      this.nextReport[i] = t;
    } else if (!this.device[i] && this.nextDevice[i] <= t) {
      this.device[i] = rng.next() < 0.6 ? 2 : 3;
      this.deviceEnd[i] = this.nextDevice[i] + rng.exp(this.opts.deviceMttrMs);
      alarms.raise(
        "sensors",
        s.id,
        i,
        "sensor-fault",
        "minor",
        this.nextDevice[i],
        `${s.name} 检测器${this.device[i] === 2 ? "故障" : "离线"}`,
        `${s.id}: detector ${this.device[i] === 2 ? "fault" : "offline"}`,
      );
      this.nextReport[i] = t;
    }
  }

  /** Traffic state at i: own pressure and the queue spilling back from downstream, then speed, flow, level. */
  private stepTraffic(i: number, t: number, dtMs: number, shape: number, prevQ: Float32Array, ctx: SimContext): void {
    this.noise[i] = ouStep(this.noise[i], dtMs, 15 * MIN, 0.06, ctx.rng);
    const x = this.demand0[i] * shape * (1 + this.noise[i]);
    const own = this.incident[i] ? 1 : clamp((x - 0.93) * 5, 0, 1);
    const d = this.downstream[i];
    let target = own;
    let tauMs = 10 * MIN;
    if (d >= 0) {
      const spill = prevQ[d] * Math.exp(-this.gapKm[i] / 6);
      if (spill > target) {
        target = spill;
        tauMs = (this.gapKm[i] / this.opts.waveKmh) * HOUR; // queue reaches this sensor after gap / wave speed
      }
    }
    const a = 1 - Math.exp(-dtMs / Math.max(tauMs, 1000));
    this.q[i] = this.q[i] + (target - this.q[i]) * a;
    const xc = Math.min(x, 1);
    const speed = Math.max(3, this.vfree[i] * (1 - 0.35 * xc * xc * xc) * (1 - 0.88 * this.q[i]));
    const flow = Math.min(x, 1) * this.capacity[i] * (1 - 0.55 * this.q[i]);
    const density = flow / this.lanes[i] / speed; // veh per km per lane
    this.speed[i] = speed;
    this.flow[i] = flow;
    this.occupancy[i] = clamp((density * 6.5) / 1000, 0, 0.98);
    const lvl = congestionLevel(speed / this.vfree[i]);
    if (lvl !== this.level[i]) this.changeLevel(i, lvl, speed, t, ctx.alarms);
  }

  /** congestion-severe raised on reaching level 4, cleared at 2 or below; entering or leaving 4 is reported now */
  private changeLevel(i: number, lvl: number, speed: number, t: number, alarms: SimContext["alarms"]): void {
    const s = this.sensors[i];
    if (lvl === 4 && this.level[i] < 4)
      alarms.raise(
        "sensors",
        s.id,
        i,
        "congestion-severe",
        "major",
        t,
        `${s.road} ${s.name} 严重拥堵，车速 ${speed.toFixed(0)} km/h`,
        `${s.id}: severe congestion, ${speed.toFixed(0)} km/h`,
        speed,
      );
    else if (lvl <= 2) alarms.clear("sensors", s.id, "congestion-severe", t);
    if ((lvl === 4) !== (this.level[i] === 4)) this.nextReport[i] = t; // report status changes now
    this.level[i] = lvl;
  }

  /** the routine (or immediate) report of sensor i; a faulty or offline detector reports no values */
  private report(i: number, t: number, ctx: SimContext, out: UpdateCollector): void {
    this.nextReport[i] = t + ctx.reportEverySimMs * (this.started ? 0.75 + 0.5 * ctx.rng.next() : ctx.rng.next());
    if (this.device[i] === 3 || this.device[i] === 2) out.push(i, this.device[i], [null, null, null, null]);
    else out.push(i, this.level[i] === 4 ? 1 : 0, [this.flow[i], this.speed[i], this.occupancy[i], this.level[i]]);
  }
}
