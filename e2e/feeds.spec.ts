/**
 * A real OCPP 1.6J charge point (ocpp-rpc's RPCClient) connects to the gateway, goes Faulted, and the command
 * wall's camera follows the alarm as for any other alarm. Own gateway (LIVE_SOURCE=ingest,ocpp): no simulator,
 * so no simulated alarm queues ahead of the charge point's.
 */
import { expect, test } from "@playwright/test";
import { RPCClient } from "ocpp-rpc";
import type { RPC_ClientOptions } from "ocpp-rpc/lib/client";
import { freePort, startGateway, type Gateway } from "../src/testing";
import { sampleFile, shot } from "./helpers";

const PASSWORD = "e2e-charge-point-password";

test.describe("OCPP charge point on the command wall", () => {
  let gw: Gateway | null = null;
  let base = "";
  const chargers = sampleFile<{ items: { id: string; lon: number; lat: number; connectors: number }[] }>(
    "chargers.json",
  ).items;
  const target = chargers[7];

  test.beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gw = await startGateway({
      port,
      readyTimeoutMs: 90_000,
      env: {
        STATIC_DIR: "dist",
        SCENARIO_DB: "var/e2e-feeds.db",
        LIVE_SOURCE: "ingest,ocpp",
        OCPP_CREDENTIALS: JSON.stringify({ chargePoints: { [target.id]: PASSWORD } }),
        OCPP_HEARTBEAT_S: "300",
      },
    });
  });
  test.afterAll(async () => {
    await gw?.stop();
  });

  test("a charge point connects, goes Faulted, and the wall's camera follows the alarm", async ({ page }) => {
    test.setTimeout(420_000);
    // dwell 120 s: software WebGL draws a frame in seconds, the default 12 s dwell can end before the checks
    await page.goto(`${base}/?mode=command&tour=0&follow=major&dwell=120&res=0.5&token=dev-operator-token`);
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 240_000 });
    await page.evaluate("window.__rt.liveReady");

    const cp = new RPCClient({
      endpoint: `${base.replace("http", "ws")}/ocpp`,
      identity: target.id,
      protocols: ["ocpp1.6"],
      strictMode: true,
      password: PASSWORD,
      reconnect: false,
    } as RPC_ClientOptions);
    try {
      await cp.connect();
      const boot = (await cp.call("BootNotification", { chargePointVendor: "E2E", chargePointModel: "Wall" })) as {
        status: string;
      };
      expect(boot.status).toBe("Accepted");
      const resets: unknown[] = [];
      cp.handle("Reset", async ({ params }) => (resets.push(params), { status: "Accepted" }));
      await cp.call("StatusNotification", { connectorId: 1, errorCode: "NoError", status: "Charging" });
      await cp.call("StatusNotification", {
        connectorId: 0,
        errorCode: "OverCurrentFailure",
        vendorErrorCode: "VX-12",
        status: "Faulted",
      });

      await page.waitForFunction(
        ([lon, lat]) => {
          const c = window.__rt!.cameraState();
          return Math.abs(c.lon - lon) < 0.05 && Math.abs(c.lat - lat) < 0.05 && c.height < 6000;
        },
        [target.lon, target.lat],
        { timeout: 180_000 },
      );
      await expect(page.getByTestId("cmd-follow")).toHaveAttribute("data-activity", "alarm");
      await expect(page.getByTestId("inspector")).toHaveAttribute("data-object-id", target.id);
      const alarm = await page.evaluate(
        (id) =>
          (window.__rt!.alarms as () => { objectId: string; kind: string; text_en: string; text_zh: string }[])().find(
            (a) => a.objectId === id && a.kind === "charger-fault",
          ),
        target.id,
      );
      expect(alarm?.text_en).toBe(`${target.id} faulted (OCPP OverCurrentFailure / VX-12)`);
      await shot(page, "feeds-ocpp-fault-follow");

      // the operator resets the charge point from the inspector; the charge point receives it and replies
      // (dispatched: the wall's scaled stage under a seconds-per-frame software renderer never counts as "stable")
      await page.getByTestId("ocpp-Reset-Soft").dispatchEvent("click");
      await expect(page.getByTestId("ocpp-result")).toContainText("Accepted", { timeout: 30_000 });
      expect(resets).toEqual([{ type: "Soft" }]);
      await shot(page, "feeds-ocpp-inspector-reset");
    } finally {
      await cp.close({ force: true }).catch(() => {});
    }
  });
});
