/**
 * Accelerated soak of the command wall: a gateway of its own with the simulator at SIM_SPEED (default 600: ten
 * simulated hours a minute, an alarm storm of several critical site outages a second), the wall at 1280x720 with a
 * short alarm dwell and idle tour so the director, tour, boards, charts and live recolouring all run; every 15 s
 * after a forced GC it samples Cesium primitives (window.__rt.primitiveCount()), DOM nodes, JS event listeners and
 * documents (CDP Memory.getDOMCounters) and the JS heap; at the end it prints each series and its least-squares
 * slope per minute over the samples after warm-up.
 *
 *   npx vite build && npx tsx bench/soak-command.ts [minutes=6] [--rebuild-every=N]  (env SIM_SPEED, PORT)
 * --rebuild-every=N also forces a WebGL context loss every N samples (checks that rebuilds do not leak).
 */
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { slope } from "./soak-analysis";

const minutes = Number(process.argv.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 6);
const rebuildEvery = Number(process.argv.find((a) => a.startsWith("--rebuild-every="))?.split("=")[1] ?? 0);
const PORT = Number(process.env.PORT ?? 8795);
const SPEED = process.env.SIM_SPEED ?? "600";
const EVERY_MS = 15_000;
const base = `http://127.0.0.1:${PORT}`;

const gw = spawn("npx", ["tsx", "src/server/main.ts"], {
  env: {
    ...process.env,
    PORT: String(PORT),
    HOST: "127.0.0.1",
    STATIC_DIR: "dist",
    SIM_SPEED: SPEED,
    SIM_SEED: "5",
    SCENARIO_DB: "var/soak-command.db",
  },
  stdio: "ignore",
  detached: true,
});
const stopGw = () => {
  try {
    if (gw.pid) process.kill(-gw.pid, "SIGTERM");
  } catch {
    /* gone */
  }
};
process.on("exit", stopGw);
process.on("SIGINT", () => process.exit(130));

for (let t0 = Date.now(); ;) {
  try {
    if ((await fetch(`${base}/api/health`)).ok) break;
  } catch {
    /* starting */
  }
  if (Date.now() - t0 > 90_000) throw new Error("gateway did not start");
  await new Promise((r) => setTimeout(r, 500));
}

const browser = await chromium.launch({
  executablePath: existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined,
  args: [
    "--no-sandbox",
    "--enable-unsafe-swiftshader",
    "--js-flags=--expose-gc",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const errors: string[] = [];
page.on("pageerror", (e) => errors.push(e.message));
const cdp = await page.context().newCDPSession(page);
await page.goto(`${base}/?mode=command&dwell=5&idle=20`);
await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 180_000 });
await page.waitForFunction(
  () =>
    (window.__rt as unknown as { command?: { kpis(): { pueAvg: number | null } | null } }).command?.kpis()?.pueAvg !=
    null,
  null,
  { timeout: 180_000 },
);

interface Sample {
  tMin: number;
  prims: number;
  dom: number;
  listeners: number;
  heapMB: number;
  followed: number;
  dropped: number;
  rebuilds: number;
  alarms: number;
  frames: number;
  conn: string;
}
const samples: Sample[] = [];
const start = Date.now();
const n = Math.max(3, Math.round((minutes * 60_000) / EVERY_MS) + 1);
console.log(
  `soak: ${minutes} min at SIM_SPEED=${SPEED}, a sample every ${EVERY_MS / 1000} s${rebuildEvery ? `, context loss every ${rebuildEvery} samples` : ""}`,
);
console.log(
  "  t(min)  primitives  domNodes  listeners  heapMB  followed  dropped  rebuilds  alarms  liveFrames  connection",
);
for (let i = 0; i < n; i++) {
  if (i > 0) await new Promise((r) => setTimeout(r, start + i * EVERY_MS - Date.now()));
  if (rebuildEvery && i > 0 && i % rebuildEvery === 0) {
    await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>(".globe canvas")!;
      (c.getContext("webgl2") ?? c.getContext("webgl"))!.getExtension("WEBGL_lose_context")!.loseContext();
    });
  }
  await cdp.send("HeapProfiler.collectGarbage");
  const s = await page.evaluate(() => {
    (window as unknown as { gc?: () => void }).gc?.();
    const rt = window.__rt as unknown as {
      primitiveCount(): number;
      alarms(): unknown[];
      liveStats(): { snapshots: number; deltas: number };
      connection(): { state: string };
      command: { state(): { followed: number; dropped: number }; rebuilds(): unknown[] };
    };
    const st = rt.command.state();
    return {
      prims: rt.primitiveCount(),
      dom: document.getElementsByTagName("*").length,
      heapMB: (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize / 2 ** 20,
      followed: st.followed,
      dropped: st.dropped,
      rebuilds: rt.command.rebuilds().length,
      alarms: rt.alarms().length,
      frames: rt.liveStats().snapshots + rt.liveStats().deltas,
      conn: rt.connection().state,
    };
  });
  const counters = (await cdp.send("Memory.getDOMCounters")) as {
    documents: number;
    nodes: number;
    jsEventListeners: number;
  };
  const row: Sample = { tMin: (Date.now() - start) / 60_000, ...s, listeners: counters.jsEventListeners };
  samples.push(row);
  console.log(
    `  ${row.tMin.toFixed(2).padStart(6)}  ${String(row.prims).padStart(10)}  ${String(row.dom).padStart(8)}  ${String(row.listeners).padStart(9)}  ${row.heapMB.toFixed(1).padStart(6)}  ${String(row.followed).padStart(8)}  ${String(row.dropped).padStart(7)}  ${String(row.rebuilds).padStart(8)}  ${String(row.alarms).padStart(6)}  ${String(row.frames).padStart(10)}  ${row.conn}`,
  );
}

const warm = samples.slice(Math.min(2, samples.length - 2)); // skip the first two samples (warm-up)
const xs = warm.map((s) => s.tMin);
console.log(`\nslopes per minute over ${warm.length} samples after warm-up (t >= ${warm[0].tMin.toFixed(2)} min):`);
for (const k of ["prims", "dom", "listeners", "heapMB"] as const) {
  const ys = warm.map((s) => s[k]);
  console.log(
    `  ${k.padEnd(10)} slope ${slope(xs, ys).toFixed(3).padStart(9)} /min   min ${Math.min(...ys).toFixed(1)}  max ${Math.max(...ys).toFixed(1)}  last ${ys[ys.length - 1].toFixed(1)}`,
  );
}
console.log(`page errors: ${errors.length ? errors.join(" | ") : "none"}`);
await browser.close();
stopGw();
process.exit(0);
