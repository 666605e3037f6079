/**
 * What a person feels: a click on a 5G site until the inspector shows that site's id, with every layer and the
 * buildings on, as a user sees the city. The latency is measured in the page (pointerdown -> the id in the DOM) and
 * printed (p50 / p95 / first click); the test asserts that every click selects the site clicked, not a time.
 */
import { expect, test } from "@playwright/test";
import { openApp, sampleFile, shot } from "./helpers";

type Item = { id: string; lon: number; lat: number };
const CLICKS = 10;

/** sites in the urban core with no other object of any layer within ~80 m (nothing else under the cursor) */
function clickableSites(): Item[] {
  const all = ["sites.json", "datacentres.json", "chargers.json", "sensors.json"].flatMap(
    (f) => sampleFile<{ items: Item[] }>(f).items,
  );
  const near = (a: Item, b: Item) =>
    Math.abs(a.lon - b.lon) * 100_000 < 80 && Math.abs(a.lat - b.lat) * 111_000 < 80 && a.id !== b.id;
  const core = sampleFile<{ items: Item[] }>("sites.json").items.filter(
    (s) => s.lon > 119.24 && s.lon < 119.36 && s.lat > 26.02 && s.lat < 26.12,
  );
  const lonely = core.filter((s) => !all.some((o) => near(s, o)));
  const step = Math.max(1, Math.floor(lonely.length / CLICKS));
  return lonely.filter((_, i) => i % step === 0).slice(0, CLICKS);
}

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

test("click on a site -> the inspector shows its id (latency printed)", async ({ page }) => {
  await openApp(page);
  await page.waitForFunction(() => !!window.__rt?.app.twin.buildings, null, { timeout: 60_000 });
  const targets = clickableSites();
  expect(targets.length).toBe(CLICKS);
  const times: number[] = [];
  for (const t of targets) {
    await page.evaluate(([lon, lat]) => window.__rt!.lookAt(lon, lat, 600), [t.lon, t.lat]);
    // one drawn frame at the new view, as the user sees it before clicking
    await page.evaluate(
      () =>
        new Promise<void>((r) => {
          const sc = window.__rt!.app.twin.scene;
          const off = sc.postRender.addEventListener(() => (off(), r()));
          sc.requestRender();
        }),
    );
    const idx = await page.evaluate((id) => window.__rt!.indexOf("sites", id), t.id);
    const pos = await page.evaluate((i) => window.__rt!.screenPosition("sites", i), idx);
    expect(pos).not.toBeNull();
    // arm the in-page stopwatch: pointerdown -> the inspector's id field reads the target's id
    await page.evaluate((id) => {
      const w = window as unknown as { __clickMs?: Promise<number> };
      w.__clickMs = new Promise<number>((resolve, reject) => {
        let t0 = 0;
        window.addEventListener("pointerdown", () => (t0 = performance.now()), { capture: true, once: true });
        const shows = () =>
          document.querySelector('[data-testid="inspector"] [data-field="id"]')?.textContent === id && t0 > 0;
        const obs = new MutationObserver(() => {
          if (!shows()) return;
          obs.disconnect();
          resolve(performance.now() - t0);
        });
        obs.observe(document.body, { subtree: true, childList: true, characterData: true });
        setTimeout(() => (obs.disconnect(), reject(new Error(`inspector never showed ${id}`))), 60_000);
      });
    }, t.id);
    await page.mouse.click(pos!.x, pos!.y);
    times.push(await page.evaluate(() => (window as unknown as { __clickMs: Promise<number> }).__clickMs));
    await expect(page.getByTestId("inspector").locator('[data-field="id"]')).toHaveText(t.id);
  }
  await shot(page, "interaction-click-inspector");
  const r = (v: number) => Math.round(v);
  console.log(
    `[e2e interaction] click on a site -> inspector shows its id, ${times.length} clicks: first ${r(times[0])} ms, ` +
      `p50 ${r(pct(times, 50))} ms, p95 ${r(pct(times, 95))} ms (all: ${times.map(r).join(", ")})`,
  );
});
