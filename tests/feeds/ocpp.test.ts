/**
 * OCPP 1.6J central system with real OCPP-J charge points: ocpp-rpc's RPCClient (the library's client role, in
 * strict mode, so every call it makes is checked against the OCPP 1.6 schemas) against an in-process gateway.
 */
import { randomBytes } from "node:crypto";
import { RPCClient } from "ocpp-rpc";
import type { RPC_ClientOptions } from "ocpp-rpc/lib/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayerData } from "../../src/server/layer-data";
import { TokensConfig } from "../../src/server/config";
import { createGateway, type Gateway } from "../../src/server/gateway";
import { OPERATOR, TOKENS, VIEWER, getJson, liveClient, post, sleep, until } from "../faults/harness";
import { makeFixture } from "../integration/fixture";

const DATA: LayerData = makeFixture({ sites: 60, datacentres: 4, chargers: 120, roads: 2, sensorsPerRoad: 4 }, 17);
const IDS = {
  sites: DATA.sites.map((s) => s.id),
  datacentres: DATA.datacentres.map((s) => s.id),
  chargers: DATA.chargers.map((s) => s.id),
  sensors: DATA.sensors.map((s) => s.id),
};
const password = (id: string) => `pw-${id}-${"x".repeat(16)}`.slice(0, 40);
const CREDENTIALS = {
  chargePoints: Object.fromEntries(IDS.chargers.map((id) => [id, password(id)])),
  unknownDevices: true,
};
const run = randomBytes(3).toString("hex");

let gw: Gateway;
const logs: string[] = [];
const cps: RPCClient[] = [];

beforeAll(async () => {
  gw = await createGateway({
    data: DATA,
    source: "both", // the simulator runs too: what a charge point reports must win over it
    simSpeed: 120,
    simReportMs: 300,
    tokens: TokensConfig.parse(TOKENS),
    log: (m) => logs.push(m),
    feeds: { ocpp: { credentials: CREDENTIALS, credentialsSource: "test", heartbeatS: 1, tickMs: 100 } },
  });
});
afterAll(async () => {
  await Promise.all(cps.map((c) => c.close({ force: true }).catch(() => {})));
  await gw?.close();
});

function chargePoint(id: string, pw: string | null = password(id)): RPCClient {
  const c = new RPCClient({
    endpoint: `ws://127.0.0.1:${gw.port}/ocpp`,
    identity: id,
    protocols: ["ocpp1.6"],
    strictMode: true,
    password: pw,
    reconnect: false,
  } as RPC_ClientOptions);
  cps.push(c);
  return c;
}
async function booted(id: string): Promise<RPCClient> {
  const c = chargePoint(id);
  await c.connect();
  const r = (await c.call("BootNotification", { chargePointVendor: "RongTwinTest", chargePointModel: "CP-1" })) as {
    status: string;
    interval: number;
  };
  expect(r).toMatchObject({ status: "Accepted", interval: 1 });
  return c;
}
const idx = (id: string) => gw.state.layers.chargers.index.get(id)!;
const status = (id: string) => gw.state.layers.chargers.status[idx(id)];
const metric = (id: string, m: string) => gw.state.layers.chargers.metrics[m][idx(id)];
const connectorsOf = (id: string) => DATA.chargers[idx(id)].connectors;

