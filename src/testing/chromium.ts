/**
 * How every browser run launches Chromium (Playwright e2e, bench, soak, screenshots): Debian's Chromium where
 * present (CI, this machine; CHROMIUM_PATH overrides), Playwright's own browser elsewhere, with software WebGL and
 * no background traffic. `forBench` adds what long measured runs need (no timer throttling of a hidden page).
 */
import { existsSync } from "node:fs";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export const chromiumPath: string | undefined =
  process.env.CHROMIUM_PATH ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);

export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--enable-unsafe-swiftshader",
  "--js-flags=--expose-gc",
];

export const CHROMIUM_BENCH_ARGS: readonly string[] = [
  ...CHROMIUM_ARGS,
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
];

export function chromiumLaunchOptions(forBench = false): { executablePath: string | undefined; args: string[] } {
  return { executablePath: chromiumPath, args: [...(forBench ? CHROMIUM_BENCH_ARGS : CHROMIUM_ARGS)] };
}
