/**
 * A slow client that cannot keep up: the client reaches an in-process gateway (so its per-socket
 * send queue can be inspected) through the loopback fault proxy, which stops reading from the gateway ("stall").
 * The gateway's BackpressureGuard must take the socket out of its layer rooms AND the alarm room, so nothing
 * more queues for it while it lags (bounded memory), then — once it drains — send a fresh snapshot per layer
 * and the full alarm list; a client stuck longer than laggingMaxMs is disconnected (its queue freed) and starts
 * from snapshots when it comes back. After each case: client digest == gateway digest, no alarm missing.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "socket.io";
import { makeFixture } from "../integration/fixture";
import { connectLive, type LiveConnection } from "../../src/live/client";
import { createGateway, type Gateway } from "../../src/server/gateway";
import { backlogOf, type SocketLimits } from "../../src/server/socket";
import { FaultProxy, sleep, until } from "./harness";

const data = makeFixture({ sites: 20000, datacentres: 4, chargers: 30, roads: 2, sensorsPerRoad: 5 }, 3);
const ids = { sites: data.sites.map((s) => s.id), chargers: data.chargers.map((s) => s.id) };

/** bytes + packets queued on the gateway for this socket (engine.io write buffer + ws bufferedAmount) */
function queued(s: Socket): { packets: number; bytes: number } {
  const conn = s.conn as unknown as { writeBuffer?: unknown[]; transport?: { socket?: { bufferedAmount?: number } } };
  return { packets: conn.writeBuffer?.length ?? 0, bytes: conn.transport?.socket?.bufferedAmount ?? 0 };
}

async function ingestAlarms(gw: Gateway, tag: string, n: number): Promise<string[]> {
  const kinds = Array.from({ length: n }, (_, k) => `slow-${tag}-${k}`);
  const r = await fetch(`${gw.url}/api/ingest`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer dev-ingest-token" },
    body: JSON.stringify({
      records: kinds.map((kind, k) => ({
        layer: "chargers",
        id: ids.chargers[k % ids.chargers.length],
        ts: Date.now(),
        alarm: { kind, severity: "major", text: `慢客户端告警 ${k} <b>x</b>` },
      })),
    }),
  });
  expect(r.status).toBe(200);
  return kinds;
}

async function compare(gw: Gateway, c: LiveConnection): Promise<void> {
  expect(
    (
      await fetch(`${gw.url}/api/sim/pause`, {
        method: "POST",
        headers: { authorization: "Bearer dev-operator-token" },
      })
    ).status,
  ).toBe(200);
  await until(
    () => {
      const mine = new Map(c.store.getState().alarms.map((a) => [a.id, a]));
      const missing = gw.state.alarms
        .list()
        .filter((a) => mine.get(a.id)?.clearedAt !== a.clearedAt || !mine.has(a.id));
      return c.digest() === gw.state.digest(["sites", "chargers"]).digest && missing.length === 0;
    },
    20_000,
    "client digest and alarm list to equal the gateway's",
  );
}

describe("slow client", () => {
  let gw: Gateway | undefined;
  let proxy: FaultProxy | undefined;
  let c: LiveConnection | undefined;
  afterEach(async () => {
    c?.close();
    await proxy?.close();
    await gw?.close();
  });

  async function setup(limits: Partial<SocketLimits>) {
    gw = await createGateway({
      data,
      source: "both",
      simSpeed: 60,
      simSeed: 9,
      simReportMs: 300,
      log: () => {},
      limits: { backlogHigh: 20, backlogLow: 2, ...limits },
    });
    proxy = new FaultProxy(gw.port);
    await proxy.start();
    c = connectLive({
      url: proxy.url,
      layers: ["sites", "chargers"],
      ids,
      schedule: (cb) => void setTimeout(cb, 5),
      transports: ["websocket"],
      offlineAfterMs: 60_000,
    });
    await c.ready;
    return { gw, proxy, c };
  }

  it("while lagging nothing more queues for it (deltas or alarms); once drained it gets snapshots + alarm list and ends equal", async () => {
    const { gw, proxy, c } = await setup({ laggingMaxMs: 120_000 });
    const snaps0 = c.model.stats.snapshots;
    proxy.stall();
    await until(() => gw.guard.lagged >= 1, 30_000, "the guard to notice the lagging client");
    const s = [...gw.io.of("/").sockets.values()][0];
    expect(s.data.lagging).toEqual(["sites", "chargers"]);
    expect(s.rooms.has("L:sites") || s.rooms.has("alarms")).toBe(false);
    await sleep(300);
    const q1 = queued(s);
    // the stream goes on (x60, 20,000 sites ~ 3 MB/s of deltas) and 300 alarms are raised while it lags
    const kinds = [...(await ingestAlarms(gw, "a", 150)), ...(await ingestAlarms(gw, "b", 150))];
    await sleep(4000);
    const q2 = queued(s);
    console.log(
      `[slow-client] queued while lagging: ${q1.packets} packets / ${q1.bytes} B -> after 4 s and 300 alarms: ${q2.packets} packets / ${q2.bytes} B; backlog ${backlogOf(s)}`,
    );
    expect(q2.packets).toBeLessThanOrEqual(q1.packets);
    expect(q2.bytes).toBeLessThanOrEqual(q1.bytes); // nothing added: bounded
    proxy.unstall();
    await until(
      () => c.model.stats.snapshots >= snaps0 + 2 && s.rooms.has("L:sites") && s.rooms.has("alarms"),
      30_000,
      "snapshots after draining",
    );
    await compare(gw, c);
    const have = new Set(c.store.getState().alarms.map((a) => a.kind));
    expect(kinds.filter((k) => !have.has(k))).toEqual([]);
  }, 90_000);

  it("a client stuck longer than laggingMaxMs is disconnected; when its network recovers it starts from snapshots and ends equal", async () => {
    const { gw, proxy, c } = await setup({ laggingMaxMs: 2000 });
    proxy.stall();
    await until(() => gw.guard.lagged >= 1, 30_000, "lagging");
    await until(() => gw.guard.dropped >= 1, 10_000, "the stuck client to be dropped");
    expect(gw.io.of("/").sockets.size).toBe(0); // its queue is gone with it
    const kinds = await ingestAlarms(gw, "c", 20); // raised while it is away
    const resub0 = c.model.stats.resubscribed;
    proxy.unstall();
    await until(
      () => c.model.stats.resubscribed > resub0 && c.store.getState().connection.state === "connected",
      30_000,
      "reconnect + re-subscribe",
    );
    await compare(gw, c);
    const have = new Set(c.store.getState().alarms.map((a) => a.kind));
    expect(kinds.filter((k) => !have.has(k))).toEqual([]);
  }, 90_000);
});
