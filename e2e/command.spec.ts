/**
 * The command-centre wall (?mode=command).
 *  - layout at 1920x1080, 5760x1080, 3840x2160 (+ 7680x2160 checked without a picture): panels inside the screen,
 *    no two panels overlap, no panel overflows horizontally; screenshots in e2e-artifacts/
 *  - a critical alarm injected through the ingest API flies the camera to its object; acknowledging it on one page
 *    (operator) shows it acknowledged on a second page (runs against its own gateway at SIM_SPEED=1 so the
 *    simulator's own critical alarms — ~20 a minute at x30 — do not crowd the queue)
 *  - WebGL context loss and a render error each rebuild the scene with the same camera, layers and selection
 */
import { CENSUS_2020_TOTAL, districtPopulation2020 } from "../src/protocol/population";
import { expect, test, type Page } from "@playwright/test";
import { startGateway, type Gateway } from "../src/testing";
import { sampleFile, shot } from "./helpers";

/** the development tokens, given explicitly (a production-mode gateway would otherwise use generated ones) */
const DEV_TOKENS = JSON.stringify({
  tokens: [
    { token: "dev-operator-token", role: "operator", name: "dev-operator" },
    { token: "dev-ingest-token", role: "ingest", name: "dev-ingest" },
  ],
  anonymous: "viewer",
});

const PANELS = [
  "cmd-header",
  "plan-board",
  "density-board",
  "live-board",
  "trend-board",
  "alarm-board",
  "cmd-follow",
  "inspector",
  "timeline",
];

async function openCommand(page: Page, url: string, opts: { kpis: boolean } = { kpis: true }): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 240_000 });
  // every layer has its snapshot
  await page.evaluate("window.__rt.liveReady");
  // an ingest-only gateway knows no status until a feed posts one, so its KPIs stay empty ("—")
  if (!opts.kpis) return;
  await page.waitForFunction(
    () => {
      const k = (
        window.__rt as {
          command?: {
            kpis(): { siteAvailability: number | null; pueAvg: number | null; congestion: number | null } | null;
          };
        }
      ).command?.kpis();
      return !!k && k.siteAvailability !== null && k.pueAvg !== null && k.congestion !== null;
    },
    null,
    { timeout: 200_000 },
  );
}

/** wait until the scene has drawn `n` more frames (software WebGL: seconds per frame at wall sizes) */
async function waitFrames(page: Page, n: number): Promise<void> {
  const f0 = await page.evaluate(
    () =>
      (window.__rt as unknown as { app: { twin: { scene: { frameState: { frameNumber: number } } } } }).app.twin.scene
        .frameState.frameNumber,
  );
  await page.waitForFunction(
    ([f, k]) => {
      const s = (
        window.__rt as unknown as {
          app: { twin: { scene: { frameState: { frameNumber: number }; requestRender(): void } } };
        }
      ).app.twin.scene;
      s.requestRender();
      return s.frameState.frameNumber >= f + k;
    },
    [f0, n],
    { timeout: 120_000, polling: 500 },
  );
}

interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  sw: number;
  cw: number;
}

async function panelBoxes(page: Page): Promise<Box[]> {
  return page.evaluate((ids) => {
    const out: Box[] = [];
    for (const id of ids) {
      const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
      if (!el || el.hidden || el.offsetParent === null) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      out.push({ id, x: r.left, y: r.top, w: r.width, h: r.height, sw: el.scrollWidth, cw: el.clientWidth });
    }
    return out;
  }, PANELS);
}

