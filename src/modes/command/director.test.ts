import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CameraView } from "../../config/schema";
import type { Alarm } from "../../protocol/live";
import { createDirector, type CameraPort, type ObjectRef } from "./director";

type Pose = string;
/** a fake camera: every flight takes 2 s; the log records what happened */
function fakeCamera(log: string[]) {
  let pose: Pose = "home";
  let pending: { resolve(): void; t: ReturnType<typeof setTimeout> } | null = null;
  const fly = (to: Pose, what: string) =>
    new Promise<void>((resolve) => {
      log.push(what);
      const t = setTimeout(() => {
        pose = to;
        pending = null;
        resolve();
      }, 2000);
      pending = { resolve, t };
    });
  const cam: CameraPort<Pose> = {
    save: () => pose,
    restore: (p) => fly(p, `back:${p}`),
    flyToObject: (r: ObjectRef) => fly(`${r.layer}#${r.index}`, `fly:${r.layer}#${r.index}`),
    flyToView: (v: CameraView) => fly(`view:${v.id}`, `tour:${v.id}`),
    cancel() {
      if (!pending) return;
      clearTimeout(pending.t);
      log.push("cancel");
      const p = pending;
      pending = null;
      p.resolve();
    },
  };
  return { cam, pose: () => pose };
}

let seq = 0;
const alarm = (objectIndex: number, extra: Partial<Alarm> = {}): Alarm => ({
  id: `A${++seq}`,
  layer: "sites",
  objectId: `S${objectIndex}`,
  objectIndex,
  kind: "site-down",
  severity: "critical",
  raisedAt: Date.now(),
  text_zh: "x",
  text_en: "x",
  ...extra,
});
const view = (id: string, dwellS = 10): CameraView => ({
  id,
  name_zh: id,
  name_en: id,
  lon: 119.3,
  lat: 26,
  range: 5000,
  heading: 0,
  pitch: -45,
  dwellS,
});

describe("camera director", () => {
  let log: string[];
  let selection: string | null;
  let inactive: Set<string>;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
    log = [];
    selection = "prev";
    inactive = new Set();
  });
  afterEach(() => vi.useRealTimers());

  const make = (opts = {}) => {
    const cam = fakeCamera(log);
    const d = createDirector(
      {
        camera: cam.cam,
        getSelection: () => selection,
        setSelection: (s) => (selection = s),
        selectObject: (r) => (selection = `${r.layer}#${r.index}`),
        stillActive: (id) => !inactive.has(id),
      },
      { dwellMs: 12_000, idleMs: 60_000, maxQueue: 2, manualHoldMs: 20_000, tour: [view("a"), view("b")], ...opts },
    );
    return { d, cam };
  };

  it("flies to a critical alarm, selects it, dwells 12 s, then returns and restores the selection", async () => {
    const { d, cam } = make();
    expect(d.offer(alarm(7))).toBe("queued");
    expect(d.offer(alarm(8, { severity: "major" }))).toBe("ignored");
    await vi.advanceTimersByTimeAsync(2000); // flight
    expect(cam.pose()).toBe("sites#7");
    expect(selection).toBe("sites#7");
    expect(d.state().activity).toBe("alarm");
    await vi.advanceTimersByTimeAsync(11_900);
    expect(log).toEqual(["fly:sites#7"]); // still dwelling
    await vi.advanceTimersByTimeAsync(100 + 2000);
    expect(log).toEqual(["fly:sites#7", "back:home"]);
    expect(cam.pose()).toBe("home");
    expect(selection).toBe("prev");
    expect(d.state().activity).toBe("idle");
    d.destroy();
  });

  it("merges duplicates (same object + kind within the dwell), knows an alarm seen twice, and bounds the queue", async () => {
    const { d } = make();
    const a = alarm(1);
    d.offer(a);
    expect(d.offer(a)).toBe("known"); // the same alarm by its raise event and by the alarm list: not a repeat
    expect(d.state().current?.count).toBe(1);
    expect(d.offer(alarm(1))).toBe("merged"); // same object + kind, new id, within dwell
    d.offer(alarm(2));
    d.offer(alarm(3));
    d.offer(alarm(4)); // queue max 2: alarm 2 dropped
    expect(d.state()).toMatchObject({ queued: 2, dropped: 1, merged: 1 });
    expect(d.state().current?.count).toBe(2);
    await vi.advanceTimersByTimeAsync(2000 + 12_000 + 2000 + 12_000 + 2000 + 12_000 + 2000);
    expect(log).toEqual(["fly:sites#1", "fly:sites#3", "fly:sites#4", "back:home"]);
    d.destroy();
  });

  it("skips an alarm cleared before its turn and ends the dwell when the current one is acknowledged", async () => {
    const { d } = make();
    const a = alarm(1);
    const b = alarm(2);
    const c = alarm(3);
    d.offer(a);
    d.offer(b);
    d.offer(c);
    inactive.add(b.id);
    await vi.advanceTimersByTimeAsync(2000 + 12_000 + 2000); // a shown, c flown to
    expect(log).toEqual(["fly:sites#1", "fly:sites#3"]);
    inactive.add(c.id);
    d.alarmsChanged();
    await vi.advanceTimersByTimeAsync(2000);
    expect(log).toEqual(["fly:sites#1", "fly:sites#3", "back:home"]);
    d.destroy();
  });

  it("tours after the idle time, stops on input, and is pre-empted by an alarm then resumes", async () => {
    const { d, cam } = make();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(d.state().tourInMs).toBe(1000);
    await vi.advanceTimersByTimeAsync(1000 + 2000);
    expect(d.state().activity).toBe("tour");
    expect(cam.pose()).toBe("view:a");
    await vi.advanceTimersByTimeAsync(10_000 + 2000);
    expect(cam.pose()).toBe("view:b");
    // an alarm pre-empts the tour; afterwards the camera returns to the tour view and the tour goes on
    d.offer(alarm(5));
    await vi.advanceTimersByTimeAsync(2000 + 12_000 + 2000);
    expect(cam.pose()).toBe("view:b");
    expect(d.state().activity).toBe("tour");
    await vi.advanceTimersByTimeAsync(2000 + 10_000 + 2000);
    expect(log.filter((l) => !l.startsWith("cancel"))).toEqual([
      "tour:a",
      "tour:b",
      "fly:sites#5",
      "back:view:b",
      "tour:b",
      "tour:a",
    ]);
    // input stops it
    d.input("other");
    expect(d.state().activity).toBe("idle");
    const n = log.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(log.length).toBe(n);
    d.destroy();
  });

  it("holds alarm flights while the operator moves the camera, and does not fly back afterwards", async () => {
    const { d, cam } = make();
    d.input("camera");
    d.offer(alarm(9));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log).toEqual([]);
    expect(d.state().queued).toBe(1);
    await vi.advanceTimersByTimeAsync(11_000 + 2000); // hold over: the tick starts it
    expect(cam.pose()).toBe("sites#9");
    d.input("camera"); // operator takes over during the dwell
    await vi.advanceTimersByTimeAsync(30_000);
    expect(log).toEqual(["fly:sites#9"]);
    d.destroy();
  });
});
