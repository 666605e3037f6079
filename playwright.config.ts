import { defineConfig } from "@playwright/test";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumLaunchOptions } from "./src/testing/chromium";

const PORT = Number(process.env.E2E_PORT ?? 8799);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 720 },
    // Debian's Chromium where present (CI, this machine); Playwright's own browser elsewhere (a user's laptop)
    launchOptions: chromiumLaunchOptions(),
    trace: "off",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: `tsx src/server/main.ts`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      STATIC_DIR: "dist",
      SIM_SPEED: "30",
      SIM_SEED: "7",
      SCENARIO_DB: "var/e2e-scenarios.db",
      // history and replay, a fresh store per run
      HISTORY_URL: join(tmpdir(), `rt-e2e-history-${PORT}-${Date.now()}.db`),
      // the simulator runs and real feeds may also post (tests inject alarms through the ingest API)
      LIVE_SOURCE: "both",
      // known test tokens, one per role
      RONGTWIN_TOKENS: JSON.stringify({
        tokens: [
          { token: "e2e-viewer-token", role: "viewer", name: "e2e-viewer" },
          { token: "dev-operator-token", role: "operator", name: "e2e-operator" },
          { token: "dev-planner-token", role: "planner", name: "e2e-planner" },
          { token: "dev-ingest-token", role: "ingest", name: "e2e-ingest" },
        ],
        anonymous: "viewer",
      }),
    },
  },
});
