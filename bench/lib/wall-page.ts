/**
 * The command wall in a bench page, for the soak and the leak diagnostics: open it, force a WebGL context loss (the
 * wall rebuilds its scene), wait for that rebuild, and collect garbage the same way before every count.
 */
import type { CDPSession, Page } from "@playwright/test";
import { sleep, until } from "../../src/testing";

type WallHooks = { command: { rebuilds(): unknown[] } };

/** the wall loaded, live and with its command mode mounted */
export async function openWall(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 180_000 });
  await page.waitForFunction(() => !!(window.__rt as unknown as Partial<WallHooks>).command, null, {
    timeout: 120_000,
  });
}

export function rebuildCount(page: Page): Promise<number> {
  return page.evaluate(() => (window.__rt as unknown as WallHooks).command.rebuilds().length);
}

/** what a lost GPU does to the page: the globe's WebGL context is lost */
export async function loseContext(page: Page): Promise<void> {
  await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>(".globe canvas")!;
    (c.getContext("webgl2") ?? c.getContext("webgl"))!.getExtension("WEBGL_lose_context")!.loseContext();
  });
}

/** a context loss and the rebuild it triggers, then `settleMs` for the new scene to start */
export async function forceRebuild(page: Page, settleMs = 4000): Promise<void> {
  const before = await rebuildCount(page);
  await loseContext(page);
  await until(async () => (await rebuildCount(page)) > before, 60_000, "the rebuild after a context loss", 250);
  await sleep(settleMs);
}

/** two full collections 300 ms apart: DOM nodes whose JS wrappers die in the first are swept by the second */
export async function collectGarbage(cdp: CDPSession): Promise<void> {
  await cdp.send("HeapProfiler.collectGarbage");
  await sleep(300);
  await cdp.send("HeapProfiler.collectGarbage");
}
