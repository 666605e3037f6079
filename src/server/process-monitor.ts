/**
 * The gateway's own vital signs for /api/health: resident memory and event-loop delay (p99 and max per 5-second
 * window, the last 24 windows kept), so an operator — or the abuse test — can see whether any client behaviour
 * stalls the loop or grows memory.
 *
 * Two delays per window: `p99Ms`/`maxMs` are wall-clock (what a client feels, including time the process was not
 * scheduled at all on a busy host), `ownP99Ms`/`ownMaxMs` count only the CPU time the process itself spent while
 * a 10 ms timer was late — the delay its own work caused. On a machine shared with other loads the wall figure
 * measures the machine; the own figure measures the gateway.
 */
import {
  createHistogram,
  monitorEventLoopDelay,
  type IntervalHistogram,
  type RecordableHistogram,
} from "node:perf_hooks";

export interface LoopWindow {
  /** ms epoch at the end of the window */
  end: number;
  p99Ms: number;
  maxMs: number;
  /** the part of the delay that was the process's own CPU time (see above) */
  ownP99Ms: number;
  ownMaxMs: number;
}

const TICK_MS = 10;

/** Delay of a 10 ms timer, counted only as far as the process was using CPU meanwhile (microseconds). */
class OwnDelay {
  readonly histogram: RecordableHistogram = createHistogram();
  private timer?: NodeJS.Timeout;
  private lastAt = 0;
  private lastCpu = 0;

  start(): void {
    this.lastAt = performance.now();
    this.lastCpu = cpuMicros();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private tick(): void {
    const now = performance.now();
    const cpu = cpuMicros();
    const lateUs = (now - this.lastAt - TICK_MS) * 1000;
    const ownUs = Math.min(lateUs, cpu - this.lastCpu);
    this.histogram.record(Math.max(1, Math.round(ownUs)));
    this.lastAt = now;
    this.lastCpu = cpu;
  }
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export class ProcessMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly own = new OwnDelay();
  private readonly windows: LoopWindow[] = [];
  private timer?: NodeJS.Timeout;
  peakRssMB = 0;

  constructor(
    private readonly windowMs = 5000,
    private readonly keep = 24,
  ) {}

  start(): void {
    this.histogram.enable();
    this.own.start();
    this.timer = setInterval(() => this.closeWindow(), this.windowMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram.disable();
    this.own.stop();
  }

  report(): {
    rssMB: number;
    peakRssMB: number;
    heapUsedMB: number;
    loop: { windowMs: number; windows: LoopWindow[] };
  } {
    const m = process.memoryUsage();
    const rssMB = Math.round(m.rss / 2 ** 20);
    this.peakRssMB = Math.max(this.peakRssMB, rssMB);
    return {
      rssMB,
      peakRssMB: this.peakRssMB,
      heapUsedMB: Math.round(m.heapUsed / 2 ** 20),
      loop: { windowMs: this.windowMs, windows: [...this.windows] },
    };
  }

  private closeWindow(): void {
    this.windows.push({
      end: Date.now(),
      p99Ms: round1(this.histogram.percentile(99) / 1e6),
      maxMs: round1(this.histogram.max / 1e6),
      ownP99Ms: round1(this.own.histogram.percentile(99) / 1e3),
      ownMaxMs: round1(this.own.histogram.max / 1e3),
    });
    this.own.histogram.reset();
    if (this.windows.length > this.keep) this.windows.shift();
    this.histogram.reset();
    this.peakRssMB = Math.max(this.peakRssMB, Math.round(process.memoryUsage().rss / 2 ** 20));
  }
}