describe("OCPP 1.6J central system", () => {
  it("accepts the boot of an inventory charge point; rejects an unknown one and lists it for operators", async () => {
    await booted(IDS.chargers[0]);
    const stranger = chargePoint(`EV-STRANGER-${run}`, null);
    await stranger.connect();
    const r = (await stranger.call("BootNotification", { chargePointVendor: "Acme", chargePointModel: "X9" })) as {
      status: string;
    };
    expect(r.status).toBe("Rejected");
    await expect(stranger.call("Heartbeat", {})).rejects.toThrow(/not an accepted charge point/);
    expect((await getJson<{ error: string }>(`${gw.url}/api/ocpp/unknown`)).error).toBe("forbidden"); // anonymous = viewer
    const res = await fetch(`${gw.url}/api/ocpp/unknown`, { headers: { authorization: `Bearer ${OPERATOR}` } });
    const { unknown } = (await res.json()) as { unknown: { identity: string; vendor: string; model: string }[] };
    expect(unknown.find((u) => u.identity === `EV-STRANGER-${run}`)).toMatchObject({ vendor: "Acme", model: "X9" });
  });

  it("refuses a wrong password and a missing one with HTTP 401 before the WebSocket opens", async () => {
    const id = IDS.chargers[1];
    await expect(chargePoint(id, "not-the-password-0000").connect()).rejects.toThrow(/Unauthorized/);
    await expect(chargePoint(id, null).connect()).rejects.toThrow(/Unauthorized/);
    expect(logs.some((l) => l.includes(`${id} refused: wrong password`))).toBe(true);
  });

  it("a Faulted StatusNotification raises an alarm with errorCode and vendorErrorCode that reaches a client", async () => {
    const id = IDS.chargers[2];
    const client = liveClient(gw.url, ["chargers"], { ids: IDS });
    try {
      await until(() => client.store.getState().layers.chargers, 15_000, "client snapshot");
      const cp = await booted(id);
      const ts = new Date().toISOString();
      await cp.call("StatusNotification", {
        connectorId: 1,
        errorCode: "GroundFailure",
        vendorErrorCode: "E-77",
        status: "Faulted",
        timestamp: ts,
      });
      const alarm = await until(
        () =>
          client.store
            .getState()
            .alarms.find((a) => a.objectId === id && a.kind === "charger-fault" && a.clearedAt === undefined),
        10_000,
        "the charger-fault alarm on the client",
      );
      expect(alarm.text_en).toBe(`${id} #1 faulted (OCPP GroundFailure / E-77)`);
      expect(alarm.severity).toBe("major");
      expect(status(id)).toBe(2);
      expect(metric(id, "fault")).toBe(1);
      // the simulator (running at x120) does not move a charge point a real feed owns
      await sleep(1500);
      expect(status(id)).toBe(2);
      expect(metric(id, "fault")).toBe(1);
      expect(metric(id, "idle")).toBe(connectorsOf(id) - 1);
      // back to Available: the alarm clears
      await cp.call("StatusNotification", { connectorId: 1, errorCode: "NoError", status: "Available" });
      await until(
        () => client.store.getState().alarms.find((a) => a.id === alarm.id && a.clearedAt !== undefined),
        10_000,
        "the alarm to clear on the client",
      );
      expect(status(id)).toBe(0);
    } finally {
      client.close();
    }
  });

  it("MeterValues and transactions change power and utilisation", async () => {
    const id = IDS.chargers[3];
    const cp = await booted(id);
    const start = (await cp.call("StartTransaction", {
      connectorId: 1,
      idTag: "CARD-1",
      meterStart: 1000,
      timestamp: new Date().toISOString(),
    })) as {
      transactionId: number;
      idTagInfo: { status: string };
    };
    expect(start.idTagInfo.status).toBe("Accepted");
    await until(() => metric(id, "charging") === 1, 5000, "one connector charging");
    await cp.call("MeterValues", {
      connectorId: 1,
      transactionId: start.transactionId,
      meterValue: [
        {
          timestamp: new Date().toISOString(),
          sampledValue: [
            { value: "62.5", measurand: "Power.Active.Import", unit: "kW" },
            { value: "42", measurand: "SoC", unit: "Percent" },
            { value: "5000", measurand: "Energy.Active.Import.Register", unit: "Wh" },
          ],
        },
      ],
    });
    await until(() => Math.abs(metric(id, "powerKw") - 62.5) < 0.01, 5000, "powerKw 62.5");
    expect(metric(id, "socPct")).toBeCloseTo(42, 1);
    await cp.call("StopTransaction", {
      transactionId: start.transactionId,
      meterStop: 9000,
      timestamp: new Date().toISOString(),
    });
    await cp.call("StatusNotification", { connectorId: 1, errorCode: "NoError", status: "Available" });
    await until(() => metric(id, "charging") === 0 && metric(id, "powerKw") === 0, 5000, "the session to end");
    const res = await fetch(`${gw.url}/api/ocpp/charge-points`, { headers: { authorization: `Bearer ${OPERATOR}` } });
    const { chargePoints } = (await res.json()) as {
      chargePoints: { id: string; sessions: number; energyWh: number[] }[];
    };
    expect(chargePoints.find((c) => c.id === id)).toMatchObject({
      sessions: 1,
      energyWh: expect.arrayContaining([9000]),
    });
  });

  it("heartbeat loss: stale after 2 intervals, offline with an alarm after 4, back when heard again", async () => {
    const id = IDS.chargers[4];
    const cp = await booted(id);
    await until(() => status(id) === 0, 5000, "ok after boot");
    await until(() => status(id) === 4, 5000, "stale (no message for 2 s)");
    await until(() => status(id) === 3, 5000, "offline (no message for 4 s)");
    expect(gw.state.alarms.activeFor("chargers", id, "charger-offline")?.text_en).toBe(
      `${id}: offline (OCPP heartbeat lost)`,
    );
    await cp.call("Heartbeat", {});
    await until(() => status(id) === 0, 5000, "ok again after a heartbeat");
    expect(gw.state.alarms.activeFor("chargers", id, "charger-offline")).toBeUndefined();
  });

  it("operator commands reach the charge point, viewers are refused, every command is audited", async () => {
    const id = IDS.chargers[5];
    const cp = await booted(id);
    const got: { method: string; params: unknown }[] = [];
    cp.handle("Reset", async ({ params }) => (got.push({ method: "Reset", params }), { status: "Accepted" }));
    cp.handle(
      "ChangeAvailability",
      async ({ params }) => (got.push({ method: "ChangeAvailability", params }), { status: "Scheduled" }),
    );
    cp.handle(
      "RemoteStartTransaction",
      async ({ params }) => (got.push({ method: "RemoteStartTransaction", params }), { status: "Accepted" }),
    );
    const url = `${gw.url}/api/ocpp/charge-points/${id}/command`;
    expect((await post(url, VIEWER, { action: "Reset", type: "Soft" })).status).toBe(403);
    const bad = await post(url, OPERATOR, { action: "Reset", type: "Gentle" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { reason: string }).reason).toMatch(/^type:/);
    for (const [body, reply] of [
      [{ action: "Reset", type: "Soft" }, "Accepted"],
      [{ action: "ChangeAvailability", connectorId: 0, type: "Inoperative" }, "Scheduled"],
      [{ action: "RemoteStartTransaction", idTag: "OPS-1", connectorId: 1 }, "Accepted"],
    ] as const) {
      const r = await post(url, OPERATOR, body);
      expect(r.status).toBe(200);
      expect(((await r.json()) as { reply: { status: string } }).reply.status).toBe(reply);
    }
    expect(got.map((g) => g.method)).toEqual(["Reset", "ChangeAvailability", "RemoteStartTransaction"]);
    expect(got[2].params).toEqual({ idTag: "OPS-1", connectorId: 1 });
    expect(logs.filter((l) => l.startsWith(`ocpp audit: fault-operator (operator) -> ${id}`))).toHaveLength(3);
    expect(
      (await post(`${gw.url}/api/ocpp/charge-points/EV-NOT-HERE/command`, OPERATOR, { action: "Reset", type: "Hard" }))
        .status,
    ).toBe(404);
  });

  it("100 charge points connected at once", async () => {
    const ids = IDS.chargers.slice(10, 110);
    const t0 = Date.now();
    const clients = await Promise.all(ids.map((id) => booted(id)));
    const connectedMs = Date.now() - t0;
    await Promise.all(
      clients.map((c, k) =>
        c.call("StatusNotification", {
          connectorId: 1,
          errorCode: "NoError",
          status: k % 2 ? "Charging" : "Available",
        }),
      ),
    );
    const stats = (await getJson<{ feeds: { ocpp: { connected: number } } }>(`${gw.url}/api/health`)).feeds.ocpp;
    expect(stats.connected).toBeGreaterThanOrEqual(100);
    ids.forEach((id, k) => expect(metric(id, "charging"), id).toBe(k % 2));
    console.log(`[feeds/ocpp] 100 charge points booted in ${connectedMs} ms`);
  });
});
