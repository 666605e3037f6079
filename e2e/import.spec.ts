/**
 * Bring your own data, end to end, on one gateway and one page: a GBK site sheet in GCJ-02 and a footprint GeoJSON
 * go through `npm run import` into a fresh data directory, which also holds a raster MBTiles basemap made here and
 * a scene.json selecting it as a GCJ-02 source (as AMap/Tencent tiles are). A gateway serves that directory and
 * the twin shows it: the imported sites and buildings (counts, inspector with the source file, the sample badge
 * naming only the layers that are still sample data), and the basemap tiles from the gateway with a mark drawn at
 * a known WGS84 point's GCJ-02 pixel landing on that point on screen (within one tile pixel).
 */
import { expect, test, type Page } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { PNG } from "pngjs";
import { freePort, startGateway, type GatewayProc } from "../tests/faults/harness";
import { writeMbtiles, type TileBytes } from "../src/testing";
import { shot } from "./helpers";

// WGS84 positions in the urban core and their GCJ-02 coordinates (published forward transform)
const SITES = [
  ["FZ-GL-001", "鼓楼五四路站", "中国移动", "2.6G", 119.3012998, 26.071398],
  ["FZ-TJ-002", "台江万达站", "中国联通", "3.5G", 119.3110149, 26.0580228],
  ["FZ-CS-003", "仓山万达站", "中国电信", "n78", 119.3048, 25.9966],
  ["FZ-JA-004", "晋安王庄站", "广电", "700M", 119.3548, 26.1169],
  ["FZ-MW-005", "马尾快安站", "移动", "4.9G", 119.4561, 25.9899],
] as const;

/** a rectangle ring (closed, counter-clockwise) of half-sizes dx, dy degrees around lon, lat */
const rect = (lon: number, lat: number, dx: number, dy: number) => [
  [lon - dx, lat - dy],
  [lon + dx, lat - dy],
  [lon + dx, lat + dy],
  [lon - dx, lat + dy],
  [lon - dx, lat - dy],
];
/** the picked building: a courtyard block (outer ring + hole), 48 m by its height field */
const PICKED = { id: "FZ-B-001", lon: 119.306, lat: 26.08, heightM: 48 };
const FOOTPRINTS = {
  type: "FeatureCollection",
  features: [
    {
      type: "Feature",
      properties: { id: PICKED.id, height: String(PICKED.heightM), building: "office" },
      geometry: {
        type: "Polygon",
        coordinates: [rect(PICKED.lon, PICKED.lat, 0.0003, 0.0002), rect(PICKED.lon, PICKED.lat, 0.0001, 0.00007)],
      },
    },
    {
      type: "Feature",
      properties: { id: "FZ-B-002", "building:levels": 12 },
      geometry: { type: "Polygon", coordinates: [rect(119.3072, 26.08, 0.0002, 0.00015)] },
    },
    {
      type: "Feature",
      properties: { 编号: "FZ-B-003", 层数: "6", 用途: "住宅" },
      geometry: { type: "Polygon", coordinates: [rect(119.306, 26.081, 0.0002, 0.00015)] },
    },
    {
      type: "Feature",
      properties: { id: "FZ-B-004", height: 20 },
      geometry: {
        type: "Polygon",
        // a bow tie: the ring crosses itself
        coordinates: [
          [
            [119.308, 26.081],
            [119.3084, 26.0813],
            [119.3084, 26.081],
            [119.308, 26.0813],
            [119.308, 26.081],
          ],
        ],
      },
    },
  ],
};

/** The GCJ-02 check point: a WGS84 position and its GCJ-02 coordinates (published forward transform). */
const P = { wgs: [119.2965, 26.0745], gcj: [119.3012998, 26.071398] } as const;
/** the basemap's deepest level (scene.json maximumLevel) and the mark drawn there: a square of MARK tile pixels */
const ZMAX = 16;
const MARK = 9;
const BG = [72, 80, 88];
const MARK_RGB = [255, 0, 255];

/** Web Mercator global pixel coordinates of lon/lat at zoom z (256-pixel tiles), independent of Cesium */
function globalPixel(lon: number, lat: number, z: number): [number, number] {
  const n = 256 * 2 ** z;
  const s = Math.sin((lat * Math.PI) / 180);
  return [((lon + 180) / 360) * n, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n];
}