async function checkLayout(page: Page, w: number, h: number): Promise<void> {
  const boxes = await panelBoxes(page);
  const ids = boxes.map((b) => b.id);
  for (const need of ["cmd-header", "plan-board", "density-board", "live-board", "trend-board", "alarm-board"])
    expect(ids, `${w}x${h}`).toContain(need);
  for (const b of boxes) {
    expect(b.x, `${b.id} left @${w}x${h}`).toBeGreaterThanOrEqual(-0.5);
    expect(b.y, `${b.id} top @${w}x${h}`).toBeGreaterThanOrEqual(-0.5);
    expect(b.x + b.w, `${b.id} right @${w}x${h}`).toBeLessThanOrEqual(w + 0.5);
    expect(b.y + b.h, `${b.id} bottom @${w}x${h}`).toBeLessThanOrEqual(h + 0.5);
    expect(b.sw, `${b.id} overflows horizontally @${w}x${h}`).toBeLessThanOrEqual(b.cw);
  }
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      expect(ox > 0.5 && oy > 0.5, `${a.id} overlaps ${b.id} @${w}x${h}`).toBe(false);
    }
  // nothing inside a panel spills out sideways either (rows, tiles, the measured-vs-plan line)
  const spill = await page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLElement>(
        ".cmd-panel .plan-row, .cmd-panel .plan-measured, .cmd-panel .density-row, .flop-tile, .cmd-alarm, .density-head",
      ),
    ]
      .filter((e) => e.scrollWidth > e.clientWidth + 1)
      .map((e) => `${e.className}: ${e.scrollWidth} > ${e.clientWidth}`),
  );
  expect(spill, `@${w}x${h}`).toEqual([]);
}

test.describe.configure({ mode: "serial" });

test("wall layout at 1920x1080, 5760x1080, 3840x2160 and 7680x2160: no overlap, no overflow; plan and live KPIs shown", async ({
  page,
}) => {
  test.setTimeout(360_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // load at 1280x720 (software WebGL is ~4x slower per frame at 1920x1080), then resize the wall
  await openCommand(page, "/?mode=command&tour=0&res=0.3");

  // plan KPI board: ten indicators; measured 5G density beside the plan value, computed from the layer data
  await expect(page.locator(".plan-row[data-indicator]")).toHaveCount(10);
  const sites = sampleFile<{ items: { district: string }[] }>("sites.json").items;
  const districts = JSON.parse((await import("node:fs")).readFileSync("public/data/districts.geojson", "utf8")) as {
    features: { properties: { name: string; population: number } }[];
  };
  // the 2020 census total, districts scaled from the 2018 estimates (named on the board)
  const pop2020 = districtPopulation2020();
  const pop = CENSUS_2020_TOTAL;
  const city = (sites.length / pop) * 10000;
  // the measured density counts the sites in service (labelled so): all sites at most, and the simulator keeps most up
  await expect(page.getByTestId("density-city")).toHaveAttribute("data-value", /^\d+\.\d\d$/);
  const shown = Number(await page.getByTestId("density-city").getAttribute("data-value"));
  expect(shown).toBeLessThanOrEqual(Number(city.toFixed(2)));
  expect(shown).toBeGreaterThan(city * 0.9);
  await expect(page.getByTestId("density-board")).toContainText("仅计在网站点");
  await expect(page.getByTestId("measured-5g_sites_per_10k_people")).toContainText(/\d+\.\d/);
  const rows = page.locator(".density-row");
  await expect(rows).toHaveCount(13);
  await expect(page.getByTestId("density-board")).toContainText("8,291,268");
  await expect(page.getByTestId("density-trajectory").locator("[data-year]")).toHaveCount(4);
  const first = await rows.first().getAttribute("data-district");
  const counts = new Map<string, number>();
  for (const s of sites) counts.set(s.district, (counts.get(s.district) ?? 0) + 1);
  const best = districts.features
    .map((f) => ({
      n: f.properties.name,
      v: (counts.get(f.properties.name) ?? 0) / pop2020[f.properties.name as keyof typeof pop2020],
    }))
    .sort((a, b) => b.v - a.v)[0];
  expect(first).toBe(best.n);
  // live KPI flops have numbers
  await expect(page.getByTestId("kpi-availability")).toHaveText(/^\d+\.\d\d%$/);
  await expect(page.getByTestId("kpi-racks")).toHaveText(/^\d{1,3}(,\d{3})*$/);
  await expect(page.getByTestId("kpi-pueAvg")).toHaveText(/^1\.\d{3}$/);
  await expect(page.getByTestId("cmd-freshness")).toHaveAttribute("data-stale", "false", { timeout: 120_000 });

  const sizes: [number, number, string | null][] = [
    [1920, 1080, "command-1920x1080"],
    [5760, 1080, "command-5760x1080"],
    [3840, 2160, "command-3840x2160"],
    [7680, 2160, null],
  ];
  for (const [w, h, name] of sizes) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForFunction(
      ([sw]) =>
        Math.abs(Number(document.querySelector<HTMLElement>('[data-testid="cmd-wall"]')!.dataset.scale) - sw) < 1e-3,
      [h / 2160],
    );
    await checkLayout(page, w, h);
    if (name) {
      await waitFrames(page, 2); // a frame drawn at this size
      await shot(page, name);
    }
  }
  expect(errors).toEqual([]);
});

