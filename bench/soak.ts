/**
 * Accelerated soak of the live system (issue 8 §4): a gateway process of its own with the simulator at SIM_SPEED
 * (default 600 = ten simulated hours per real minute: several daily load cycles, outage storms, alarm churn) and
 * the default twin page open in Chromium (flags as in playwright.config.ts, --js-flags=--expose-gc). Every 15 s,
 * after a forced GC, it samples:
 *   heapMB    JS heap used (performance.memory after HeapProfiler.collectGarbage + window.gc())
 *   dom       DOM nodes in the document (document.getElementsByTagName("*"), right after the GC)
 *   cdpNodes  all DOM nodes alive incl. detached ones not yet collected, and listeners: JS event listeners
 *             (CDP Memory.getDOMCounters; transient spikes appear while a big list is being re-rendered)
 *   prims     Cesium primitives incl. points in collections (window.__rt.primitiveCount())
 *   gwRssMB   gateway RSS (/proc/<pid>/status VmRSS of the gateway node process)
 *   gwHeapMB  gateway JS heap used after a forced GC (the gateway runs with --inspect on a random loopback
 *             port; the soak asks it over the DevTools protocol: HeapProfiler.collectGarbage, Runtime.getHeapUsage)
 *   gwExtMB   gateway memory outside the JS heap: process.memoryUsage() external + arrayBuffers (Buffers, socket
 *             send buffers), evaluated in the gateway over the same DevTools session
 *   seq       sites seq the page has applied (proves the stream kept flowing)
 * (browser samples follow two forced GCs 300 ms apart) and prints, per quantity, the least-squares slope of
 * the raw samples and of the 2-minute window minima ("floor") after warm-up, with a verdict (bench/soak-analysis.ts
 * explains the rule; it also re-analyses a saved log). Not part of npm test.
 *
 *   npx tsx tools/ensure-build.ts && npx tsx bench/soak.ts [minutes=6]   (env SIM_SPEED, PORT, SOAK_URL_QUERY)
 */
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import WebSocket from "ws";
import { report, type Sample } from "./soak-analysis";

const minutes = Number(process.argv.slice(2).find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 6);
const PORT = Number(process.env.PORT ?? 8796);
const SPEED = process.env.SIM_SPEED ?? "600";
const EVERY_MS = 15_000;
const base = `http://127.0.0.1:${PORT}`;
if (!existsSync("dist/index.html")) throw new Error("dist/ missing: run `npx tsx tools/ensure-build.ts` first");

// node directly (not npx) so gw.pid is the gateway process whose RSS we sample
const gw = spawn(process.execPath, ["--inspect=127.0.0.1:0", "--import", "tsx", "src/server/main.ts"], {
  env: {
    ...process.env,
    PORT: String(PORT),
    HOST: "127.0.0.1",
    STATIC_DIR: "dist",
    SIM_SPEED: SPEED,
    SIM_SEED: "8",
    SCENARIO_DB: "var/soak-scenarios.db",
    NODE_ENV: "test",
  },
  stdio: ["ignore", "ignore", "pipe"],
});
let inspectorUrl = "";
gw.stderr!.on("data", (b: Buffer) => {
  const m = /Debugger listening on (ws:\/\/\S+)/.exec(b.toString());
  if (m) inspectorUrl = m[1];
  else if (!/For help, see|Debugger attached/.test(b.toString())) process.stderr.write(b);
});
const stopGw = () => {
  try {
    gw.kill("SIGTERM");
  } catch {
    /* gone */
  }
};
process.on("exit", stopGw);
process.on("SIGINT", () => process.exit(130));

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A minimal DevTools-protocol session with the gateway process: GC, then heap used. */
async function gatewayInspector(): Promise<() => Promise<{ heap: number; ext: number }>> {
  const ws = new WebSocket(inspectorUrl);
  await new Promise((r, j) => ws.once("open", r).once("error", j));
  let id = 0;
  const pending = new Map<number, (v: unknown) => void>();
  ws.on("message", (m) => {
    const msg = JSON.parse(m.toString()) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const call = (method: string, params?: unknown) =>
    new Promise<unknown>((r) => {
      pending.set(++id, r);
      ws.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }));
    });
  return async () => {
    await call("HeapProfiler.collectGarbage");
    const u = (await call("Runtime.getHeapUsage")) as { usedSize: number };
    const e = (await call("Runtime.evaluate", {
      expression: "(() => { const m = process.memoryUsage(); return m.external + m.arrayBuffers; })()",
      returnByValue: true,
    })) as { result?: { value?: number } };
    return { heap: u.usedSize / 2 ** 20, ext: (e.result?.value ?? NaN) / 2 ** 20 };
  };
}

