/**
 * The kiosk's behaviour as a small state machine, free of DOM and Cesium so it is unit-tested with a fake clock:
 *
 *   attract --(any touch)--> explore --(no touch for idleMs)--> reset() + attract from chapter 0
 *   attract: show(chapter) every dwellMs, wrapping around.
 *
 * A failing show()/reset() is logged and the loop carries on: nothing a visitor does can stop it for good.
 */
import type { UrlFlags } from "../../ui/url-flags";

export interface KioskClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface AttractOptions {
  chapters: number;
  dwellMs: number;
  idleMs: number;
  /** present chapter i (auto = part of the attract loop) */
  show(index: number, auto: boolean): void;
  /** put everything back to the defaults (layers, selection, drill-down, language) */
  reset(): void;
  /** called after every state change (for the UI) */
  onChange?(state: AttractState): void;
  clock?: KioskClock;
}

export interface AttractState {
  mode: "attract" | "explore";
  chapter: number;
  /** chapters shown by the loop since the page started */
  autoChanges: number;
  /** times the loop was (re)started */
  starts: number;
}

const realClock: KioskClock = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function validateTimes(dwellMs: number, idleMs: number): void {
  if (!(Number.isFinite(dwellMs) && dwellMs >= 1000))
    throw new Error(`kiosk: chapter dwell must be >= 1 s, got ${dwellMs} ms`);
  if (!(Number.isFinite(idleMs) && idleMs >= 1000))
    throw new Error(`kiosk: idle time must be >= 1 s, got ${idleMs} ms`);
}

export class AttractLoop {
  private readonly clock: KioskClock;
  private advanceTimer: unknown = null;
  private idleTimer: unknown = null;
  private destroyed = false;
  readonly state: AttractState = { mode: "attract", chapter: 0, autoChanges: 0, starts: 0 };

  constructor(private readonly opts: AttractOptions) {
    if (!Number.isInteger(opts.chapters) || opts.chapters < 1)
      throw new Error(`kiosk: need at least one chapter, got ${opts.chapters}`);
    validateTimes(opts.dwellMs, opts.idleMs);
    this.clock = opts.clock ?? realClock;
  }

  private safe(what: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      console.error(`kiosk ${what}:`, e);
    }
  }

  private emit(): void {
    this.safe("onChange", () => this.opts.onChange?.({ ...this.state }));
  }

  private clearTimers(): void {
    if (this.advanceTimer !== null) this.clock.clearTimeout(this.advanceTimer);
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.advanceTimer = this.idleTimer = null;
  }

  /** (Re)start the attract loop at the first chapter. */
  start(): void {
    if (this.destroyed) return;
    this.clearTimers();
    this.state.mode = "attract";
    this.state.chapter = 0;
    this.state.starts++;
    this.playCurrent();
  }

  private playCurrent(): void {
    this.state.autoChanges++;
    this.safe("show", () => this.opts.show(this.state.chapter, true));
    this.emit();
    this.advanceTimer = this.clock.setTimeout(() => {
      this.advanceTimer = null;
      if (this.destroyed || this.state.mode !== "attract") return;
      this.state.chapter = (this.state.chapter + 1) % this.opts.chapters;
      this.playCurrent();
    }, this.opts.dwellMs);
  }

  /** Any touch, click, key or wheel: stop the loop (if playing) and restart the idle countdown. */
  activity(): void {
    if (this.destroyed) return;
    if (this.state.mode === "attract") {
      if (this.advanceTimer !== null) this.clock.clearTimeout(this.advanceTimer);
      this.advanceTimer = null;
      this.state.mode = "explore";
      this.emit();
    }
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      if (this.destroyed) return;
      this.safe("reset", () => this.opts.reset());
      this.start();
    }, this.opts.idleMs);
  }

  /** The visitor picked a chapter. */
  choose(index: number): void {
    if (this.destroyed || !Number.isInteger(index) || index < 0 || index >= this.opts.chapters) return;
    this.activity();
    this.state.chapter = index;
    this.safe("show", () => this.opts.show(index, false));
    this.emit();
  }

  destroy(): void {
    this.destroyed = true;
    this.clearTimers();
  }
}

/** Seconds from a URL flag, with a default and bounds; a bad value falls back to the default with a warning. */
export function secondsFlag(flags: UrlFlags, name: string, def: number, min: number, max: number): number {
  return flags.number(name, def, { min, max, outOfRange: "default", who: "kiosk" });
}
