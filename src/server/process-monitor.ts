/**
 * The gateway's own vital signs for /api/health: resident memory and event-loop delay (p99 and max per 5-second
 * window, the last 24 windows kept), so an operator — or the abuse test — can see whether any client behaviour
 * stalls the loop or grows memory.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

export interface LoopWindow {
  /** ms epoch at the end of the window */
  end: number;
  p99Ms: number;
  maxMs: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export class ProcessMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly windows: LoopWindow[] = [];
  private timer?: NodeJS.Timeout;
  peakRssMB = 0;

  constructor(
    private readonly windowMs = 5000,
    private readonly keep = 24,
  ) {}

  start(): void {
    this.histogram.enable();
    this.timer = setInterval(() => this.closeWindow(), this.windowMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram.disable();
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
    });
    if (this.windows.length > this.keep) this.windows.shift();
    this.histogram.reset();
    this.peakRssMB = Math.max(this.peakRssMB, Math.round(process.memoryUsage().rss / 2 ** 20));
  }
}
