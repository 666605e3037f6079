/**
 * Live status end to end, in real Chromium: this spec starts its OWN gateway process (serving dist/, fast
 * simulator, ingest enabled, known operator token), opens the app, kills the gateway with SIGKILL mid-stream,
 * checks the connection badge shows reconnecting, restarts the gateway on the same port, then freezes the
 * simulator and compares the page's digest with the gateway's (same layers, same seq) — no race, no flake.
 *
 * Needs the app's hooks: window.__rt.ready, window.__rt.liveDigest(), window.__rt.connection(), and the badge
 * element [data-testid=connection-badge][data-state=connected|reconnecting|offline].
 */
import { expect, test } from "@playwright/test";
import { freePort, roleTokens, startGateway as launch, type Gateway } from "../src/testing";

const TOKENS = roleTokens("e2e-live");
const OPERATOR = TOKENS.operator;
const INGEST = TOKENS.ingest;

/** the live part of window.__rt (the app declares the full type) */
type LiveHooks = {
  ready?: Promise<void>;
  liveDigest?: () => string;
  connection?: () => { state: string; since: number };
};

// this spec is about the stream, not the picture: a small viewport keeps software WebGL from starving the page
test.use({ viewport: { width: 640, height: 360 } });

function startGateway(port: number): Promise<Gateway> {
  return launch({
    port,
    readyTimeoutMs: 120_000,
    env: {
      STATIC_DIR: "dist",
      SIM_SPEED: "60",
      SIM_SEED: "11",
      SIM_REPORT_MS: "1500",
      LIVE_SOURCE: "both",
      NODE_ENV: "production",
      RONGTWIN_TOKENS: TOKENS.json,
    },
  });
}

test("live status survives a gateway SIGKILL + restart and ends equal to the gateway", async ({ page, request }) => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let gw = await startGateway(port);
  try {
    await page.goto(`${base}/`);
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 120_000 });
    await page.evaluate(() => (window as unknown as { __rt: Required<LiveHooks> }).__rt.ready);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __rt: Required<LiveHooks> }).__rt.connection().state), {
        timeout: 30_000,
      })
      .toBe("connected");
    const badge = page.getByTestId("connection-badge");
    await expect(badge).toHaveAttribute("data-state", "connected");

    // the stream moves: the digest (which includes seq) changes
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __rt: Required<LiveHooks> }).__rt.liveDigest()), {
        timeout: 30_000,
      })
      .toMatch(/@\d+:/);
    const d0 = await page.evaluate(() => (window as unknown as { __rt: Required<LiveHooks> }).__rt.liveDigest());
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __rt: Required<LiveHooks> }).__rt.liveDigest()), {
        timeout: 30_000,
      })
      .not.toBe(d0);

    // inject a critical alarm through the ingest API: the gateway accepts it
    const sites = (await (await request.get(`${base}/data/sites.json`)).json()) as { items: { id: string }[] };
    const inj = await request.post(`${base}/api/ingest`, {
      headers: { authorization: `Bearer ${INGEST}` },
      data: {
        records: [
          {
            layer: "sites",
            id: sites.items[0].id,
            ts: Date.now(),
            alarm: { kind: "injected", severity: "critical", text: "e2e 注入告警" },
          },
        ],
      },
    });
    expect(inj.status()).toBe(200);

    // record every connection-state change in the page (diagnostics if an assertion fails)
    await page.evaluate(() => {
      const w = window as unknown as { __rt: Required<LiveHooks>; __connLog: string[] };
      w.__connLog = [];
      let prev = "";
      setInterval(() => {
        const c = w.__rt.connection();
        if (c.state !== prev) w.__connLog.push(`${new Date().toISOString()} ${c.state}`);
        prev = c.state;
      }, 50);
    });
    const connLog = () => page.evaluate(() => (window as unknown as { __connLog: string[] }).__connLog.join(", "));

    // kill mid-stream
    console.log(`[live.spec] ${new Date().toISOString()} SIGKILL gateway pid ${gw.proc.pid}`);
    await gw.stop("SIGKILL");
    await expect(badge, await connLog())
      .toHaveAttribute("data-state", /reconnecting|offline/, { timeout: 45_000 })
      .catch(async (e) => {
        throw new Error(`${(e as Error).message}\nconnection log: ${await connLog()}`);
      });
    expect(["reconnecting", "offline"]).toContain(
      await page.evaluate(() => (window as unknown as { __rt: Required<LiveHooks> }).__rt.connection().state),
    );

    // restart on the same port
    gw = await startGateway(port);
    await expect(badge).toHaveAttribute("data-state", "connected", { timeout: 30_000 });

    // freeze the simulator, then the page must converge to the gateway's digest for the layers it shows
    const pause = await request.post(`${base}/api/sim/pause`, { headers: { authorization: `Bearer ${OPERATOR}` } });
    expect(pause.status()).toBe(200);
    let last = { page: "", gateway: "" };
    const t0 = Date.now();
    while (Date.now() - t0 < 30_000) {
      const pd = await page.evaluate(() => (window as unknown as { __rt: Required<LiveHooks> }).__rt.liveDigest());
      const layers = pd
        .split(" ")
        .map((p) => p.split("@")[0])
        .filter(Boolean)
        .join(",");
      const g = layers
        ? ((await (await request.get(`${base}/api/digest?layers=${layers}`)).json()) as { digest: string }).digest
        : "(no layers)";
      last = { page: pd, gateway: g };
      if (pd && pd === g) break;
      await page.waitForTimeout(200);
    }
    expect(last.page, "the page shows at least one live layer").not.toBe("");
    expect(last.page).toBe(last.gateway);
  } finally {
    await gw.stop("SIGKILL");
  }
});