for (let t0 = Date.now(); ;) {
  try {
    if ((await fetch(`${base}/api/health`)).ok) break;
  } catch {
    /* starting */
  }
  if (Date.now() - t0 > 90_000) throw new Error("gateway did not start");
  await new Promise((r) => setTimeout(r, 500));
}

const gwHeap = await gatewayInspector();
const browser = await chromium.launch({
  executablePath: existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined,
  args: [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
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
await page.goto(`${base}/${process.env.SOAK_URL_QUERY ?? ""}`);
await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 180_000 });
await page.waitForFunction(
  () => typeof (window.__rt as unknown as { liveDigest?: unknown })?.liveDigest === "function",
  null,
  { timeout: 120_000 },
);

const samples: Sample[] = [];
const start = Date.now();
const n = Math.max(3, Math.round((minutes * 60_000) / EVERY_MS) + 1);
console.log(`soak: ${minutes} min at SIM_SPEED=${SPEED}, a sample every ${EVERY_MS / 1000} s, gateway pid ${gw.pid}`);
console.log(
  "  t(min)  heapMB  domNodes  cdpNodes  listeners  primitives  gwRssMB  gwHeapMB  gwExtMB   sitesSeq  alarms",
);
for (let i = 0; i < n; i++) {
  if (i > 0) await new Promise((r) => setTimeout(r, Math.max(0, start + i * EVERY_MS - Date.now())));
  // two full collections 300 ms apart: DOM nodes whose JS wrappers die in the first are swept by the second
  await cdp.send("HeapProfiler.collectGarbage");
  await new Promise((r) => setTimeout(r, 300));
  await cdp.send("HeapProfiler.collectGarbage");
  const counters = (await cdp.send("Memory.getDOMCounters")) as {
    documents: number;
    nodes: number;
    jsEventListeners: number;
  };
  const s = await page.evaluate(() => {
    (window as unknown as { gc?: () => void }).gc?.();
    const rt = window.__rt as unknown as { primitiveCount(): number; alarms?: () => unknown[]; app: unknown };
    const stats = (window.__rt as unknown as { liveStats?: () => { deltas: number } }).liveStats?.();
    return {
      prims: rt.primitiveCount(),
      dom: document.getElementsByTagName("*").length,
      heapMB: (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize / 2 ** 20,
      alarms: rt.alarms?.().length ?? 0,
      deltas: stats?.deltas ?? 0,
      digest: (window.__rt as unknown as { liveDigest(): string }).liveDigest(),
    };
  });
  const seq = Number(/sites@(\d+)/.exec(s.digest)?.[1] ?? 0);
  const row: Sample = {
    tMin: (Date.now() - start) / 60_000,
    heapMB: s.heapMB,
    dom: s.dom,
    cdpNodes: counters.nodes,
    listeners: counters.jsEventListeners,
    prims: s.prims,
    gwRssMB: rssMB(gw.pid!),
    gwHeapMB: 0,
    gwExtMB: 0,
    seq,
    alarms: s.alarms,
  };
  const g = await gwHeap();
  row.gwHeapMB = g.heap;
  row.gwExtMB = g.ext;
  samples.push(row);
  console.log(
    `  ${row.tMin.toFixed(2).padStart(6)}  ${row.heapMB.toFixed(1).padStart(6)}  ${String(row.dom).padStart(8)}  ${String(row.cdpNodes).padStart(8)}  ${String(row.listeners).padStart(9)}  ${String(row.prims).padStart(10)}  ${row.gwRssMB.toFixed(1).padStart(7)}  ${row.gwHeapMB.toFixed(1).padStart(8)}  ${row.gwExtMB.toFixed(1).padStart(7)}  ${String(row.seq).padStart(9)}  ${String(row.alarms).padStart(6)}`,
  );
}

const { text, pass } = report(samples);
console.log(text);
console.log(`page errors: ${errors.length ? errors.join(" | ") : "none"}`);
await browser.close();
stopGw();
process.exit(pass && !errors.length ? 0 : 1);
