import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeFixture } from "../testing/fixture";
import { connectLive } from "../live/client";
import { createGateway, type Gateway } from "./gateway";
import { BackpressureGuard, DEFAULT_SOCKET_LIMITS, sendSnapshot } from "./socket";

const data = makeFixture({ sites: 20000, datacentres: 4, chargers: 20, roads: 2, sensorsPerRoad: 5 });
const ids = { sites: data.sites.map((s) => s.id) };

describe("slow client", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await createGateway({
      data,
      simSpeed: 60,
      simReportMs: 300,
      log: () => {},
      limits: { backlogHigh: 20, backlogLow: 2 },
    });
  });
  afterAll(async () => gw.close());

  it("is cut off from deltas while it cannot keep up, then resyncs from a snapshot and ends equal", async () => {
    const c = connectLive({
      url: gw.url,
      layers: ["sites"],
      ids,
      schedule: (cb) => void setTimeout(cb, 5),
      transports: ["websocket"],
    });
    await c.ready;
    // stop reading from the TCP socket: the gateway's send queue for this client grows
    const tcp = (c.socket.io.engine as unknown as { transport: { ws: { _socket: { pause(): void; resume(): void } } } })
      .transport.ws._socket;
    tcp.pause();
    const t0 = Date.now();
    while (gw.guard.lagged < 1 && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 100));
    expect(gw.guard.lagged).toBe(1);
    const s = [...gw.io.of("/").sockets.values()][0];
    expect(s.data.lagging).toEqual(["sites"]); // no longer in the room: its backlog stops growing
    expect(s.rooms.has("L:sites")).toBe(false);
    const snapsBefore = c.store.getState().stats.snapshots;
    tcp.resume();
    const t1 = Date.now();
    while (c.model.stats.snapshots <= snapsBefore && Date.now() - t1 < 20000)
      await new Promise((r) => setTimeout(r, 100));
    expect(c.model.stats.snapshots).toBeGreaterThan(snapsBefore);
    expect(s.rooms.has("L:sites")).toBe(true);
    gw.state.paused = true; // freeze (in-process shortcut for POST /api/sim/pause)
    let ok = false;
    for (let k = 0; k < 100 && !ok; k++) {
      ok = c.digest() === gw.state.digest(["sites"]).digest;
      if (!ok) await new Promise((r) => setTimeout(r, 50));
    }
    expect(ok).toBe(true);
    c.close();
  }, 60000);
});

describe("slow-client guard and snapshots", () => {
  it("leaves a socket alone while its own snapshot drains (300k objects: 2 s + 15 s grace), then judges it again", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const sock = {
        data: {} as Record<string, unknown>,
        rooms: new Set(["L:sites"]),
        conn: { writeBuffer: new Array(500) },
        emit() {},
        leave() {},
        join() {},
        disconnect() {},
      };
      sendSnapshot(sock as never, { count: 300_000 });
      const io = { of: () => ({ sockets: new Map([["a", sock]]) }) };
      const guard = new BackpressureGuard(io as never, {} as never, {} as never, {
        ...DEFAULT_SOCKET_LIMITS,
        backlogHigh: 300,
      });
      guard.check();
      expect(sock.data.lagging).toBeUndefined(); // 500 packets queued, but we just sent it a snapshot
      vi.setSystemTime(Date.now() + 16_500);
      guard.check();
      expect(sock.data.lagging).toBeUndefined();
      vi.setSystemTime(Date.now() + 1_000); // past 17 s: a queue still this long is lag
      guard.check();
      expect(sock.data.lagging).toEqual(["sites"]);
    } finally {
      vi.useRealTimers();
    }
  });
});
