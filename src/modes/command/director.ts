/**
 * The wall's camera director: who moves the camera, and when. Pure logic over injected ports (no Cesium), so the
 * choreography is tested with fake timers in director.test.ts.
 *
 *  Alarms  A new critical alarm is queued; the director flies to its object, selects it, dwells, then either goes
 *          on to the next queued alarm or flies back to where the camera was before the first one and restores the
 *          previous selection. Duplicates merge (same object + kind within the dwell window); one alarm that reaches
 *          the page twice (its raise event and the alarm list) is not a repeat.
 *          The queue is bounded (oldest dropped and counted); an alarm cleared or acknowledged before its turn is
 *          skipped, and one acknowledged during its dwell ends the dwell.
 *  Tour    After `idleMs` with no input the camera tours the configured views (smooth flight, dwell per view);
 *          any input stops it; alarms pre-empt it and it resumes afterwards if nobody has touched the screen.
 *  Manual  Camera input on the globe holds alarm flights for `manualHoldMs` (queued ones wait) and cancels the
 *          return flight: the operator is in charge.
 */
import type { CameraView } from "../../config/schema";
import type { LayerId } from "../../protocol/data";
import type { Alarm, Severity } from "../../protocol/live";

export interface ObjectRef {
  layer: LayerId;
  index: number;
}

export interface CameraPort<Pose> {
  save(): Pose;
  /** fly back to a saved pose */
  restore(p: Pose): Promise<unknown>;
  flyToObject(ref: ObjectRef): Promise<unknown>;
  flyToView(v: CameraView): Promise<unknown>;
  /** stop any flight in progress */
  cancel(): void;
}

export interface DirectorPorts<Pose, Sel> {
  camera: CameraPort<Pose>;
  getSelection(): Sel;
  setSelection(s: Sel): void;
  selectObject(ref: ObjectRef): void;
  /** the alarm is still worth showing (not cleared, not acknowledged) */
  stillActive(alarmId: string): boolean;
}

export interface DirectorOptions {
  dwellMs: number;
  idleMs: number;
  /** at most this many alarms wait; the oldest waiting one is dropped beyond it */
  maxQueue: number;
  manualHoldMs: number;
  severities: readonly Severity[];
  tour: readonly CameraView[];
  /** check interval for idle / hold (ms) */
  tickMs: number;
}

export const DEFAULT_DIRECTOR: DirectorOptions = {
  dwellMs: 12_000,
  idleMs: 60_000,
  maxQueue: 4,
  manualHoldMs: 20_000,
  severities: ["critical"],
  tour: [],
  tickMs: 1000,
};

export interface FollowItem {
  alarm: Alarm;
  /** merged duplicates, including this one */
  count: number;
  queuedAt: number;
}

export interface DirectorState {
  activity: "idle" | "alarm" | "returning" | "tour";
  current: FollowItem | null;
  queued: number;
  dropped: number;
  merged: number;
  followed: number;
  tourIndex: number;
  /** ms until the tour starts (null while touring or following) */
  tourInMs: number | null;
}

export interface Director {
  /** offer a newly raised alarm; returns what happened to it */
  /** "known": this very alarm (same id) is already current, queued or just shown — it reached the page twice
   *  (its raise event and the alarm list), which is not a repeat */
  offer(a: Alarm): "ignored" | "queued" | "merged" | "known";
  /** any pointer / keyboard input (stops the tour) */
  input(kind: "camera" | "other"): void;
  /** the alarm list changed (acks / clears): ends the dwell on an alarm that is no longer active */
  alarmsChanged(): void;
  state(): DirectorState;
  subscribe(cb: (s: DirectorState) => void): () => void;
  destroy(): void;
}

export function createDirector<Pose, Sel>(
  ports: DirectorPorts<Pose, Sel>,
  options: Partial<DirectorOptions> = {},
): Director {
  return new CameraDirector(ports, { ...DEFAULT_DIRECTOR, ...options });
}

const sameTarget = (a: Alarm, b: Alarm) => a.layer === b.layer && a.objectId === b.objectId && a.kind === b.kind;

