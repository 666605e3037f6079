/**
 * EV charging stations. Every connector is a small state machine: idle -> charging (on an arrival) -> idle
 * (session ends), any -> fault (connector MTBF) -> idle (repair). Arrivals are Poisson with a rate following
 * commute peaks; an arrival finding no idle connector leaves. Whole-station communication loss (station MTBF)
 * reports every connector offline. Power = sum of charging connectors x connector kW x session taper factor.
 * Super stations: solar output by sun elevation and cloud cover; storage charges from solar surplus and in the
 * night valley tariff, discharges in peak-tariff hours. Counts always sum to the station's connectors.
 * Alarms: charger-fault (minor for a few connectors, major when half or more), charger-offline (major).
 */
import type { Charger } from "../../protocol/data";
import { CHARGING_ARRIVALS, clamp, interpHourly, localHour, sunElevation } from "./curves";
import { hash01, type Rng } from "../../protocol/prng";
import { ouStep } from "./noise";
import { DAY, HOUR, MIN, warm, type LayerModel, type SimContext, type UpdateCollector } from "./types";

export const CONN = { idle: 0, charging: 1, fault: 2 } as const;

export interface ChargerModelOptions {
  connectorMtbfMs: number;
  connectorMttrMs: number;
  stationMtbfMs: number;
  stationMttrMs: number;
  /** peak-hour arrivals per connector per hour */
  superPeakRate: number;
  ordinaryPeakRate: number;
  superSessionMs: number;
  ordinarySessionMs: number;
}
export const CHARGER_DEFAULTS: ChargerModelOptions = {
  connectorMtbfMs: 25 * DAY,
  connectorMttrMs: 6 * HOUR,
  stationMtbfMs: 90 * DAY,
  stationMttrMs: 40 * MIN,
  superPeakRate: 1.3,
  ordinaryPeakRate: 0.5,
  superSessionMs: 32 * MIN,
  ordinarySessionMs: 95 * MIN,
};

export class ChargerModel implements LayerModel {
  readonly layer = "chargers" as const;
  readonly n: number;
  readonly offset: Int32Array;
  /** per connector: state, session end / repair time, taper factor */
  readonly conn: Uint8Array;
  readonly connUntil: Float64Array;
  readonly connNextFault: Float64Array;
  readonly taper: Float32Array;
  readonly offline: Uint8Array;
  readonly offlineUntil: Float64Array;
  readonly nextOffline: Float64Array;
  readonly soc: Float32Array;
  readonly nextReport: Float64Array;
  /** false until the first step: the first reports are then spread uniformly over one period */
  started = false;
  readonly lastT: Float64Array;
  cloud = 0;
  private lastCloudT: number;
  arrivals = 0;
  lost = 0;

  constructor(
    readonly stations: readonly Charger[],
    t0: number,
    rng: Rng,
    readonly opts: ChargerModelOptions = CHARGER_DEFAULTS,
  ) {
    const n = (this.n = stations.length);
    this.offset = new Int32Array(n + 1);
    stations.forEach((s, i) => (this.offset[i + 1] = this.offset[i] + s.connectors));
    const total = this.offset[n];
    this.conn = new Uint8Array(total);
    this.connUntil = new Float64Array(total).fill(Infinity);
    this.connNextFault = new Float64Array(total);
    this.taper = new Float32Array(total);
    for (let c = 0; c < total; c++) this.connNextFault[c] = warm(rng, t0, opts.connectorMtbfMs, opts.connectorMttrMs);
    this.offline = new Uint8Array(n);
    this.offlineUntil = new Float64Array(n).fill(Infinity);
    this.nextOffline = new Float64Array(n);
    this.soc = new Float32Array(n);
    this.nextReport = new Float64Array(n);
    this.lastT = new Float64Array(n).fill(t0);
    this.lastCloudT = t0;
    stations.forEach((s, i) => {
      this.nextOffline[i] = warm(rng, t0, opts.stationMtbfMs, opts.stationMttrMs);
      this.soc[i] = s.storageKwh > 0 ? 40 + 40 * hash01(s.id, 1) : 0;
      this.nextReport[i] = t0 + hash01(s.id, 2) * 1000;
      // start near the expected occupancy for the hour so the map is not empty at t0
      const occ = clamp(0.5 * interpHourly(CHARGING_ARRIVALS, localHour(t0)), 0, 0.9);
      for (let c = this.offset[i]; c < this.offset[i + 1]; c++) {
        if (rng.next() < occ) {
          this.conn[c] = CONN.charging;
          this.connUntil[c] = t0 + rng.exp(this.sessionMs(s));
          this.taper[c] = 0.45 + 0.5 * rng.next();
        }
      }
    });
  }

