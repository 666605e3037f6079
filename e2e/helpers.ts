/** Shared e2e helpers: wait for the app, collect off-origin requests, save screenshots as artefacts. */
import { expect, type Page } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ARTIFACTS = "e2e-artifacts";
mkdirSync(ARTIFACTS, { recursive: true });

export async function openApp(page: Page, query = ""): Promise<void> {
  await page.goto(`/${query}`);
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 120_000 });
}

export async function shot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.evaluate(() => window.__rt?.requestRender());
  await page.screenshot({ path });
  return path;
}

/** Record every request that leaves the page's own origin (data: and blob: are local). */
export function watchForeignRequests(page: Page, baseURL: string): string[] {
  const origin = new URL(baseURL).origin;
  const foreign: string[] = [];
  page.on("request", (r) => {
    const u = r.url();
    if (u.startsWith("data:") || u.startsWith("blob:")) return;
    if (new URL(u).origin !== origin) foreign.push(u);
  });
  return foreign;
}

export function sampleFile<T = { items: unknown[] }>(name: string): T {
  return JSON.parse(readFileSync(join("public", "data", name), "utf8")) as T;
}

export async function expectNoPageErrors(errors: string[]): Promise<void> {
  expect(errors, errors.join("\n")).toEqual([]);
}
