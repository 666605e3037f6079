/**
 * The offline scene of Fuzhou with its four layers, in real Chromium.
 */
import { expect, test } from "@playwright/test";
import { openApp, sampleFile, shot, watchForeignRequests } from "./helpers";

const LAYERS = ["sites", "datacentres", "chargers", "sensors"] as const;
const FILES: Record<(typeof LAYERS)[number], string> = {
  sites: "sites.json",
  datacentres: "datacentres.json",
  chargers: "chargers.json",
  sensors: "sensors.json",
};

test("renders Fuzhou offline with all layers; counts match the sample files; no foreign requests", async ({
  page,
  baseURL,
}) => {
  const foreign = watchForeignRequests(page, baseURL!);
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await openApp(page);
  for (const l of LAYERS) {
    const n = sampleFile(FILES[l]).items.length;
    expect(n).toBeGreaterThan(0);
    await expect(page.getByTestId(`count-${l}`)).toHaveText(n.toLocaleString("en-US"));
    // the checkbox's accessible name carries Chinese, English and the count
    const box = page.locator(`input[data-layer="${l}"]`);
    await expect(box).toHaveAccessibleName(new RegExp(`\\(${n.toLocaleString("en-US")}\\)`));
  }
  await expect(page.getByTestId("sample-badge")).toBeVisible();
  await expect(page.locator(".banner.error")).toHaveCount(0);
  // the district basemap and the building tileset are up
  await page.waitForFunction(() => !!window.__rt?.app.twin.buildings, null, { timeout: 60_000 });
  await shot(page, "foundation-city");
  await page.locator('button[data-view="core"]').click();
  await page.waitForFunction(() => window.__rt!.cameraState().height < 40000, null, { timeout: 30_000 });
  await page.waitForTimeout(3000); // let the flight finish and tiles stream in before the picture
  await shot(page, "foundation-core");
  expect(foreign, foreign.join("\n")).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test("each layer toggles off and on", async ({ page }) => {
  await openApp(page);
  for (const l of LAYERS) {
    const box = page.locator(`input[data-layer="${l}"]`);
    await box.uncheck();
    await expect.poll(() => page.evaluate((id) => window.__rt!.app.twin.layer(id)!.visible, l)).toBe(false);
    await box.check();
    await expect.poll(() => page.evaluate((id) => window.__rt!.app.twin.layer(id)!.visible, l)).toBe(true);
  }
});

test("clicking a 5G site opens the inspector with that site's id", async ({ page }) => {
  await openApp(page);
  const sites = sampleFile<{ items: Array<{ id: string; lon: number; lat: number }> }>("sites.json").items;
  // a site in the urban core, seen from straight above and close, so it is not hidden behind its neighbours
  const target = sites.find((s) => s.lon > 119.28 && s.lon < 119.32 && s.lat > 26.07 && s.lat < 26.1) ?? sites[0];
  // hide other layers so nothing else is under the cursor
  for (const l of ["datacentres", "chargers", "sensors"]) await page.locator(`input[data-layer="${l}"]`).uncheck();
  await page.locator('input[data-layer="buildings"]').uncheck();
  await page.evaluate(([lon, lat]) => window.__rt!.lookAt(lon, lat, 600), [target.lon, target.lat]);
  const idx = await page.evaluate((id) => window.__rt!.indexOf("sites", id), target.id);
  const pos = await page.evaluate((i) => window.__rt!.screenPosition("sites", i), idx);
  expect(pos).not.toBeNull();
  await page.mouse.click(pos!.x, pos!.y);
  const inspector = page.getByTestId("inspector");
  await expect(inspector).toBeVisible();
  await expect(inspector.locator('[data-field="id"]')).toHaveText(target.id);
  await shot(page, "foundation-inspector");
});

test("searching a data centre by name flies there", async ({ page }) => {
  await openApp(page);
  const dcs = sampleFile<{ items: Array<{ id: string; name: string; lon: number; lat: number }> }>(
    "datacentres.json",
  ).items;
  const dc = dcs.find((d) => d.name.includes("人工智能")) ?? dcs[0];
  await page.getByTestId("search").fill(dc.name);
  await page.getByTestId("search").press("Enter");
  await page.waitForFunction(
    ([lon, lat]) => {
      const c = window.__rt!.cameraState();
      return c.height < 6000 && Math.abs(c.lon - lon) < 0.05 && Math.abs(c.lat - lat) < 0.05;
    },
    [dc.lon, dc.lat],
    { timeout: 60_000 },
  );
  await expect(page.getByTestId("inspector").locator('[data-field="name"]')).toHaveText(dc.name);
  await shot(page, "foundation-search");
});

test("an invalid config shows a banner naming the field and the default scene still renders", async ({ page }) => {
  await page.route("**/bad-scene.json", (route) =>
    route.fulfill({
      contentType: "application/json",
      body: JSON.stringify({
        version: 1,
        camera: {
          limit: [118, 25, 120, 27],
          presets: [{ id: "x", name_zh: "x", name_en: "x", lon: 300, lat: 26, range: 1000 }],
        },
      }),
    }),
  );
  await openApp(page, "?config=bad-scene.json");
  const banner = page.getByTestId("banner-config");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("camera.presets[0].lon");
  const counts = await page.evaluate(() => window.__rt!.counts());
  expect(counts.sites).toBeGreaterThan(1000);
  await shot(page, "foundation-bad-config");
});
