import { describe, expect, it } from "vitest";
import type { Alarm, AlarmEvent } from "../../protocol/live";
import { createLiveModel } from "../../state/live-store";
import type { Director, DirectorState } from "./director";
import { AlarmNews } from "./director-inputs";
import { testAlarm } from "../../testing/alarms";

const alarm = testAlarm;

/** a director that records what it is told */
function recordingDirector() {
  const offered: string[] = [];
  let changes = 0;
  const director: Director = {
    offer: (a) => (offered.push(a.id), "queued"),
    input: () => {},
    alarmsChanged: () => void changes++,
    state: () => ({}) as DirectorState,
    subscribe: () => () => {},
    destroy: () => {},
  };
  return { director, offered, changes: () => changes };
}

/** a live store and an alarm-event source, as the live connection has them */
function conn() {
  const model = createLiveModel();
  const cbs = new Set<(e: AlarmEvent) => void>();
  return {
    model,
    store: model.store,
    onAlarm: (cb: (e: AlarmEvent) => void) => (cbs.add(cb), () => cbs.delete(cb)),
    raise: (a: Alarm) => cbs.forEach((cb) => cb({ op: "raise", alarm: a } as AlarmEvent)),
    listeners: () => cbs.size,
  };
}

describe("alarm news for the wall's director", () => {
  it("offers raise events and alarms new to the list, not the list the page opened with, nor cleared or acked ones", () => {
    const c = conn();
    c.model.applyAlarmList([alarm("old")]);
    c.model.commit();
    const d = recordingDirector();
    const news = new AlarmNews(c, d.director);

    c.raise(alarm("raised"));
    c.model.applyAlarmList([
      alarm("old"),
      alarm("missed"),
      alarm("acked", { ackedAt: 1 }),
      alarm("gone", { clearedAt: 1 }),
    ]);
    c.model.commit();
    expect(d.offered).toEqual(["raised", "missed"]);
    expect(d.changes()).toBe(1);

    // only ids absent from the list as last seen are news: one that leaves and comes back is offered again
    c.model.applyAlarmList([alarm("old")]);
    c.model.commit();
    c.model.applyAlarmList([alarm("old"), alarm("missed")]);
    c.model.commit();
    expect(d.offered).toEqual(["raised", "missed", "missed"]);
    news.destroy();
  });

  it("stops listening on destroy", () => {
    const c = conn();
    const d = recordingDirector();
    const news = new AlarmNews(c, d.director);
    expect(c.listeners()).toBe(1);
    news.destroy();
    expect(c.listeners()).toBe(0);
    c.raise(alarm("late"));
    c.model.applyAlarmList([alarm("late2")]);
    c.model.commit();
    expect(d.offered).toEqual([]);
    expect(d.changes()).toBe(0);
  });
});
