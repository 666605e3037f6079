/**
 * Scale-out through Redis: a real redis-server, two gateway PROCESSES sharing it, a client on gateway B that
 * receives what gateway A (the leader running the simulator) produces, digest agreement across gateways, and
 * recovery after B is killed and restarted.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLive, type LiveConnection } from "../../src/live/client";
import { DEV_TOKENS } from "../../src/server/config";
import { makeFixture, writeFixture } from "../../src/testing/fixture";
import {
  freePort,
  hasRedis,
  requireRedisInCi,
  sleep,
  startGateway as spawnGateway,
  startRedis,
  until,
  type Gateway,
  type RedisProc,
} from "../../src/testing";

requireRedisInCi("redis.test");

interface Health {
  leader: boolean;
  serverId: string;
  layers: Record<string, { seq: number }>;
}
const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;

describe.skipIf(!hasRedis)("redis scale-out (two gateway processes)", () => {
  const data = makeFixture({ sites: 400, datacentres: 6, chargers: 40, roads: 3, sensorsPerRoad: 8 });
  const ids = {
    sites: data.sites.map((s) => s.id),
    datacentres: data.datacentres.map((s) => s.id),
    chargers: data.chargers.map((s) => s.id),
    sensors: data.sensors.map((s) => s.id),
  };
  const dataDir = writeFixture(data);
  let redis: RedisProc | undefined;
  const gws: Record<string, Gateway> = {};
  let client: LiveConnection | undefined;

  async function startGateway(name: string, port: number): Promise<void> {
    gws[name] = await spawnGateway({
      port,
      readyTimeoutMs: 90_000,
      env: {
        REDIS_URL: redis!.url,
        DATA_DIR: dataDir,
        STATIC_DIR: "",
        SIM_SPEED: "120",
        SIM_SEED: "77",
        SIM_REPORT_MS: "400",
        LIVE_SOURCE: "both",
        NODE_ENV: "test",
        RONGTWIN_TOKENS: JSON.stringify(DEV_TOKENS),
      },
    });
  }
  const url = (name: string) => `http://127.0.0.1:${gws[name].port}`;
  const digest = async (name: string) =>
    (await getJson<{ digest: string }>(`${url(name)}/api/digest?layers=sites,chargers`)).digest;

  beforeAll(async () => {
    redis = await startRedis(await freePort(), mkdtempSync(join(tmpdir(), "rt-redis-it-")), false);
    const [pa, pb] = [await freePort(), await freePort()];
    await startGateway("A", pa);
    await until(async () => (await getJson<Health>(`${url("A")}/api/health`)).leader, 10000, "A to lead");
    await startGateway("B", pb);
  }, 90000);

  afterAll(async () => {
    client?.close();
    await Promise.all(Object.values(gws).map((g) => g.stop("SIGKILL")));
    await redis?.stop("SIGKILL");
  });

  it("one leader; a client on B receives updates produced on A; digests agree on both gateways", async () => {
    const ha = await getJson<Health>(`${url("A")}/api/health`);
    const hb = await getJson<Health>(`${url("B")}/api/health`);
    expect(ha.leader).toBe(true);
    expect(hb.leader).toBe(false);
    client = connectLive({
      url: url("B"),
      layers: ["sites", "chargers"],
      ids,
      schedule: (cb) => void setTimeout(cb, 5),
      offlineAfterMs: 60000,
    });
    await client.ready;
    const seq0 = client.store.getState().layers.sites!.seq;
    await until(() => client!.store.getState().layers.sites!.seq > seq0 + 5, 10000, "simulator deltas on B's client");
    // an ingest record posted to A reaches the client on B
    const r = await fetch(`${url("A")}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer dev-ingest-token" },
      body: JSON.stringify({
        records: [
          {
            layer: "chargers",
            id: ids.chargers[5],
            ts: Date.now(),
            alarm: { kind: "injected", severity: "critical", text: "注入告警" },
          },
        ],
      }),
    });
    expect(r.status).toBe(200);
    await until(
      () => client!.store.getState().alarms.some((a) => a.kind === "injected" && a.objectId === ids.chargers[5]),
      5000,
      "alarm via A on B",
    );
    // freeze and compare: A, B and the client agree
    expect(
      (
        await fetch(`${url("B")}/api/sim/pause`, {
          method: "POST",
          headers: { authorization: "Bearer dev-operator-token" },
        })
      ).status,
    ).toBe(200);
    const final = await until(
      async () => {
        const [a, b] = [await digest("A"), await digest("B")];
        return a === b && b === client!.digest() ? a : undefined;
      },
      10000,
      "A, B and client digests to agree",
    );
    expect(final).toMatch(/^sites@\d+:[0-9a-f]{8} chargers@\d+:[0-9a-f]{8}$/);
    await fetch(`${url("A")}/api/sim/resume`, {
      method: "POST",
      headers: { authorization: "Bearer dev-operator-token" },
    });
  });

  it("the client recovers after its gateway B is killed and restarted", async () => {
    const c = client!;
    await gws.B.stop("SIGKILL");
    await until(() => c.store.getState().connection.state === "reconnecting", 5000, "reconnecting");
    await sleep(1500); // the stream moves on while B is down
    await startGateway("B", gws.B.port);
    await until(() => c.store.getState().connection.state === "connected", 20000, "reconnected");
    const st = c.store.getState().stats;
    console.log(
      `[redis.test] after B restart: recovered by socket.io ${st.recovered}, re-subscribed ${st.resubscribed}, snapshots ${st.snapshots}, gaps ${st.gaps}`,
    );
    expect(st.recovered + st.resubscribed).toBe(1);
    const seq1 = c.store.getState().layers.sites!.seq;
    await until(() => c.store.getState().layers.sites!.seq > seq1 + 3, 10000, "deltas after restart");
    await fetch(`${url("A")}/api/sim/pause`, {
      method: "POST",
      headers: { authorization: "Bearer dev-operator-token" },
    });
    await until(
      async () => {
        const [a, b] = [await digest("A"), await digest("B")];
        return a === b && b === c.digest();
      },
      10000,
      "digests to agree after restart",
    );
    expect(c.store.getState().alarms.some((a) => a.kind === "injected")).toBe(true);
    await fetch(`${url("A")}/api/sim/resume`, {
      method: "POST",
      headers: { authorization: "Bearer dev-operator-token" },
    });
  });

  it("when the leader A dies, B takes over the simulator and the stream goes on", async () => {
    const c = client!;
    const simA = (await getJson<{ sim: { simTime: number } }>(`${url("A")}/api/health`)).sim.simTime;
    gws.A.proc.kill("SIGKILL");
    await until(
      async () => (await getJson<Health>(`${url("B")}/api/health`)).leader,
      10000,
      "B to take the leader lock",
    );
    const hb = await getJson<{ sim: { running: boolean; simTime: number } }>(`${url("B")}/api/health`);
    expect(hb.sim.running).toBe(true);
    expect(hb.sim.simTime).toBeGreaterThanOrEqual(simA); // the simulated clock continues, it does not restart
    const seq = c.store.getState().layers.sites!.seq;
    await until(() => c.store.getState().layers.sites!.seq > seq + 3, 10000, "deltas from the new leader");
    await fetch(`${url("B")}/api/sim/pause`, {
      method: "POST",
      headers: { authorization: "Bearer dev-operator-token" },
    });
    await until(async () => (await digest("B")) === c.digest(), 10000, "client equal to B");
    // alarms raised by A's simulator were cleared by B's (no orphan alarms that can never clear)
    const active = (
      await getJson<{ alarms: { id: string; clearedAt?: number }[] }>(`${url("B")}/api/alarms`)
    ).alarms.filter((a) => a.clearedAt === undefined);
    const prefixes = new Set(
      active.filter((a) => a.id.startsWith("S")).map((a) => a.id.split("-").slice(0, 2).join("-")),
    );
    expect(prefixes.size).toBeLessThanOrEqual(1);
  });
});
