/**
 * What a person feels: a click on a 5G site until the inspector shows that site's id, with every layer and the
 * buildings on, as a user sees the city. The latency is measured in the page (pointerdown -> the id in the DOM) and
 * printed (p50 / p95 / first click); the test asserts that every click selects the site clicked, not a time. On the
 * same page: a dot is found on the CPU (ScenePicker.hitDot) exactly where Cesium's pick pass finds it.
 */
import { expect, test, type Page } from "@playwright/test";
import type { Cartesian2 } from "cesium";
import type { PickRef } from "../src/layers/types";
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

test("click on a site -> the inspector shows its id (latency printed); dots are found where the pick pass finds them", async ({
  page,
}) => {
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
  await expectDotsFoundWherePickPassFinds(page);
});

/**
 * Objects of every shown layer with no other within 40 px (100-200 m, close in), at a straight-down and an oblique
 * view (elevated dots drawn away from the ground under them): its centre finds it both on the CPU and by the pick
 * pass, 20 px to its left (labels are on the right; the largest dot reaches 13 px) neither does. Runs on the click
 * test's page (buildings on).
 */
async function expectDotsFoundWherePickPassFinds(page: Page): Promise<void> {
  // the cursor away from every dot (a hovered dot is drawn larger)
  await page.mouse.move(2, 2);
  const views: [number, number, number, number][] = [
    [119.3, 26.07, 2500, -89.9],
    [119.31, 26.03, 2000, -35],
  ];
  for (const [lon, lat, range, pitch] of views) {
    const r = await page.evaluate(
      async ([lon, lat, range, pitch]) => {
        const rt = window.__rt!;
        const { scene, picker, layers } = rt.app.twin;
        rt.lookAt(lon, lat, range, pitch);
        for (let k = 0; k < 2; k++)
          await new Promise<void>((res) => {
            const off = scene.postRender.addEventListener(() => (off(), res()));
            scene.requestRender();
          });
        const W = scene.canvas.clientWidth,
          H = scene.canvas.clientHeight;
        const on: { layer: PickRef["layer"]; index: number; x: number; y: number }[] = [];
        for (const l of layers) {
          if (!l.visible) continue;
          for (let i = 0; i < l.count; i++) {
            const w = rt.screenPosition(l.id, i);
            if (w && w.x > 60 && w.y > 60 && w.x < W - 60 && w.y < H - 60) on.push({ layer: l.id, index: i, ...w });
          }
        }
        const alone = on.filter((a) => !on.some((b) => b !== a && (b.x - a.x) ** 2 + (b.y - a.y) ** 2 < 40 * 40));
        const idOf = (p: unknown) => {
          const id = (p as { id?: Partial<PickRef> } | undefined)?.id;
          return id && typeof id === "object" && id.layer ? `${id.layer}:${id.index}` : null;
        };
        const at = (x: number, y: number) => ({ x, y }) as Cartesian2;
        const wrong: string[] = [];
        const cpuMs: number[] = [],
          passMs: number[] = [];
        for (const o of alone.slice(0, 30)) {
          const me = `${o.layer}:${o.index}`;
          let t = performance.now();
          const cpu = idOf(picker.hitDot(at(o.x, o.y))?.picked);
          cpuMs.push(performance.now() - t);
          t = performance.now();
          const pass = idOf(scene.pick(at(o.x, o.y)));
          passMs.push(performance.now() - t);
          const cpuOut = idOf(picker.hitDot(at(o.x - 20, o.y))?.picked);
          const passOut = idOf(scene.pick(at(o.x - 20, o.y)));
          if (cpu !== me || pass !== me || cpuOut !== null || passOut === me)
            wrong.push(
              `${me} at (${Math.round(o.x)}, ${Math.round(o.y)}): centre ${cpu}/${pass}, left ${cpuOut}/${passOut}`,
            );
        }
        const p50 = (a: number[]) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
        return { checked: Math.min(30, alone.length), wrong, cpuP50: p50(cpuMs), passP50: p50(passMs) };
      },
      [lon, lat, range, pitch] as const,
    );
    console.log(
      `[e2e interaction] view ${range} m, pitch ${pitch}°: ${r.checked} lone dots; CPU hit p50 ${r.cpuP50.toFixed(2)} ms, ` +
        `pick pass p50 ${r.passP50.toFixed(1)} ms`,
    );
    expect(r.wrong).toEqual([]);
    expect(r.checked).toBeGreaterThanOrEqual(8);
  }
}
