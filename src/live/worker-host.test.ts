/** LiveWorkerHost's alarm forwarding: order kept, the first alarm at once, a storm batched. */
import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type Alarm, type AlarmEvent } from "../protocol/live";
import { createLiveModel } from "../state/live-store";
import type { DirectLiveConnection } from "./client";
import { LiveWorkerHost } from "./worker-host";
import type { FromLiveWorker } from "./worker-protocol";

const alarm = (i: number): Alarm => ({
  id: `A${i}`,
  layer: "sites",
  objectId: `S${i}`,
  objectIndex: i,
  kind: "site-down",
  severity: "critical",
  raisedAt: 1_700_000_000_000 + i,
  text_zh: "退服",
  text_en: "down",
});

function hostWithFakeSocket() {
  const posted: { at: number; m: FromLiveWorker }[] = [];
  const socketHandlers = new Map<string, (raw: unknown) => void>();
  let onAlarm: ((e: AlarmEvent) => void) | null = null;
  const model = createLiveModel();
  const fake = {
    store: model.store,
    model,
    socket: { on: (ev: string, h: (raw: unknown) => void) => socketHandlers.set(ev, h) },
    onAlarm: (cb: (e: AlarmEvent) => void) => ((onAlarm = cb), () => {}),
    close() {},
  } as unknown as DirectLiveConnection;
  const host = new LiveWorkerHost(
    (m) => posted.push({ at: performance.now(), m }),
    () => fake,
  );
  host.handle({ t: "init", url: "http://x", layers: [], ids: {} });
  return {
    posted,
    list: (a: Alarm[]) => socketHandlers.get("alarms")!({ v: PROTOCOL_VERSION, epoch: "e1", alarms: a }),
    event: (e: AlarmEvent) => onAlarm!(e),
  };
}

describe("LiveWorkerHost alarm forwarding", () => {
  it("sends the first alarm at once and batches the rest of a storm, in arrival order", async () => {
    const h = hostWithFakeSocket();
    const t0 = performance.now();
    h.list([alarm(0)]);
    for (let i = 1; i <= 5; i++) h.event({ v: PROTOCOL_VERSION, op: "raise", alarm: alarm(i) });
    await new Promise((r) => setTimeout(r, 250));
    const batches = h.posted
      .filter((p) => p.m.t === "alarm")
      .map((p) => ({ dt: p.at - t0, m: p.m as Extract<FromLiveWorker, { t: "alarm" }> }));
    // everything queued in one task goes in the first (immediate) batch
    expect(batches).toHaveLength(1);
    expect(batches[0].dt).toBeLessThan(50);
    expect(batches[0].m.items.map((x) => ("list" in x ? "list" : x.event.alarm.id))).toEqual([
      "list",
      "A1",
      "A2",
      "A3",
      "A4",
      "A5",
    ]);
    // a storm arriving message by message: the first after the quiet spell at once, then one batch per 100 ms
    const t1 = performance.now();
    for (let i = 6; i <= 15; i++) {
      h.event({ v: PROTOCOL_VERSION, op: "raise", alarm: alarm(i) });
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 250));
    const storm = h.posted
      .filter((p) => p.m.t === "alarm" && p.at > t1)
      .map((p) => p.m as Extract<FromLiveWorker, { t: "alarm" }>);
    expect(storm.length).toBeGreaterThanOrEqual(2);
    expect(storm.length).toBeLessThanOrEqual(4); // ~150 ms of events: not ten messages
    expect(storm.flatMap((m) => m.items.map((x) => ("event" in x ? x.event.alarm.id : "list")))).toEqual(
      Array.from({ length: 10 }, (_, k) => `A${k + 6}`),
    );
  });
});
