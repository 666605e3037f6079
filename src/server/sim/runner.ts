/**
 * Drives a Simulator from the wall clock: every tick (default 100 ms) it advances simulated time by
 * realElapsed x speed and publishes the resulting events to the bus. Paused -> simulated time stands still.
 * The simulated clock is saved to the bus meta so a new leader (Redis mode) continues the same clock.
 */
import type { Bus } from "../bus";
import type { LayerData } from "../layer-data";
import type { Alarm } from "../../protocol/live";
import type { BusEvent } from "../state";
import { Simulator } from "./simulator";

export interface RunnerOptions {
  seed: number;
  speed: number;
  startMs: number;
  tickMs?: number;
  /** real ms between routine reports of one object */
  reportRealMs?: number;
  log?: (m: string) => void;
  /** drop events before publishing (objects a real feed owns) */
  filter?: (events: BusEvent[]) => BusEvent[];
}

export class SimRunner {
  sim?: Simulator;
  private timer?: NodeJS.Timeout;
  private lastReal = 0;
  private lastClockSave = 0;
  private publishing = false;
  /** bumped by stop(), so a start still waiting on the bus gives up */
  private generation = 0;
  /** the generation a start() is under way for, -1 when none */
  private startingGeneration = -1;

  constructor(
    private readonly data: LayerData,
    private readonly bus: Bus,
    private readonly opts: RunnerOptions,
    private readonly isPaused: () => boolean,
    private readonly activeAlarms: () => Alarm[],
  ) {}

  get running(): boolean {
    return !!this.timer;
  }

  /** Start the clock (once; a second call while starting or running does nothing). */
  async start(): Promise<void> {
    if (this.timer || this.startingGeneration === this.generation) return;
    const generation = (this.startingGeneration = this.generation);
    try {
      await this.begin(generation);
    } finally {
      if (this.startingGeneration === generation) this.startingGeneration = -1;
    }
  }

  /** the saved clock and the stale alarms are awaited: a stop() meanwhile (a new generation) cancels the start */
  private async begin(generation: number): Promise<void> {
    const o = this.opts;
    let startMs = o.startMs;
    const saved = await this.bus.getMeta("simClock").catch(() => undefined);
    if (generation !== this.generation) return;
    if (saved) {
      const c = JSON.parse(saved) as { simMs: number; wallMs: number; speed: number };
      startMs = c.simMs + (Date.now() - c.wallMs) * o.speed;
    }
    const prefix = `S${o.seed.toString(36)}-${Date.now().toString(36)}`;
    this.sim = new Simulator(this.data, {
      seed: o.seed,
      startMs,
      reportEverySimMs: (o.reportRealMs ?? 3000) * o.speed,
      alarmPrefix: prefix,
    });
    // alarms raised by an earlier simulator run (previous leader / process) can never be cleared by this one
    const stale: BusEvent[] = this.activeAlarms()
      .filter((a) => a.id.startsWith("S") && !a.id.startsWith(prefix))
      .map((a) => ({ t: "a", op: "clear", alarm: { ...a, clearedAt: Math.round(startMs) } }));
    if (stale.length) await this.bus.publish(stale);
    if (generation !== this.generation) return;
    this.lastReal = Date.now();
    this.timer = setInterval(() => void this.tick(), o.tickMs ?? 100);
    o.log?.(`simulator started: seed ${o.seed}, speed x${o.speed}, sim time ${new Date(startMs).toISOString()}`);
  }

  private async tick(): Promise<void> {
    if (!this.sim || this.publishing) return;
    const now = Date.now();
    const realDt = now - this.lastReal;
    this.lastReal = now;
    if (this.isPaused()) return;
    const stepped = this.sim.step(realDt * this.opts.speed);
    const events = this.opts.filter ? this.opts.filter(stepped) : stepped;
    this.publishing = true;
    try {
      await this.bus.publish(events);
      if (now - this.lastClockSave > 1000) {
        this.lastClockSave = now;
        await this.bus.setMeta("simClock", JSON.stringify({ simMs: this.sim.t, wallMs: now, speed: this.opts.speed }));
      }
    } catch (e) {
      this.opts.log?.(`simulator publish failed: ${(e as Error).message}`);
    } finally {
      this.publishing = false;
    }
  }

  simNow(): number | undefined {
    return this.sim?.t;
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
