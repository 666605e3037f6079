import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeFixture } from "../../tests/integration/fixture";
import { connectLive } from "../live/client";
import { createGateway, type Gateway } from "./gateway";

const data = makeFixture({ sites: 20000, datacentres: 4, chargers: 20, roads: 2, sensorsPerRoad: 5 });
const ids = { sites: data.sites.map((s) => s.id) };

describe("slow client", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await createGateway({ data, simSpeed: 60, simReportMs: 300, log: () => {}, limits: { backlogHigh: 20, backlogLow: 2 } });
  });
  afterAll(async () => gw.close());

  it("is cut off from deltas while it cannot keep up, then resyncs from a snapshot and ends equal", async () => {
    const c = connectLive({ url: gw.url, layers: ["sites"], ids, schedule: (cb) => void setTimeout(cb, 5), transports: ["websocket"] });
    await c.ready;
    // stop reading from the TCP socket: the gateway's send queue for this client grows
    const tcp = (c.socket.io.engine as unknown as { transport: { ws: { _socket: { pause(): void; resume(): void } } } }).transport.ws._socket;
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
    while (c.model.stats.snapshots <= snapsBefore && Date.now() - t1 < 20000) await new Promise((r) => setTimeout(r, 100));
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
