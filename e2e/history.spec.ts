/**
 * History and replay in the browser (the shared gateway records history to a fresh SQLite file):
 *  - the wall's trend charts show the recorded last hour as soon as the page opens
 *  - jumping the timeline to an injected alarm replays that moment: header REPLAY, the alarm in the list, the
 *    scene's state equal to the stored state at the replay clock (digest), then back to live
 */
import { expect, test, type Page } from "@playwright/test";
import { ARTIFACTS, sampleFile, shot } from "./helpers";

/** the shared machine can be slow: a wall page boots in up to a few minutes under SwiftShader and load */
async function openPage(page: Page, query: string, errors: string[]): Promise<void> {
  await page.goto(`/${query}`);
  await page
    .waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 300_000 })
    .catch((e: unknown) => {
      throw new Error(`${(e as Error).message}; page errors: ${errors.join(" | ")}`);
    });
}

test.describe.configure({ mode: "serial" });

const api = (page: Page, path: string) =>
  page.request.get(path, { headers: { authorization: "Bearer e2e-viewer-token" } }).then((r) => r.json());

test("the wall opens with the last hour of trends, replays an injected alarm's moment and returns to live", async ({
  page,
}) => {
  test.setTimeout(900_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && console.log(`[page] ${m.text()}`));
  // enough recorded KPI samples to tell "loaded from history" from the page's own (one every 5 s)
  await expect
    .poll(
      async () => {
        const r = (await api(page, "/api/history/range")) as { from?: number; to?: number };
        if (r.from === undefined || r.to === undefined) return 0;
        const k = (await api(page, `/api/history/kpis?from=${r.to - 3600_000}&to=${r.to}&step=5000`)) as {
          points: unknown[];
        };
        return k.points.length;
      },
      { timeout: 120_000, intervals: [2000] },
    )
    .toBeGreaterThanOrEqual(12);

  await openPage(page, "?mode=command&tour=0", errors);
  // at once: far more points than the page could have sampled itself since it opened
  await expect
    .poll(async () => Number(await page.getByTestId("trend-board").getAttribute("data-points")), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(12);
  await expect(page.getByTestId("time-state")).toHaveAttribute("data-state", "live");
  await shot(page, "history-wall-live");

  // inject a critical alarm on a data centre and wait until history holds it
  const dcs = sampleFile<{ items: { id: string }[] }>("datacentres.json").items;
  const target = dcs[1];
  // stamped with the twin's clock: the simulator runs it at x30, so a wall-clock stamp would sit behind every
  // simulated alarm of the last minutes and never be among the newest the timeline lists
  const health = (await api(page, "/api/health")) as { sim?: { simTime?: number } };
  const ts = health.sim?.simTime ?? Date.now();
  const res = await page.request.post("/api/ingest", {
    headers: { authorization: "Bearer dev-ingest-token" },
    data: {
      records: [
        {
          layer: "datacentres",
          id: target.id,
          ts,
          alarm: { kind: "e2e-history", severity: "critical", text: "e2e 回放告警", text_en: "e2e replay alarm" },
        },
      ],
    },
  });
  expect(res.ok()).toBe(true);
  const alarm = await expect
    .poll(
      async () =>
        (
          (await api(page, "/api/history/alarms?layer=datacentres&limit=20")) as {
            alarms: { id: string; kind: string; raisedAt: number }[];
          }
        ).alarms.find((a) => a.kind === "e2e-history")?.id ?? null,
      { timeout: 30_000 },
    )
    .not.toBeNull();
  void alarm;
  const recorded = (
    (await api(page, "/api/history/alarms?layer=datacentres&limit=20")) as {
      alarms: { id: string; kind: string; raisedAt: number }[];
    }
  ).alarms.find((a) => a.kind === "e2e-history")!;

  // jump to it from the timeline's alarm list: the page reloads as a replay of that moment
  const select = page.getByTestId("timeline-alarms");
  // the list holds the newest alarms and reloads when it gets focus (as when an operator opens it); the
  // simulator's alarm storm soon pushes an older alarm out, so open it now
  await expect
    .poll(
      async () => {
        await select.blur();
        await select.focus();
        return select.locator(`option[data-alarm="${recorded.id}"]`).count();
      },
      { timeout: 40_000, intervals: [1000] },
    )
    .toBe(1);
  await select.selectOption({ value: String(recorded.raisedAt) });
  await page.waitForURL(/replay=/, { timeout: 30_000 });
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 300_000 });
  await expect(page.getByTestId("time-state")).toHaveAttribute("data-state", "replay");
  await expect(page.getByTestId("time-state")).toContainText("REPLAY");
  await page.evaluate(() => window.__rt!.app.live!.conn.ready);
  // the session plays from the alarm's moment (the button shows pause once the gateway's clock says so); pause it,
  // then the page's state is the stored state at the replay clock
  await expect
    .poll(() => page.evaluate(() => window.__rt!.app.live!.replay!.clock.getState().playing), { timeout: 20_000 })
    .toBe(true);
  await page.getByTestId("timeline-play").click();
  await expect
    .poll(() => page.evaluate(() => window.__rt!.app.live!.replay!.clock.getState().playing), { timeout: 10_000 })
    .toBe(false);
  await page.waitForTimeout(500);
  const t = await page.evaluate(() => window.__rt!.app.live!.replay!.clock.getState().t);
  expect(t).toBeGreaterThanOrEqual(recorded.raisedAt);
  const stored = (await api(page, `/api/history/state?t=${t}`)) as { digest: string; alarms: { id: string }[] };
  await expect
    .poll(() => page.evaluate(() => window.__rt!.app.live!.conn.digest()), { timeout: 20_000 })
    .toBe(stored.digest);
  expect(stored.alarms.map((a) => a.id)).toContain(recorded.id);
  await expect
    .poll(() => page.evaluate(() => window.__rt!.app.live!.conn.store.getState().alarms.map((a) => a.id)), {
      timeout: 20_000,
    })
    .toContain(recorded.id);
  expect(await page.evaluate(() => window.__rt!.app.live!.conn.store.getState().server?.epoch)).toMatch(/^replay-/);
  await shot(page, "history-wall-replay");

  // back to live: a fresh live snapshot, the badge says LIVE
  await page.getByTestId("timeline-live").click();
  await page.waitForURL((u) => !u.search.includes("replay="), { timeout: 30_000 });
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 300_000 });
  await expect(page.getByTestId("time-state")).toHaveAttribute("data-state", "live");
  await page.evaluate(() => window.__rt!.app.live!.conn.ready);
  expect(await page.evaluate(() => window.__rt!.app.live!.conn.store.getState().server?.epoch)).not.toMatch(/^replay-/);
  expect(errors, errors.join("\n")).toEqual([]);
  void ARTIFACTS;
});
