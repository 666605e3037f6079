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
  const o: DirectorOptions = { ...DEFAULT_DIRECTOR, ...options };
  const queue: FollowItem[] = [];
  let current: FollowItem | null = null;
  let currentStarted = 0;
  let lastCurrent: { item: FollowItem; endedAt: number } | null = null;
  let following = false;
  let returning = false;
  let touring = false;
  let tourGen = 0;
  let tourIndex = 0;
  let home: { pose: Pose; sel: Sel } | null = null;
  let lastInput = Date.now();
  let lastCamera = -Infinity;
  let dropped = 0;
  let merged = 0;
  let followed = 0;
  let destroyed = false;
  let endDwell: (() => void) | null = null;
  const listeners = new Set<(s: DirectorState) => void>();

  const sameTarget = (a: Alarm, b: Alarm) => a.layer === b.layer && a.objectId === b.objectId && a.kind === b.kind;

  const state = (): DirectorState => ({
    activity: following ? "alarm" : returning ? "returning" : touring ? "tour" : "idle",
    current,
    queued: queue.length,
    dropped,
    merged,
    followed,
    tourIndex,
    tourInMs:
      following || returning || touring || !o.tour.length ? null : Math.max(0, o.idleMs - (Date.now() - lastInput)),
  });
  const emit = () => {
    const s = state();
    for (const l of listeners) l(s);
  };

  /** a sleep that `wake` ends early */
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        endDwell = null;
        resolve();
      }, ms);
      endDwell = () => {
        clearTimeout(t);
        endDwell = null;
        resolve();
      };
    });

  const held = () => Date.now() - lastCamera < o.manualHoldMs;

  async function follow(): Promise<void> {
    if (following || destroyed) return;
    if (held()) return; // the tick retries when the hold expires
    following = true;
    if (touring) stopTour();
    try {
      while (queue.length && !destroyed && !held()) {
        const item = queue.shift()!;
        if (!ports.stillActive(item.alarm.id)) continue;
        if (!home) home = { pose: ports.camera.save(), sel: ports.getSelection() };
        current = item;
        currentStarted = Date.now();
        followed++;
        emit();
        const ref = { layer: item.alarm.layer, index: item.alarm.objectIndex };
        ports.selectObject(ref);
        await ports.camera.flyToObject(ref);
        if (destroyed) return;
        if (ports.stillActive(item.alarm.id)) await sleep(o.dwellMs);
        lastCurrent = { item, endedAt: Date.now() };
        current = null;
      }
    } finally {
      following = false;
      current = null;
    }
    if (destroyed) return;
    if (queue.length) {
      emit(); // held by manual control: waits for the tick
      return;
    }
    const back = home;
    home = null;
    if (back && !held()) {
      returning = true;
      emit();
      ports.setSelection(back.sel);
      await ports.camera.restore(back.pose);
      returning = false;
      if (queue.length) return void follow();
      // resume the tour if it was running and nobody has touched the screen since
      if (resumeTour) {
        resumeTour = false;
        startTour(tourIndex);
      }
    }
    emit();
  }

  let resumeTour = false;
  function stopTour(): void {
    if (!touring) return;
    touring = false;
    tourGen++;
    endDwell?.();
    ports.camera.cancel();
  }

  function startTour(from = 0): void {
    if (touring || following || returning || destroyed || !o.tour.length) return;
    touring = true;
    tourIndex = from % o.tour.length;
    const gen = ++tourGen;
    emit();
    void (async () => {
      while (touring && gen === tourGen && !destroyed) {
        const v = o.tour[tourIndex];
        emit();
        await ports.camera.flyToView(v);
        if (gen !== tourGen) return;
        await sleep(v.dwellS * 1000);
        if (gen !== tourGen) return;
        tourIndex = (tourIndex + 1) % o.tour.length;
      }
    })();
  }

  const timer = setInterval(() => {
    if (destroyed) return;
    if (queue.length && !following && !returning && !held()) void follow();
    else if (!touring && !following && !returning && o.tour.length && Date.now() - lastInput >= o.idleMs)
      startTour(tourIndex);
    emit();
  }, o.tickMs);

  return {
    offer(a) {
      if (destroyed || !o.severities.includes(a.severity) || a.clearedAt !== undefined || a.ackedAt !== undefined)
        return "ignored";
      const now = Date.now();
      const dup =
        (current &&
          (current.alarm.id === a.id || (sameTarget(current.alarm, a) && now - currentStarted < o.dwellMs)) &&
          current) ||
        (lastCurrent &&
          (lastCurrent.item.alarm.id === a.id ||
            (sameTarget(lastCurrent.item.alarm, a) && now - lastCurrent.endedAt < o.dwellMs)) &&
          lastCurrent.item) ||
        queue.find((q) => q.alarm.id === a.id || sameTarget(q.alarm, a));
      if (dup) {
        if (dup.alarm.id === a.id) return "known";
        dup.count++;
        merged++;
        emit();
        return "merged";
      }
      queue.push({ alarm: a, count: 1, queuedAt: now });
      while (queue.length > o.maxQueue) {
        queue.shift();
        dropped++;
      }
      if (touring) {
        resumeTour = true;
        stopTour();
      }
      if (!following && !returning) void follow();
      else emit();
      return "queued";
    },
    input(kind) {
      lastInput = Date.now();
      resumeTour = false;
      if (kind === "camera") {
        lastCamera = lastInput;
        home = null; // the operator moved the camera: do not fly back afterwards
        if (returning) ports.camera.cancel();
      }
      stopTour();
      emit();
    },
    alarmsChanged() {
      if (current && !ports.stillActive(current.alarm.id)) endDwell?.();
    },
    state,
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    destroy() {
      destroyed = true;
      clearInterval(timer);
      stopTour();
      endDwell?.();
      listeners.clear();
      queue.length = 0;
    },
  };
}