/**
 * The basemap as a GCJ-02 tile source would draw it: a grey grid everywhere, and at ZMAX a magenta square of MARK
 * pixels centred on the pixel of P's GCJ-02 coordinates. Tiles cover the city box up to zoom 9 and P's
 * neighbourhood beyond; other tiles are missing (the gateway answers 404).
 */
class BasemapFixture {
  readonly written = new Set<string>();
  /** the mark's centre in global pixels at ZMAX, and how far (in tile pixels) it is from P's exact GCJ-02 pixel */
  readonly markCentre: [number, number];
  readonly markOffset: [number, number];
  private readonly bg: Buffer;

  constructor() {
    const [gx, gy] = globalPixel(P.gcj[0], P.gcj[1], ZMAX);
    this.markCentre = [Math.floor(gx) + 0.5, Math.floor(gy) + 0.5];
    this.markOffset = [this.markCentre[0] - gx, this.markCentre[1] - gy];
    this.bg = PNG.sync.write(this.image(() => false));
  }

  tiles(): TileBytes[] {
    const out: TileBytes[] = [];
    for (let z = 0; z <= ZMAX; z++) {
      const box =
        z <= 9 ? [118, 24.9, 120.4, 27.1] : [P.gcj[0] - 0.012, P.gcj[1] - 0.012, P.gcj[0] + 0.012, P.gcj[1] + 0.012];
      const [x0, y0] = globalPixel(box[0]!, box[3]!, z).map((v) => Math.floor(v / 256));
      const [x1, y1] = globalPixel(box[2]!, box[1]!, z).map((v) => Math.floor(v / 256));
      for (let x = x0!; x <= x1!; x++)
        for (let y = y0!; y <= y1!; y++) {
          out.push({ z, x, y, data: z === ZMAX ? this.tileAt(x, y) : this.bg });
          this.written.add(`${z}/${x}/${y}`);
        }
    }
    return out;
  }

  markTile(): string {
    return `${ZMAX}/${Math.floor(this.markCentre[0] / 256)}/${Math.floor(this.markCentre[1] / 256)}`;
  }

  /** the ZMAX tile x, y: the grid, with the part of the mark that falls in it */
  private tileAt(x: number, y: number): Buffer {
    const half = (MARK - 1) / 2;
    const [cx, cy] = this.markCentre.map((v) => Math.floor(v)) as [number, number];
    const inMark = (u: number, v: number) => Math.abs(x * 256 + u - cx) <= half && Math.abs(y * 256 + v - cy) <= half;
    const touches = Math.abs(x * 256 + 127.5 - cx) <= 128 + half && Math.abs(y * 256 + 127.5 - cy) <= 128 + half;
    return touches ? PNG.sync.write(this.image(inMark)) : this.bg;
  }

  private image(inMark: (u: number, v: number) => boolean): PNG {
    const png = new PNG({ width: 256, height: 256 });
    for (let v = 0; v < 256; v++)
      for (let u = 0; u < 256; u++) {
        const rgb = inMark(u, v) ? MARK_RGB : u % 32 === 0 || v % 32 === 0 ? [120, 128, 136] : BG;
        png.data.set([...rgb, 255], (v * 256 + u) * 4);
      }
    return png;
  }
}

let dir: string;
let gw: GatewayProc;
let page: Page;
const out: Record<"sites" | "buildings", string> = { sites: "", buildings: "" };
const basemap = new BasemapFixture();
const tileResponses: { tile: string; status: number }[] = [];

function runImport(args: string[]): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", "tools/import/cli.ts", ...args], { encoding: "utf8" });
  const text = r.stdout + r.stderr;
  expect(r.status, text).toBe(0);
  return text;
}

