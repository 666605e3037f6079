// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLiveModel } from "../../state/live-store";
import { mountAlarmBoard } from "./alarm-board";
import { testAlarm } from "../../testing/alarms";

const alarm = testAlarm;

describe("wall alarm board", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const mount = (limit?: number) => {
    const model = createLiveModel();
    const host = document.createElement("div");
    document.body.append(host);
    const chosen: string[] = [];
    const acked: string[] = [];
    const board = mountAlarmBoard(host, {
      store: model.store,
      nameOf: (a) => `name ${a.objectId}`,
      ack: (a) => acked.push(a.id),
      choose: (a) => chosen.push(a.id),
      following: () => "B",
      limit,
    });
    const ids = () => [...host.querySelectorAll<HTMLElement>("[data-alarm-id]")].map((r) => r.dataset.alarmId);
    return { model, host, board, chosen, acked, ids };
  };

  it("lists active alarms (following marked, acked dimmed, ack button for operators), renders at most once a second", () => {
    const { model, host, board, chosen, acked, ids } = mount();
    expect(host.querySelector(".alarm-empty")).not.toBeNull();
    model.applyAlarmList([alarm("A"), alarm("B", { ackedAt: Date.now() }), alarm("C", { clearedAt: Date.now() })]);
    model.store.setState({ server: { serverId: "s", epoch: "e", role: "operator", simSpeed: 1 } });
    model.commit();
    expect(ids()).toEqual([]); // within the second after the first render: not yet
    vi.advanceTimersByTime(1000);
    expect(ids()).toEqual(["A", "B"]);
    const [a, b] = host.querySelectorAll<HTMLElement>("[data-alarm-id]");
    expect(b.classList.contains("following")).toBe(true);
    expect(b.dataset.acked).toBe("true");
    expect(b.querySelector('[data-testid="cmd-ack"]')).toBeNull();
    expect(a.querySelector(".alarm-obj")!.textContent).toBe("name S-A");
    a.querySelector<HTMLElement>('[data-testid="cmd-ack"]')!.click();
    expect(acked).toEqual(["A"]);
    expect(chosen).toEqual([]); // the ack button does not choose the row
    b.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    expect(chosen).toEqual(["B"]);
    board.destroy();
  });

  it("shows at most `limit` rows and counts the rest", () => {
    const { model, host, board, ids } = mount(2);
    model.applyAlarmList([alarm("A"), alarm("B"), alarm("C")]);
    model.commit();
    vi.advanceTimersByTime(1000);
    expect(ids()).toHaveLength(2);
    expect(host.querySelector(".alarm-more")!.textContent).toBe("+1");
    board.destroy();
  });

  it("destroy removes the panel, stops the paging and a pending render, and stops following the store", () => {
    const before = vi.getTimerCount();
    const { model, host, board } = mount();
    model.applyAlarmList([alarm("A")]);
    model.commit();
    expect(vi.getTimerCount()).toBe(before + 2); // the paging interval and the pending render
    board.destroy();
    expect(vi.getTimerCount()).toBe(before);
    expect(host.children).toHaveLength(0);
    model.applyAlarmList([alarm("B")]);
    model.commit();
    expect(vi.getTimerCount()).toBe(before);
  });
});