  sessionMs(s: Charger): number {
    return s.kind === "super" ? this.opts.superSessionMs : this.opts.ordinarySessionMs;
  }

  counts(i: number): { charging: number; idle: number; fault: number; offline: number } {
    const c = { charging: 0, idle: 0, fault: 0, offline: 0 };
    if (this.offline[i]) {
      c.offline = this.stations[i].connectors;
      return c;
    }
    for (let k = this.offset[i]; k < this.offset[i + 1]; k++) {
      if (this.conn[k] === CONN.charging) c.charging++;
      else if (this.conn[k] === CONN.fault) c.fault++;
      else c.idle++;
    }
    return c;
  }

  step(t: number, dtMs: number, ctx: SimContext, out: UpdateCollector): void {
    this.stepInner(t, dtMs, ctx, out);
    this.started = true;
  }

  private stepInner(t: number, dtMs: number, ctx: SimContext, out: UpdateCollector): void {
    this.cloud = ouStep(this.cloud, Math.max(0, t - this.lastCloudT), 3 * HOUR, 0.25, ctx.rng);
    this.lastCloudT = t;
    const arrivalShape = interpHourly(CHARGING_ARRIVALS, localHour(t));
    for (let i = 0; i < this.n; i++) this.stepStation(i, t, arrivalShape, ctx, out);
  }

  /** Advance one station to t; report it when something changed or its routine report is due. */
  private stepStation(i: number, t: number, arrivalShape: number, ctx: SimContext, out: UpdateCollector): void {
    const s = this.stations[i];
    const dt = Math.max(0, t - this.lastT[i]);
    this.lastT[i] = t;
    const linkChanged = this.stepLink(i, t, ctx);
    const beforeFault = this.faultCount(i);
    const connectorsChanged = this.stepConnectors(i, t, ctx.rng);
    const arrived = this.arrive(i, t, dt, arrivalShape, ctx.rng);
    const solarKw = s.solarKwp > 0 ? this.solar(s, t) : 0;
    const powerKw = this.powerKw(i);
    if (s.storageKwh > 0) this.stepStorage(i, t, dt, solarKw, powerKw);
    const fault = this.faultCount(i);
    const changed = linkChanged || connectorsChanged || arrived || fault !== beforeFault;
    if (!changed && this.nextReport[i] > t) return;
    this.nextReport[i] = t + ctx.reportEverySimMs * (this.started ? 0.75 + 0.5 * ctx.rng.next() : ctx.rng.next());
    const cnt = this.counts(i);
    const status = this.offline[i] ? 3 : fault >= Math.ceil(s.connectors / 2) ? 2 : fault > 0 ? 1 : 0;
    out.push(i, status, [
      cnt.charging,
      cnt.idle,
      cnt.fault,
      cnt.offline,
      this.offline[i] ? null : powerKw,
      solarKw,
      s.storageKwh > 0 ? this.soc[i] : 0,
    ]);
    this.faultAlarm(i, fault, t, ctx.alarms);
  }

  /** Whole-station communication loss and its recovery; true when the station's link changed. */
  private stepLink(i: number, t: number, { rng, alarms }: SimContext): boolean {
    const s = this.stations[i];
    if (this.offline[i] && this.offlineUntil[i] <= t) {
      this.offline[i] = 0;
      this.nextOffline[i] = this.offlineUntil[i] + rng.exp(this.opts.stationMtbfMs);
      alarms.clear("chargers", s.id, "charger-offline", this.offlineUntil[i]);
      this.offlineUntil[i] = Infinity;
      return true;
    }
    if (!this.offline[i] && this.nextOffline[i] <= t) {
      this.offline[i] = 1;
      this.offlineUntil[i] = this.nextOffline[i] + rng.exp(this.opts.stationMttrMs);
      alarms.raise(
        "chargers",
        s.id,
        i,
        "charger-offline",
        "major",
        this.nextOffline[i],
        `${s.name} 通信中断`,
        `${s.id}: station offline (no communication)`,
      );
      return true;
    }
    return false;
  }

