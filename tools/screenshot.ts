/**
 * Developer helper: screenshot a page of the running app in Debian's Chromium and print console errors.
 *   tsx tools/screenshot.ts <url> <out.png> [width] [height] [waitForSelector]
 */
import { chromium } from "@playwright/test";
import { chromiumLaunchOptions } from "../src/testing/chromium";

const [url, out, w = "1280", hgt = "720", waitSel = "body[data-ready=true]"] = process.argv.slice(2);
if (!url || !out) {
  console.error("usage: tsx tools/screenshot.ts <url> <out.png> [width] [height] [selector]");
  process.exit(2);
}
const browser = await chromium.launch(chromiumLaunchOptions());
const page = await browser.newPage({ viewport: { width: Number(w), height: Number(hgt) } });
page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && console.log(`[${m.type()}]`, m.text()));
page.on("pageerror", (e) => console.log("[pageerror]", e.message));
page.on("requestfailed", (r) => console.log("[requestfailed]", r.url(), r.failure()?.errorText));
await page.goto(url);
await page.waitForSelector(waitSel, { timeout: 120_000 });
if (process.env.EVAL) await page.evaluate(process.env.EVAL);
await page.waitForTimeout(Number(process.env.SETTLE_MS ?? 8000));
await page.screenshot({ path: out });
console.log("saved", out);
await browser.close();