test("context loss and a render error rebuild the scene with the same camera, layers and selection", async ({
  page,
}) => {
  test.setTimeout(420_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // follow=none: the simulator's alarm storm at x30 must not move the camera or the selection during this test
  await openCommand(page, "/?mode=command&tour=0&follow=none&res=0.5");
  // a state worth restoring: a camera of our own, a hidden layer, a selected object
  await page.evaluate(() => {
    const rt = window.__rt as unknown as {
      lookAt(a: number, b: number, c: number, d: number): void;
      command: { setLayerVisible(l: string, v: boolean): void; select(l: string, i: number): void };
    };
    rt.lookAt(119.31, 26.07, 9000, -60);
    rt.command.setLayerVisible("chargers", false);
    rt.command.select("datacentres", 2);
  });
  const snap = () =>
    page.evaluate(() => {
      const rt = window.__rt as unknown as {
        cameraState(): { lon: number; lat: number; height: number; heading: number; pitch: number };
        counts(): Record<string, number>;
        primitiveCount(): number;
        app: { twin: { layers: { id: string; visible: boolean }[]; scene: { canvas: HTMLCanvasElement } } };
        command: { selection(): unknown; rebuilds(): unknown[]; impactPrimitives(): number };
      };
      return {
        cam: rt.cameraState(),
        counts: rt.counts(),
        visible: Object.fromEntries(rt.app.twin.layers.map((l) => [l.id, l.visible])),
        // the outage footprint follows the live outages, which change while the test runs
        prims: rt.primitiveCount() - rt.command.impactPrimitives(),
        selection: rt.command.selection(),
        rebuilds: rt.command.rebuilds().length,
        canvases: document.querySelectorAll(".globe canvas").length,
      };
    });
  const before = await snap();
  expect(before.visible.chargers).toBe(false);
  await page.evaluate(() => {
    const c = (window.__rt as unknown as { app: { twin: { scene: { canvas: HTMLCanvasElement } } } }).app.twin.scene
      .canvas;
    c.dataset.e2eOld = "1";
    const gl = c.getContext("webgl2") ?? c.getContext("webgl");
    gl!.getExtension("WEBGL_lose_context")!.loseContext();
  });
  await page.waitForFunction(
    () => (window.__rt as unknown as { command: { rebuilds(): unknown[] } }).command.rebuilds().length === 1,
    null,
    { timeout: 60_000 },
  );
  const compare = async (label: string) => {
    const after = await snap();
    expect(after.counts, label).toEqual(before.counts);
    expect(after.visible, label).toEqual(before.visible);
    expect(after.selection, label).toEqual(before.selection);
    expect(after.prims, `${label}: primitive count`).toBe(before.prims);
    expect(after.canvases, `${label}: canvases in the globe container`).toBe(before.canvases);
    expect(await page.locator("canvas[data-e2e-old]").count(), `${label}: the old canvas is gone`).toBe(0);
    expect(Math.abs(after.cam.lon - before.cam.lon), label).toBeLessThan(1e-6);
    expect(Math.abs(after.cam.lat - before.cam.lat), label).toBeLessThan(1e-6);
    expect(Math.abs(after.cam.height - before.cam.height), label).toBeLessThan(1);
    const dh = Math.abs(after.cam.heading - before.cam.heading) % (2 * Math.PI);
    expect(Math.min(dh, 2 * Math.PI - dh), `${label}: heading (mod 2π)`).toBeLessThan(1e-6);
    expect(Math.abs(after.cam.pitch - before.cam.pitch), label).toBeLessThan(1e-6);
    // the new scene renders: its context is alive and frames advance
    const frames = await page.evaluate(async () => {
      const s = (
        window.__rt as unknown as {
          app: {
            twin: {
              scene: {
                frameState: { frameNumber: number };
                requestRender(): void;
                context: { _gl: WebGL2RenderingContext };
              };
            };
          };
        }
      ).app.twin.scene;
      const f0 = s.frameState.frameNumber;
      s.requestRender();
      const t0 = performance.now();
      while (s.frameState.frameNumber === f0 && performance.now() - t0 < 20000)
        await new Promise((r) => setTimeout(r, 100));
      return { advanced: s.frameState.frameNumber > f0, lost: s.context._gl.isContextLost() };
    });
    expect(frames, label).toEqual({ advanced: true, lost: false });
    // the live layers are recoloured on the new scene (the selected data centre keeps its highlight)
    await expect(page.getByTestId("inspector")).toBeVisible();
  };
  await compare("after context loss");
  await shot(page, "command-after-context-loss");

  // a render error (a primitive whose update throws) stops Cesium's render loop: the scene is rebuilt too
  await page.evaluate(() => {
    const s = (
      window.__rt as unknown as {
        app: {
          twin: { scene: { canvas: HTMLCanvasElement; primitives: { add(p: unknown): void }; requestRender(): void } };
        };
      }
    ).app.twin.scene;
    s.canvas.dataset.e2eOld = "1";
    s.primitives.add({
      update() {
        throw new Error("e2e render error");
      },
      isDestroyed: () => false,
      destroy() {},
    });
    s.requestRender();
  });
  await page.waitForFunction(
    () => (window.__rt as unknown as { command: { rebuilds(): unknown[] } }).command.rebuilds().length === 2,
    null,
    { timeout: 60_000 },
  );
  await compare("after render error");
  const reasons = await page.evaluate(() =>
    (window.__rt as unknown as { command: { rebuilds(): { reason: string }[] } }).command
      .rebuilds()
      .map((r) => r.reason),
  );
  expect(reasons).toEqual(["webgl-context-lost", "render-error"]);
  expect(errors).toEqual([]);
});

// a gateway fed only by the ingest API: the simulator's own critical alarms would queue ahead of the injected one
test.describe("alarms (own gateway, ingest only)", () => {
  const PORT = 8796;
  const base = `http://127.0.0.1:${PORT}`;
  let gw: Gateway | null = null;
  test.beforeAll(async () => {
    gw = await startGateway({
      port: PORT,
      readyTimeoutMs: 90_000,
      env: {
        STATIC_DIR: "dist",
        SIM_SPEED: "1",
        SIM_SEED: "11",
        SCENARIO_DB: "var/e2e-command.db",
        RONGTWIN_TOKENS: DEV_TOKENS,
        LIVE_SOURCE: "ingest",
      },
    });
  });
  test.afterAll(async () => {
    await gw?.stop();
  });

  test("a critical alarm from the ingest API flies the camera to its object; an ack on one page reaches another", async ({
    browser,
  }) => {
    test.setTimeout(540_000);
    const dcs = sampleFile<{ items: { id: string; lon: number; lat: number; name: string }[] }>(
      "datacentres.json",
    ).items;
    const target = dcs[dcs.length - 1];
    const ctxA = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const ctxB = await browser.newContext({ viewport: { width: 960, height: 540 } });
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    // a long dwell: on a loaded machine the camera-arrival poll can return late, and the checks below must still
    // find the alarm being followed; the ack ends the dwell early, so the test does not wait it out
    await openCommand(a, `${base}/?mode=command&tour=0&dwell=90&token=dev-operator-token`, { kpis: false });
    await openCommand(b, `${base}/?mode=command&tour=0`, { kpis: false });
    const far = await a.evaluate(
      ([lon, lat]) => {
        const c = window.__rt!.cameraState();
        return Math.abs(c.lon - lon) > 0.05 || Math.abs(c.lat - lat) > 0.05 || c.height > 20000;
      },
      [target.lon, target.lat],
    );
    expect(far).toBe(true);
    await expect
      .poll(() => a.evaluate(() => window.__rt!.app.live?.conn.store.getState().server?.role))
      .toBe("operator");

    const res = await fetch(`${base}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer dev-ingest-token" },
      body: JSON.stringify({
        records: [
          {
            layer: "datacentres",
            id: target.id,
            ts: Date.now(),
            alarm: { kind: "e2e-fire", severity: "critical", text: "e2e 机房火警", text_en: "e2e fire alarm" },
          },
        ],
      }),
    });
    expect(res.ok, await res.clone().text()).toBe(true);
    expect((await res.json()).accepted).toBe(1);

    // page A's camera flies to the data centre and selects it
    await a.waitForFunction(
      ([lon, lat]) => {
        const c = window.__rt!.cameraState();
        return Math.abs(c.lon - lon) < 0.05 && Math.abs(c.lat - lat) < 0.05 && c.height < 6000;
      },
      [target.lon, target.lat],
      // the simulator's own critical alarms may be queued ahead of ours (25 s dwell + flights each)
      { timeout: 240_000 },
    );
    await expect(a.getByTestId("cmd-follow")).toHaveAttribute("data-activity", "alarm");
    // one alarm, reaching the page by its raise event and by the alarm list, is not shown as a repeat ("×2")
    await expect(a.getByTestId("cmd-follow")).not.toContainText("×");
    await expect(a.getByTestId("inspector")).toHaveAttribute("data-object-id", target.id);
    await shot(a, "command-alarm-follow");
    const alarmId = await a.evaluate(
      (id) =>
        (window.__rt!.alarms as () => { id: string; objectId: string; kind: string }[])().find(
          (x) => x.objectId === id && x.kind === "e2e-fire",
        )!.id,
      target.id,
    );
    await expect(a.getByTestId("cmd-follow")).toHaveAttribute("data-alarm-id", alarmId);

    // both boards list it, unacknowledged; page B (viewer) has no ack button
    const rowA = a.locator(`.cmd-alarm[data-alarm-id="${alarmId}"]`);
    const rowB = b.locator(`.cmd-alarm[data-alarm-id="${alarmId}"]`);
    await expect(rowA).toHaveAttribute("data-acked", "false");
    await expect(rowB).toHaveAttribute("data-acked", "false", { timeout: 30_000 });
    await expect(rowB.getByTestId("cmd-ack")).toHaveCount(0);
    await rowA.getByTestId("cmd-ack").click();

    // the gateway broadcasts the ack: page B shows it acknowledged (with time and who); page A returns home
    await expect(rowB).toHaveAttribute("data-acked", "true", { timeout: 30_000 });
    await expect(rowB.getByTestId("acked-at")).toContainText(/\d\d:\d\d:\d\d/);
    const acked = await b.evaluate(
      (id) => (window.__rt!.alarms as () => { id: string; ackedAt?: number }[])().find((x) => x.id === id)?.ackedAt,
      alarmId,
    );
    expect(typeof acked).toBe("number");
    await a.waitForFunction(() => window.__rt!.cameraState().height > 20000, null, { timeout: 60_000 });
    await shot(b, "command-ack-second-page");
    await ctxA.close();
    await ctxB.close();
  });
});