  /** Connector session ends, faults and repairs; true when any connector changed state. */
  private stepConnectors(i: number, t: number, rng: Rng): boolean {
    let changed = false;
    for (let c = this.offset[i]; c < this.offset[i + 1]; c++) {
      if (this.conn[c] !== CONN.fault && this.connNextFault[c] <= t) {
        this.conn[c] = CONN.fault;
        this.connUntil[c] = this.connNextFault[c] + rng.exp(this.opts.connectorMttrMs);
        changed = true;
      } else if (this.connUntil[c] <= t) {
        if (this.conn[c] === CONN.fault) this.connNextFault[c] = this.connUntil[c] + rng.exp(this.opts.connectorMtbfMs);
        this.conn[c] = CONN.idle;
        this.connUntil[c] = Infinity;
        changed = true;
      }
    }
    return changed;
  }

  /** Poisson arrivals over dt, each taking the first idle connector or leaving; true when a session started. */
  private arrive(i: number, t: number, dt: number, arrivalShape: number, rng: Rng): boolean {
    const s = this.stations[i];
    const o = this.opts;
    const rate = (s.kind === "super" ? o.superPeakRate : o.ordinaryPeakRate) * arrivalShape * s.connectors; // per hour
    const k = rng.poisson((rate * dt) / HOUR);
    let started = false;
    for (let a = 0; a < k; a++) {
      this.arrivals++;
      const free = this.idleConnector(i);
      if (free < 0) {
        this.lost++;
        continue;
      }
      this.conn[free] = CONN.charging;
      this.connUntil[free] = t + Math.max(8 * MIN, rng.exp(this.sessionMs(s)));
      this.taper[free] = 0.45 + 0.5 * rng.next();
      started = true;
    }
    return started;
  }

  /** the station's first idle connector, -1 when none */
  private idleConnector(i: number): number {
    for (let c = this.offset[i]; c < this.offset[i + 1]; c++) if (this.conn[c] === CONN.idle) return c;
    return -1;
  }

  /** power drawn by the charging connectors, kW */
  private powerKw(i: number): number {
    const s = this.stations[i];
    let powerKw = 0;
    for (let c = this.offset[i]; c < this.offset[i + 1]; c++)
      if (this.conn[c] === CONN.charging) powerKw += s.connectorKw * this.taper[c];
    return powerKw;
  }

  /** Storage state of charge over dt: solar surplus and valley tariff in, peak shaving out. */
  private stepStorage(i: number, t: number, dt: number, solarKw: number, powerKw: number): void {
    const s = this.stations[i];
    const h = localHour(t);
    let flowKw = Math.min(solarKw, 0.5 * s.storageKwh); // solar surplus into storage
    if (h < 7) flowKw += 0.2 * s.storageKwh; // valley tariff
    if ((h >= 8 && h < 11) || (h >= 18 && h < 21)) flowKw -= Math.min(0.25 * s.storageKwh, powerKw); // peak shaving
    this.soc[i] = clamp(this.soc[i] + ((flowKw * dt) / HOUR / s.storageKwh) * 100, 5, 98);
  }

  /** charger-fault: cleared without faults, minor for a few connectors, major when half or more */
  private faultAlarm(i: number, fault: number, t: number, alarms: SimContext["alarms"]): void {
    const s = this.stations[i];
    if (fault === 0) {
      alarms.clear("chargers", s.id, "charger-fault", t);
      return;
    }
    const major = fault >= Math.ceil(s.connectors / 2);
    alarms.raise(
      "chargers",
      s.id,
      i,
      "charger-fault",
      major ? "major" : "minor",
      t,
      major ? `${s.name} ${fault}/${s.connectors} 个充电枪故障` : `${s.name} ${fault}个充电枪故障`,
      major ? `${s.id}: ${fault} of ${s.connectors} connectors faulty` : `${s.id}: ${fault} connector(s) faulty`,
      fault,
    );
  }

  faultCount(i: number): number {
    let f = 0;
    for (let c = this.offset[i]; c < this.offset[i + 1]; c++) if (this.conn[c] === CONN.fault) f++;
    return f;
  }

  solar(s: Charger, t: number): number {
    const elev = sunElevation(t);
    if (elev <= 0) return 0;
    const clear = 0.85 * Math.pow(Math.sin(elev), 1.15);
    const cloud = clamp(0.78 + this.cloud, 0.15, 1);
    return s.solarKwp * clear * cloud;
  }

  /** connector states of one station for the detail stream */
  connectorStates(i: number): ("idle" | "charging" | "fault" | "offline")[] {
    const out: ("idle" | "charging" | "fault" | "offline")[] = [];
    for (let c = this.offset[i]; c < this.offset[i + 1]; c++)
      out.push(
        this.offline[i]
          ? "offline"
          : this.conn[c] === CONN.charging
            ? "charging"
            : this.conn[c] === CONN.fault
              ? "fault"
              : "idle",
      );
    return out;
  }
}