function writeData(): string {
  dir = mkdtempSync(join(tmpdir(), "rt-e2e-import-"));
  const dataDir = join(dir, "data");
  const lines = ["福州市5G基站清单", "基站编号,站名,运营商,频段,经度,纬度,挂高(m),方位角,下倾角"];
  for (const s of SITES) lines.push(`${s.join(",")},30,0/120/240,6`);
  lines.push("FZ-XX-006,厦门站,移动,2.6G,118.0846,24.4775,30,0/120/240,6");
  const sites = join(dir, "福州基站.csv");
  writeFileSync(sites, iconv.encode(lines.join("\r\n"), "gbk"));
  out.sites = runImport(["sites", sites, "--crs", "gcj02", "--data-dir", dataDir]);
  const footprints = join(dir, "鼓楼建筑.geojson");
  writeFileSync(footprints, JSON.stringify(FOOTPRINTS));
  out.buildings = runImport(["buildings", footprints, "--data-dir", dataDir]);
  writeMbtiles(join(dataDir, "basemap.mbtiles"), basemap.tiles());
  const scene = JSON.parse(readFileSync("public/config/scene.json", "utf8")) as Record<string, unknown>;
  scene.basemap = { type: "xyz", url: "basemap/{z}/{x}/{y}", maximumLevel: ZMAX, crs: "gcj02", credit: "sample" };
  writeFileSync(join(dataDir, "scene.json"), JSON.stringify(scene));
  return dataDir;
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(720_000); // SwiftShader on a shared 2-core machine: a drawn frame can take seconds
  gw = await startGateway(await freePort(), { DATA_DIR: writeData(), STATIC_DIR: "dist" });
  page = await browser.newPage();
  page.on("response", (r) => {
    const m = /\/basemap\/(\d+\/\d+\/\d+)$/.exec(new URL(r.url()).pathname);
    if (m) tileResponses.push({ tile: m[1]!, status: r.status() });
  });
  await page.goto(`${gw.url}/`);
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 360_000 });
});