/**
 * The director's state machine. Lifecycle: the constructor starts the idle / hold tick; `destroy` stops it, ends
 * any dwell or tour and drops the listeners. Public methods are bound (they are handed around as callbacks).
 */
class CameraDirector<Pose, Sel> implements Director {
  private readonly queue: FollowItem[] = [];
  private current: FollowItem | null = null;
  private currentStarted = 0;
  private lastCurrent: { item: FollowItem; endedAt: number } | null = null;
  private following = false;
  private returning = false;
  private touring = false;
  private resumeTour = false;
  private tourGen = 0;
  private tourIndex = 0;
  private home: { pose: Pose; sel: Sel } | null = null;
  private lastInput = Date.now();
  private lastCamera = -Infinity;
  private dropped = 0;
  private merged = 0;
  private followed = 0;
  private destroyed = false;
  private endDwell: (() => void) | null = null;
  private readonly listeners = new Set<(s: DirectorState) => void>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly ports: DirectorPorts<Pose, Sel>,
    private readonly o: DirectorOptions,
  ) {
    this.timer = setInterval(() => this.tick(), o.tickMs);
  }

  readonly state = (): DirectorState => {
    const busy = this.following || this.returning || this.touring;
    return {
      activity: this.following ? "alarm" : this.returning ? "returning" : this.touring ? "tour" : "idle",
      current: this.current,
      queued: this.queue.length,
      dropped: this.dropped,
      merged: this.merged,
      followed: this.followed,
      tourIndex: this.tourIndex,
      tourInMs: busy || !this.o.tour.length ? null : Math.max(0, this.o.idleMs - (Date.now() - this.lastInput)),
    };
  };

  readonly offer = (a: Alarm): "ignored" | "queued" | "merged" | "known" => {
    if (
      this.destroyed ||
      !this.o.severities.includes(a.severity) ||
      a.clearedAt !== undefined ||
      a.ackedAt !== undefined
    )
      return "ignored";
    const now = Date.now();
    const dup = this.duplicateOf(a, now);
    if (dup) {
      if (dup.alarm.id === a.id) return "known";
      dup.count++;
      this.merged++;
      this.emit();
      return "merged";
    }
    this.queue.push({ alarm: a, count: 1, queuedAt: now });
    while (this.queue.length > this.o.maxQueue) {
      this.queue.shift();
      this.dropped++;
    }
    if (this.touring) {
      this.resumeTour = true;
      this.stopTour();
    }
    if (!this.following && !this.returning) void this.follow();
    else this.emit();
    return "queued";
  };

  readonly input = (kind: "camera" | "other"): void => {
    this.lastInput = Date.now();
    this.resumeTour = false;
    if (kind === "camera") {
      this.lastCamera = this.lastInput;
      this.home = null; // the operator moved the camera: do not fly back afterwards
      if (this.returning) this.ports.camera.cancel();
    }
    this.stopTour();
    this.emit();
  };

  readonly alarmsChanged = (): void => {
    if (this.current && !this.ports.stillActive(this.current.alarm.id)) this.endDwell?.();
  };

  readonly subscribe = (cb: (s: DirectorState) => void): (() => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };

  readonly destroy = (): void => {
    this.destroyed = true;
    clearInterval(this.timer);
    this.stopTour();
    this.endDwell?.();
    this.listeners.clear();
    this.queue.length = 0;
  };

  /** the current, just shown or queued item this alarm repeats (same id, or same target within the dwell) */
  private duplicateOf(a: Alarm, now: number): FollowItem | undefined {
    const { current, lastCurrent, o } = this;
    if (
      current &&
      (current.alarm.id === a.id || (sameTarget(current.alarm, a) && now - this.currentStarted < o.dwellMs))
    )
      return current;
    if (
      lastCurrent &&
      (lastCurrent.item.alarm.id === a.id ||
        (sameTarget(lastCurrent.item.alarm, a) && now - lastCurrent.endedAt < o.dwellMs))
    )
      return lastCurrent.item;
    return this.queue.find((q) => q.alarm.id === a.id || sameTarget(q.alarm, a));
  }

  private emit(): void {
    const s = this.state();
    for (const l of this.listeners) l(s);
  }

  /** the idle / hold check: follow waiting alarms once the hold expires, tour once idle long enough */
  private tick(): void {
    if (this.destroyed) return;
    const busy = this.following || this.returning;
    if (this.queue.length && !busy && !this.held()) void this.follow();
    else if (!this.touring && !busy && this.o.tour.length && Date.now() - this.lastInput >= this.o.idleMs)
      this.startTour(this.tourIndex);
    this.emit();
  }

  /** a sleep that `endDwell` ends early */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.endDwell = null;
        resolve();
      }, ms);
      this.endDwell = () => {
        clearTimeout(t);
        this.endDwell = null;
        resolve();
      };
    });
  }

  private held(): boolean {
    return Date.now() - this.lastCamera < this.o.manualHoldMs;
  }

  private async follow(): Promise<void> {
    if (this.following || this.destroyed) return;
    if (this.held()) return; // the tick retries when the hold expires
    this.following = true;
    if (this.touring) this.stopTour();
    try {
      await this.followQueue();
    } finally {
      this.following = false;
      this.current = null;
    }
    if (this.destroyed) return;
    if (this.queue.length) {
      this.emit(); // held by manual control: waits for the tick
      return;
    }
    await this.returnHome();
  }

  /** fly to, select and dwell on each queued alarm still active, until the queue is empty or the operator holds */
  private async followQueue(): Promise<void> {
    const { ports } = this;
    while (this.queue.length && !this.destroyed && !this.held()) {
      const item = this.queue.shift()!;
      if (!ports.stillActive(item.alarm.id)) continue;
      if (!this.home) this.home = { pose: ports.camera.save(), sel: ports.getSelection() };
      this.current = item;
      this.currentStarted = Date.now();
      this.followed++;
      this.emit();
      const ref = { layer: item.alarm.layer, index: item.alarm.objectIndex };
      ports.selectObject(ref);
      await ports.camera.flyToObject(ref);
      if (this.destroyed) return;
      if (ports.stillActive(item.alarm.id)) await this.sleep(this.o.dwellMs);
      this.lastCurrent = { item, endedAt: Date.now() };
      this.current = null;
    }
  }

  /** fly back to the pose and selection from before the first alarm, then resume the tour it interrupted */
  private async returnHome(): Promise<void> {
    const back = this.home;
    this.home = null;
    if (back && !this.held()) {
      this.returning = true;
      this.emit();
      this.ports.setSelection(back.sel);
      await this.ports.camera.restore(back.pose);
      this.returning = false;
      if (this.queue.length) return void this.follow();
      // resume the tour if it was running and nobody has touched the screen since
      if (this.resumeTour) {
        this.resumeTour = false;
        this.startTour(this.tourIndex);
      }
    }
    this.emit();
  }

  private stopTour(): void {
    if (!this.touring) return;
    this.touring = false;
    this.tourGen++;
    this.endDwell?.();
    this.ports.camera.cancel();
  }

  private startTour(from = 0): void {
    if (this.touring || this.following || this.returning || this.destroyed || !this.o.tour.length) return;
    this.touring = true;
    this.tourIndex = from % this.o.tour.length;
    const gen = ++this.tourGen;
    this.emit();
    void this.runTour(gen);
  }

  /** fly through the tour's views, dwelling on each, until a newer tour generation (stop / restart) */
  private async runTour(gen: number): Promise<void> {
    const tour = this.o.tour;
    while (this.touring && gen === this.tourGen && !this.destroyed) {
      const v = tour[this.tourIndex];
      this.emit();
      await this.ports.camera.flyToView(v);
      if (gen !== this.tourGen) return;
      await this.sleep(v.dwellS * 1000);
      if (gen !== this.tourGen) return;
      this.tourIndex = (this.tourIndex + 1) % tour.length;
    }
  }
}
