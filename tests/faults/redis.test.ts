/**
 * Redis stopped and restarted under two gateway processes (REDIS_URL scale-out): a real redis-server, run twice:
 * with its append-only file on (the production setting: streams, checkpoint and epoch survive the restart) and
 * with persistence off (Redis comes back empty: no stream, no checkpoint, no leader lock),
 * gateway A (leader: simulator + broadcast) and gateway B, the client on B. Redis is stopped (SIGTERM) for 4 s:
 * while it is away, ingest answers an error (the feed must retry — nothing is silently dropped) and the
 * gateways keep serving health; after Redis is back, leadership is re-established, the stream goes on, alarms
 * raised after the outage reach the client on B, and A, B and the client agree on the digest and alarm list.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveConnection } from "../../src/live/client";
import type { LayerId } from "../../src/protocol/data";
import {
  freePort,
  freezeAndCompare,
  gatewayDigest,
  getJson,
  hasRedis,
  injectAlarms,
  liveClient,
  post,
  INGEST,
  resume,
  sleep,
  startGateway,
  startRedis,
  requireRedisInCi,
  until,
  type GatewayProc,
  type RedisProc,
} from "./harness";

requireRedisInCi("faults/redis.test");

const LAYERS: LayerId[] = ["sites", "chargers"];
interface Health {
  ok: boolean;
  leader: boolean;
  sim: { running: boolean };
}

describe.skipIf(!hasRedis).each([
  ["with persistence (AOF)", true],
  ["without persistence (comes back empty)", false],
])("Redis stopped and restarted under two gateways, %s", (_label, persist) => {
  let redis: RedisProc;
  const dir = mkdtempSync(join(tmpdir(), "rt-redis-"));
  let a: GatewayProc;
  let b: GatewayProc;
  let c: LiveConnection;
  let rport = 0;

  beforeAll(async () => {
    rport = await freePort();
    redis = await startRedis(rport, dir, persist);
    const env = { REDIS_URL: redis.url, SIM_REPORT_MS: "500" };
    a = await startGateway(await freePort(), env);
    await until(async () => (await getJson<Health>(`${a.url}/api/health`)).leader, 10_000, "A to lead");
    b = await startGateway(await freePort(), env);
    c = liveClient(b.url, LAYERS, { offlineAfterMs: 60_000 });
    await c.ready;
  }, 120_000);
  afterAll(async () => {
    c?.close();
    await Promise.all([a?.kill(), b?.kill()]);
    await redis?.stop("SIGKILL");
  });

  it("the gateways ride out the outage; afterwards the stream, alarms and digests agree again", async () => {
    const before = await injectAlarms(a.url, "pre-redis", 2);
    await until(
      () => before.every((k) => c.store.getState().alarms.some((x) => x.kind === k)),
      10_000,
      "pre-outage alarms on B's client",
    );
    await redis.stop("SIGTERM");
    await sleep(500);
    // during the outage: the gateways keep answering; ingest refuses loudly instead of pretending
    const h = await getJson<Health>(`${b.url}/api/health`);
    expect(h.ok).toBe(true);
    const r = await post(`${a.url}/api/ingest`, INGEST, {
      records: [
        {
          layer: "chargers",
          id: "EV-1",
          ts: Date.now(),
          alarm: { kind: "lost-in-outage", severity: "minor", text: "x" },
        },
      ],
    });
    expect(r.status).toBeGreaterThanOrEqual(500);
    await sleep(3500);
    redis = await startRedis(rport, dir, persist);
    // one leader again, running the simulator
    await until(
      async () => {
        const [ha, hb] = [await getJson<Health>(`${a.url}/api/health`), await getJson<Health>(`${b.url}/api/health`)];
        return ha.leader !== hb.leader && (ha.leader ? ha : hb).sim.running;
      },
      20_000,
      "exactly one leader running the simulator after the restart",
    );
    const seq = c.store.getState().layers.sites!.seq;
    await until(() => c.store.getState().layers.sites!.seq > seq + 5, 20_000, "deltas on B's client after the outage");
    const after = await injectAlarms(b.url, "post-redis", 3);
    await until(
      () => after.every((k) => c.store.getState().alarms.some((x) => x.kind === k)),
      10_000,
      "post-outage alarms on B's client",
    );
    const leader = (await getJson<Health>(`${a.url}/api/health`)).leader ? a : b;
    const { digest } = await freezeAndCompare(c, b.url, LAYERS, 30_000);
    await until(async () => (await gatewayDigest(a.url, LAYERS)) === digest, 10_000, "A to equal B");
    const kinds = new Set(c.store.getState().alarms.map((x) => x.kind));
    for (const k of [...before, ...after]) expect(kinds.has(k)).toBe(true);
    expect(kinds.has("lost-in-outage")).toBe(false); // refused, so not half-applied anywhere
    console.log(
      `[faults/redis] after restart: leader ${leader === a ? "A" : "B"}, digest ${digest}, client stats ${JSON.stringify(c.store.getState().stats)}`,
    );
    await resume(leader.url);
  }, 120_000);
});
