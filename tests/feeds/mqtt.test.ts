/**
 * MQTT bridge against a real Mosquitto (127.0.0.1:1883, or MQTT_TEST_URL): persistent-session delivery across a
 * gateway restart, the malformed-payload table (same reasons as POST /api/ingest), a sustained message rate
 * reaching a client's digest, and a broker that goes away and comes back (a private mosquitto on a free port).
 * Every run uses its own topic prefix and client ids, so parallel runs on one broker do not meet.
 * MQTT_RATE_S sets how long the rate test publishes (default 3 s).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { connect as tcpConnect } from "node:net";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { TokensConfig } from "../../src/server/config";
import { createGateway, type Gateway } from "../../src/server/gateway";
import type { MqttStats } from "../../src/server/sources/mqtt";
import {
  DATA,
  IDS,
  INGEST,
  OPERATOR,
  TOKENS,
  freePort,
  getJson,
  liveClient,
  post,
  sleep,
  until,
} from "../faults/harness";

const BROKER = process.env.MQTT_TEST_URL ?? "mqtt://127.0.0.1:1883";
const run = randomBytes(4).toString("hex");
const PREFIX = `rt-test-${run}`;

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((res) => {
    const s = tcpConnect(Number(u.port || 1883), u.hostname);
    s.once("connect", () => (s.destroy(), res(true)));
    s.once("error", () => res(false));
  });
}
const brokerUp = await reachable(BROKER);
if (!brokerUp && process.env.CI === "true")
  throw new Error(`an MQTT broker is required in CI at ${BROKER} (apt-get install mosquitto; .ci/run starts it)`);
if (!brokerUp) console.warn(`[feeds/mqtt.test] SKIPPED: no MQTT broker (mosquitto) at ${BROKER}`);
const hasMosquittoBin = spawnSync("mosquitto", ["-h"]).error === undefined;

const gateways: Gateway[] = [];
const clients: MqttClient[] = [];
// each test's gateways and clients go when it ends: they share the topic prefix, so a gateway left running
// would also read (and answer) the next test's messages
afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync(true).catch(() => {});
  for (const g of gateways.splice(0)) await g.close();
});

async function gateway(clientId: string, url = BROKER, extra: Record<string, number> = {}): Promise<Gateway> {
  const g = await createGateway({
    data: DATA,
    source: "ingest",
    tokens: TokensConfig.parse(TOKENS),
    log: () => {},
    feeds: { mqtt: { url, clientId, prefix: PREFIX, minBackoffMs: 200, maxBackoffMs: 1000, ...extra } },
  });
  gateways.push(g);
  return g;
}
const stats = (g: Gateway) => g.feeds.mqtt!.stats();
const subscribed = (g: Gateway) => until(() => stats(g).subscribed, 15_000, "the bridge to subscribe");

async function publisher(url = BROKER): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId: `rt-pub-${run}-${clients.length}`, reconnectPeriod: 200 });
  clients.push(c);
  return c;
}

describe.skipIf(!brokerUp)("MQTT bridge (real broker)", () => {
  it("delivers QoS 1 messages published while the gateway was down, after it restarts (nothing lost)", async () => {
    const clientId = `rt-gw-${run}-persist`;
    const g1 = await gateway(clientId);
    await subscribed(g1);
    await g1.close();

    const pub = await publisher();
    const sent = new Map<string, number>();
    for (let k = 0; k < 300; k++) {
      const id = IDS.sites[k % IDS.sites.length];
      const load = ((k * 37) % 1000) / 1000;
      sent.set(id, load);
      await pub.publishAsync(`${PREFIX}/sites/${id}/metrics`, JSON.stringify({ metrics: { load } }), { qos: 1 });
    }

    const g2 = await gateway(clientId);
    await until(() => stats(g2).accepted >= 300, 20_000, "300 queued messages to arrive");
    expect(stats(g2)).toMatchObject({ received: 300, accepted: 300, refused: 0 });
    const L = g2.state.layers.sites;
    for (const [id, load] of sent) expect(L.metrics.load[L.index.get(id)!]).toBeCloseTo(load, 3);
  });

  it("refuses malformed messages per topic with the same reasons as POST /api/ingest, and keeps going", async () => {
    const g = await gateway(`rt-gw-${run}-table`);
    await subscribed(g);
    const [site, sensor] = [IDS.sites[0], IDS.sensors[0]];
    // [topic after the prefix, payload, reason]; record: the record a POST /api/ingest would carry
    const table: { topic: string; payload: string; reason: string; record?: unknown }[] = [
      { topic: `sites/${site}/status`, payload: "{oops", reason: "payload: not valid JSON" },
      { topic: `sites/${site}/status`, payload: "[1]", reason: "payload: expected a JSON object" },
      { topic: `sites/${site}/volume`, payload: '{"status":0}', reason: 'topic: last level "volume" is not one of' },
      { topic: `sites/${site}/status`, payload: '{"status":0,"x":1}', reason: "payload: unexpected field(s) x" },
      {
        topic: `sensors/NO-SUCH/status`,
        payload: '{"status":0,"ts":1764000000000}',
        reason: 'id: unknown object "NO-SUCH" in layer sensors',
        record: { layer: "sensors", id: "NO-SUCH", status: 0, ts: 1764000000000 },
      },
      {
        topic: `planets/${site}/status`,
        payload: '{"status":0,"ts":1764000000000}',
        reason: "layer:",
        record: { layer: "planets", id: site, status: 0, ts: 1764000000000 },
      },
      {
        topic: `sensors/${sensor}/status`,
        payload: '{"status":9,"ts":1764000000000}',
        reason: "status:",
        record: { layer: "sensors", id: sensor, status: 9, ts: 1764000000000 },
      },
      {
        topic: `sensors/${sensor}/metrics`,
        payload: '{"metrics":{"speedKmh":999},"ts":1764000000000}',
        reason: "metrics.speedKmh: 999 out of range [0, 200]",
        record: { layer: "sensors", id: sensor, metrics: { speedKmh: 999 }, ts: 1764000000000 },
      },
      {
        topic: `sensors/${sensor}/metrics`,
        payload: '{"metrics":{"flowVph":10.5},"ts":1764000000000}',
        reason: "metrics.flowVph: 10.5 must be an integer",
        record: { layer: "sensors", id: sensor, metrics: { flowVph: 10.5 }, ts: 1764000000000 },
      },
      {
        topic: `sensors/${sensor}/metrics`,
        payload: '{"metrics":{"load":0.5},"ts":1764000000000}',
        reason: "metrics.load: not a sensors metric",
        record: { layer: "sensors", id: sensor, metrics: { load: 0.5 }, ts: 1764000000000 },
      },
      {
        topic: `sensors/${sensor}/alarm`,
        payload: '{"alarm":{"kind":"smoke","severity":"major","text":"x","clear":true},"ts":1764000000000}',
        reason: `alarm: no active smoke alarm on ${sensor} to clear`,
        record: {
          layer: "sensors",
          id: sensor,
          alarm: { kind: "smoke", severity: "major", text: "x", clear: true },
          ts: 1764000000000,
        },
      },
      {
        topic: `sensors/${sensor}/status`,
        payload: '{"status":1,"ts":5}',
        reason: "ts:",
        record: { layer: "sensors", id: sensor, status: 1, ts: 5 },
      },
    ];
    const pub = await publisher();
    // one topic per case (a /case-N level would break the layout, so each case gets its own object or layer)
    for (const c of table) {
      // wait for this case's refusal before the next, so the table's "last reason" per topic is this case's
      const before = stats(g).refused;
      await pub.publishAsync(`${PREFIX}/${c.topic}`, c.payload, { qos: 1 });
      await until(() => stats(g).refused > before || undefined, 10_000, `refusal of ${c.topic} ${c.payload}`);
      const t = stats(g).refusedByTopic[`${PREFIX}/${c.topic}`];
      expect(t?.lastReason, `${c.topic} ${c.payload}`).toContain(c.reason);
      if (c.record) {
        const r = await post(`${g.url}/api/ingest`, INGEST, { records: [c.record] });
        const body = (await r.json()) as { rejected: { reason: string }[] };
        expect(body.rejected[0]?.reason, "POST /api/ingest gives the same reason").toBe(t!.lastReason);
      }
    }
    // still working: a good message is applied, and /api/health reports the refusals per topic
    await pub.publishAsync(`${PREFIX}/sensors/${sensor}/metrics`, '{"metrics":{"speedKmh":61.5}}', { qos: 1 });
    await until(() => stats(g).accepted >= 1, 10_000, "a good message after the bad ones");
    const L = g.state.layers.sensors;
    expect(L.metrics.speedKmh[L.index.get(sensor)!]).toBeCloseTo(61.5, 1);
    const health = await getJson<{ feeds: { mqtt: MqttStats } }>(`${g.url}/api/health`);
    expect(health.feeds.mqtt.refused).toBe(table.length);
    expect(health.feeds.mqtt.refusedByTopic[`${PREFIX}/sensors/${sensor}/metrics`].count).toBe(3);
  });

  it("publishes alarm raises, acks and clears to <prefix>/alarms/<op>/<layer>/<id>, not retained", async () => {
    const g = await gateway(`rt-gw-${run}-alarms`);
    await subscribed(g);
    const follower = await publisher();
    const seen: { topic: string; op: string; retain: boolean; kind: string }[] = [];
    follower.on("message", (topic, payload, packet) => {
      const m = JSON.parse(payload.toString()) as { op: string; alarm: { kind: string } };
      seen.push({ topic, op: m.op, retain: packet.retain, kind: m.alarm.kind });
    });
    await follower.subscribeAsync(`${PREFIX}/alarms/#`, { qos: 1 });
    const id = IDS.datacentres[1];
    const alarm = { kind: "smoke", severity: "critical", text: "机房烟感", text_en: "smoke in hall 2" };
    await follower.publishAsync(`${PREFIX}/datacentres/${id}/alarm`, JSON.stringify({ alarm }), { qos: 1 });
    await until(() => seen.length >= 1, 10_000, "the raise on the alarms topic");
    const raised = g.state.alarms.activeFor("datacentres", id, "smoke")!;
    await post(`${g.url}/api/alarms/${encodeURIComponent(raised.id)}/ack`, OPERATOR);
    await follower.publishAsync(
      `${PREFIX}/datacentres/${id}/alarm`,
      JSON.stringify({ alarm: { ...alarm, clear: true } }),
      { qos: 1 },
    );
    await until(() => seen.length >= 3, 10_000, "ack and clear on the alarms topic");
    expect(seen).toEqual(
      ["raise", "ack", "clear"].map((op) => ({
        topic: `${PREFIX}/alarms/${op}/datacentres/${id}`,
        op,
        retain: false,
        kind: "smoke",
      })),
    );
  });

  it("1,000 messages/s reach a client's digest", async () => {
    const seconds = Number(process.env.MQTT_RATE_S ?? 3);
    const g = await gateway(`rt-gw-${run}-rate`);
    await subscribed(g);
    const c = liveClient(g.url, ["sites"]);
    try {
      await until(() => c.store.getState().layers.sites, 15_000, "client snapshot");
      const pub = await publisher();
      const last = new Map<string, number>();
      const total = 1000 * seconds;
      const t0 = Date.now();
      for (let k = 0; k < total; k += 10) {
        // 10 messages every 10 ms, on schedule
        for (let j = k; j < k + 10; j++) {
          const id = IDS.sites[(j * 7) % IDS.sites.length];
          const load = (j % 1000) / 1000;
          last.set(id, load);
          pub.publish(`${PREFIX}/sites/${id}/metrics`, JSON.stringify({ metrics: { load } }), { qos: 1 });
        }
        const due = t0 + (k + 10);
        if (due > Date.now()) await sleep(due - Date.now());
      }
      const published = Date.now() - t0;
      await until(() => stats(g).accepted >= total, 30_000, `${total} messages to be accepted`);
      const applied = Date.now() - t0;
      const gw = await getJson<{ digest: string }>(`${g.url}/api/digest?layers=sites`);
      await until(() => c.digest() === gw.digest, 20_000, "client digest to equal the gateway's");
      const agreed = Date.now() - t0;
      const L = g.state.layers.sites;
      for (const [id, load] of last) expect(L.metrics.load[L.index.get(id)!]).toBeCloseTo(load, 3);
      expect(stats(g).refused).toBe(0);
      console.log(
        `[feeds/mqtt] ${total} msgs over ${seconds} s: published in ${published} ms, all applied at ${applied} ms, client digest equal at ${agreed} ms`,
      );
    } finally {
      c.close();
    }
  });

  it.skipIf(!hasMosquittoBin)("survives its broker going away and coming back (reconnect with backoff)", async () => {
    const port = await freePort();
    const start = (): ChildProcess => spawn("mosquitto", ["-p", String(port)], { stdio: "ignore" });
    let broker = start();
    try {
      const url = `mqtt://127.0.0.1:${port}`;
      await until(() => reachable(url), 10_000, "private mosquitto");
      const g = await gateway(`rt-gw-${run}-down`, url);
      await subscribed(g);
      broker.kill("SIGKILL");
      await until(() => !stats(g).connected || undefined, 10_000, "the bridge to notice the broker is gone");
      await sleep(4000); // down for 4 s: several reconnect attempts, backing off
      expect(stats(g).reconnects).toBeGreaterThanOrEqual(2);
      broker = start();
      await until(() => stats(g).subscribed, 20_000, "the bridge to reconnect and subscribe again");
      const pub = await publisher(url);
      await pub.publishAsync(`${PREFIX}/sites/${IDS.sites[3]}/status`, '{"status":2}', { qos: 1 });
      await until(() => stats(g).accepted >= 1, 10_000, "a message after the broker came back");
      expect(g.state.layers.sites.status[3]).toBe(2);
    } finally {
      broker.kill("SIGKILL");
    }
  });
});
