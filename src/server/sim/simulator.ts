/**
 * The embedded simulator: four layer models advanced together in simulated time, deterministic for a seed and
 * a sequence of steps. step() returns the bus events (update batches per layer + alarm raise/clear) for the
 * interval. Time acceleration and the wall-clock timer live in runner.ts.
 */
import type { LayerData } from "../layer-data";
import type { BusEvent } from "../state";
import { ChargerModel, CHARGER_DEFAULTS, type ChargerModelOptions } from "./chargers";
import { DataCentreModel } from "./datacentres";
import { Rng } from "../../protocol/prng";
import { SensorModel, SENSOR_DEFAULTS, type SensorModelOptions } from "./sensors";
import { SiteModel, SITE_DEFAULTS, type SiteModelOptions } from "./sites";
import { AlarmSink, UpdateCollector, type LayerModel, type SimContext } from "./types";

export interface SimulatorOptions {
  seed: number;
  /** simulated start time, ms epoch */
  startMs: number;
  /** routine report period per object in SIMULATED ms (runner sets real period x speed) */
  reportEverySimMs?: number;
  sites?: Partial<SiteModelOptions>;
  chargers?: Partial<ChargerModelOptions>;
  sensors?: Partial<SensorModelOptions>;
  dcMtbfMs?: number;
  /** alarm id prefix (differs per simulator run so ids never collide across restarts) */
  alarmPrefix?: string;
}

export class Simulator {
  readonly rng: Rng;
  readonly sites: SiteModel;
  readonly datacentres: DataCentreModel;
  readonly chargers: ChargerModel;
  readonly sensors: SensorModel;
  readonly alarms: AlarmSink;
  private readonly models: LayerModel[];
  private readonly collectors: Record<string, UpdateCollector>;
  private readonly ctx: SimContext;
  t: number;

  constructor(
    readonly data: LayerData,
    readonly opts: SimulatorOptions,
  ) {
    this.rng = new Rng(opts.seed);
    this.t = opts.startMs;
    this.alarms = new AlarmSink(opts.alarmPrefix ?? `S${opts.seed}`);
    this.sites = new SiteModel(data.sites, this.t, this.rng, { ...SITE_DEFAULTS, ...opts.sites });
    this.datacentres = new DataCentreModel(data.datacentres, this.t, this.rng, opts.dcMtbfMs);
    this.chargers = new ChargerModel(data.chargers, this.t, this.rng, { ...CHARGER_DEFAULTS, ...opts.chargers });
    this.sensors = new SensorModel(data.sensors, data.roads, this.t, this.rng, { ...SENSOR_DEFAULTS, ...opts.sensors });
    this.models = [this.sites, this.datacentres, this.chargers, this.sensors];
    this.collectors = Object.fromEntries(this.models.map((m) => [m.layer, new UpdateCollector(m.layer)]));
    this.ctx = { rng: this.rng, alarms: this.alarms, reportEverySimMs: opts.reportEverySimMs ?? 5_000 };
  }

  setReportEverySimMs(ms: number): void {
    this.ctx.reportEverySimMs = ms;
  }

  /** Advance by dtMs simulated milliseconds; returns update batches and alarm events, in apply order. */
  step(dtMs: number): BusEvent[] {
    this.t += dtMs;
    const events: BusEvent[] = [];
    for (const m of this.models) {
      const col = this.collectors[m.layer];
      m.step(this.t, dtMs, this.ctx, col);
      const ev = col.take(Math.round(this.t));
      if (ev) events.push(ev);
    }
    events.push(...this.alarms.take());
    return events;
  }
}
