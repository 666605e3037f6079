/**
 * Bring your own data, end to end: a GBK site sheet in GCJ-02 goes through `npm run import` into a fresh data
 * directory, a gateway serves that directory, and the twin shows the imported sites (count, inspector with the
 * source file) with the sample badge naming only the layers that are still sample data.
 */
import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { freePort, startGateway, type GatewayProc } from "../tests/faults/harness";
import { shot } from "./helpers";

// WGS84 positions in the urban core and their GCJ-02 coordinates (published forward transform)
const SITES = [
  ["FZ-GL-001", "鼓楼五四路站", "中国移动", "2.6G", 119.3012998, 26.071398],
  ["FZ-TJ-002", "台江万达站", "中国联通", "3.5G", 119.3110149, 26.0580228],
  ["FZ-CS-003", "仓山万达站", "中国电信", "n78", 119.3048, 25.9966],
  ["FZ-JA-004", "晋安王庄站", "广电", "700M", 119.3548, 26.1169],
  ["FZ-MW-005", "马尾快安站", "移动", "4.9G", 119.4561, 25.9899],
] as const;

let dir: string;
let gw: GatewayProc;
let importOut = "";

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rt-e2e-import-"));
  const lines = ["福州市5G基站清单", "基站编号,站名,运营商,频段,经度,纬度,挂高(m),方位角,下倾角"];
  for (const s of SITES) lines.push(`${s.join(",")},30,0/120/240,6`);
  lines.push("FZ-XX-006,厦门站,移动,2.6G,118.0846,24.4775,30,0/120/240,6");
  const file = join(dir, "福州基站.csv");
  writeFileSync(file, iconv.encode(lines.join("\r\n"), "gbk"));
  const dataDir = join(dir, "data");
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "tools/import/cli.ts", "sites", file, "--crs", "gcj02", "--data-dir", dataDir],
    { encoding: "utf8" },
  );
  importOut = r.stdout + r.stderr;
  expect(r.status, importOut).toBe(0);
  gw = await startGateway(await freePort(), { DATA_DIR: dataDir, STATIC_DIR: "dist" });
});

test.afterAll(async () => {
  await gw?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("an imported site sheet is what the twin shows; the sample badge names only sample layers", async ({ page }) => {
  expect(importOut).toMatch(/rows read 6, kept 5, refused 1/);
  expect(importOut).toMatch(/line 8: outside the city/);
  const report = JSON.parse(readFileSync(join(dir, "data", "import", "sites.report.json"), "utf8")) as {
    kept: number;
    encoding: string;
  };
  expect(report).toMatchObject({ kept: 5, encoding: "gb18030" });

  test.setTimeout(720_000); // SwiftShader on a shared 2-core machine: a drawn frame can take seconds
  await page.goto(`${gw.url}/`);
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 360_000 });
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