test.afterAll(async () => {
  await page?.close();
  await gw?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("an imported site sheet is what the twin shows; the sample badge names only sample layers", async () => {
  expect(out.sites).toMatch(/rows read 6, kept 5, refused 1/);
  expect(out.sites).toMatch(/line 8: outside the city/);
  const report = JSON.parse(readFileSync(join(dir, "data", "import", "sites.report.json"), "utf8")) as {
    kept: number;
    encoding: string;
  };
  expect(report).toMatchObject({ kept: 5, encoding: "gb18030" });

  await expect(page.getByTestId("count-sites")).toHaveText("5");
  const badge = page.getByTestId("sample-badge");
  await expect(badge).toBeVisible();
  await expect(badge).toHaveAttribute("data-layers", "datacentres chargers sensors");
  for (const l of ["datacentres", "chargers", "sensors"]) await page.locator(`input[data-layer="${l}"]`).uncheck();
  await expect(badge).toBeHidden();
  await page.locator(`input[data-layer="chargers"]`).check();
  await expect(badge).toBeVisible();
  await expect(badge).toHaveAttribute("data-layers", "chargers");
  await page.locator(`input[data-layer="chargers"]`).uncheck();
  await expect(badge).toBeHidden();

  await shot(page, "import-sites-badge-off");
  await page.getByTestId("search").fill("鼓楼五四路站");
  await page.getByTestId("search").press("Enter");
  const inspector = page.getByTestId("inspector");
  await expect(inspector.locator('[data-field="id"]')).toHaveText("FZ-GL-001");
  await expect(inspector.locator('[data-field="name"]')).toHaveText("鼓楼五四路站");
  await expect(inspector.locator('[data-field="operator"]')).toHaveText("中国移动");
  await expect(inspector.locator('[data-field="source"]')).toHaveText("福州基站.csv");
  await shot(page, "import-sites-inspector");
});

test("imported footprints are the buildings layer: tiles from the gateway, count, picked properties, no badge", async () => {
  test.setTimeout(360_000);
  expect(out.buildings).toMatch(/rows read 4, kept 3, refused 1/);
  expect(out.buildings).toMatch(/self-crossing ring/);

  await expect(page.getByTestId("count-buildings")).toHaveText("3");
  await expect(page.getByTestId("sample-badge")).toBeHidden(); // the imported buildings are shown, and not sample
  await page.locator(`input[data-layer="sites"]`).uncheck();
  await page.evaluate(({ lon, lat }) => window.__rt!.lookAt(lon, lat, 450), PICKED);
  // the roof's centre on screen, once the imported tiles are drawn
  const roof = await page.waitForFunction(
    ({ lon, lat, heightM }) => {
      const rt = window.__rt!;
      const { scene, buildings } = rt.app.twin;
      rt.requestRender();
      if (!buildings?.tilesLoaded || !scene.globe.tilesLoaded) return null;
      const rad = Math.PI / 180;
      const p = scene.globe.ellipsoid.cartographicToCartesian({
        longitude: lon * rad,
        latitude: lat * rad,
        height: heightM,
      } as Parameters<typeof scene.globe.ellipsoid.cartographicToCartesian>[0]);
      const c = scene.cartesianToCanvasCoordinates(p);
      return c ? { x: c.x, y: c.y } : null;
    },
    PICKED,
    { timeout: 240_000, polling: 1000 },
  );
  const at = (await roof.jsonValue())!;
  await shot(page, "import-buildings");
  const inspector = page.getByTestId("inspector");
  await expect(async () => {
    await page.locator('[data-testid="globe"] canvas').first().click({ position: at });
    await expect(inspector.locator('[data-field="id"]')).toHaveText(PICKED.id, { timeout: 10_000 });
  }).toPass({ timeout: 120_000 });
  await expect(inspector.locator('[data-field="buildingHeight"]')).toHaveText(String(PICKED.heightM));
  await expect(inspector.locator('[data-field="usage"]')).toHaveText("office");
  await expect(inspector.locator('[data-field="source"]')).toHaveText("鼓楼建筑.geojson");
  await shot(page, "import-buildings-picked");
});

test("a local MBTiles basemap in GCJ-02 is served by the gateway and puts a WGS84 point on its pixel", async () => {
  test.setTimeout(360_000);
  await page.locator(`input[data-layer="buildings"]`).uncheck();
  await page.evaluate(({ wgs }) => window.__rt!.lookAt(wgs[0], wgs[1], 800), P);
  // the mark on the canvas (device pixels): its pixels' centroid and extent, and P's own position on screen
  const found = await page.waitForFunction(
    ({ wgs }) => {
      const rt = window.__rt!;
      const { scene } = rt.app.twin;
      rt.requestRender();
      if (!scene.globe.tilesLoaded) return null;
      const canvas = scene.canvas;
      const k = canvas.width / canvas.clientWidth;
      const copy = document.createElement("canvas");
      copy.width = canvas.width;
      copy.height = canvas.height;
      const g = copy.getContext("2d")!;
      g.drawImage(canvas, 0, 0);
      const px = g.getImageData(0, 0, copy.width, copy.height).data;
      let n = 0,
        sx = 0,
        sy = 0,
        x0 = Infinity,
        x1 = -Infinity;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i]! - px[i + 1]! > 100 && px[i + 2]! - px[i + 1]! > 100) {
          const x = (i / 4) % copy.width;
          const y = Math.floor(i / 4 / copy.width);
          n++;
          sx += x + 0.5;
          sy += y + 0.5;
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x + 1);
        }
      }
      if (n < 16) return null;
      const rad = Math.PI / 180;
      const p = scene.globe.ellipsoid.cartographicToCartesian({
        longitude: wgs[0] * rad,
        latitude: wgs[1] * rad,
        height: 0,
      } as Parameters<typeof scene.globe.ellipsoid.cartographicToCartesian>[0]);
      const c = scene.cartesianToCanvasCoordinates(p)!;
      return { n, cx: sx / n, cy: sy / n, width: x1 - x0, px: c.x * k, py: c.y * k };
    },
    P,
    { timeout: 240_000, polling: 1000 },
  );
  const m = (await found.jsonValue())!;
  await shot(page, "import-basemap-gcj02");

  // every tile request was answered from the MBTiles file: 200 for the tiles written, 404 for the others
  expect(tileResponses.length).toBeGreaterThan(0);
  for (const r of tileResponses)
    expect(r, r.tile).toEqual({ tile: r.tile, status: basemap.written.has(r.tile) ? 200 : 404 });
  expect(tileResponses).toContainEqual({ tile: basemap.markTile(), status: 200 });

  // screen pixels per tile pixel, from the mark's own width; then P's distance from where the mark says it is
  const scale = m.width / MARK;
  expect(scale).toBeGreaterThan(1.5); // the deepest level is drawn magnified: a tile pixel is several screen pixels
  const expectX = m.px + basemap.markOffset[0] * scale;
  const expectY = m.py + basemap.markOffset[1] * scale;
  const errTilePx = Math.hypot(m.cx - expectX, m.cy - expectY) / scale;
  console.log(
    `GCJ-02 tiling: mark at (${m.cx.toFixed(1)}, ${m.cy.toFixed(1)}) px, ${scale.toFixed(2)} px per tile px, ${errTilePx.toFixed(2)} tile px from the WGS84 point`,
  );
  expect(errTilePx).toBeLessThan(1);
});
