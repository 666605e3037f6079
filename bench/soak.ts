/**
 * Accelerated soak of the live system: a gateway process of its own with the simulator at SIM_SPEED (default 600 =
 * ten simulated hours per real minute: several daily load cycles, outage storms, alarm churn) and the twin page
 * open in Chromium (flags as in playwright.config.ts, --js-flags=--expose-gc). Every 15 s, after a forced GC, it
 * samples:
 *   heapMB    JS heap used (performance.memory after HeapProfiler.collectGarbage + window.gc())
 *   dom       DOM nodes in the document (document.getElementsByTagName("*"), right after the GC)
 *   cdpNodes  all DOM nodes alive incl. detached ones not yet collected, and listeners: JS event listeners
 *             (CDP Memory.getDOMCounters; transient spikes appear while a big list is being re-rendered; the
 *             counter also holds listeners on objects Blink has not finalised yet, so it lags what is released)
 *   domListeners  the listeners on the document's nodes and on the window, listed by DOMDebugger.getEventListeners:
 *             exactly what is attached, the number a leak of listeners shows in
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
 * --command opens the command wall (short alarm dwell and idle tour, so the director, tour, boards, charts and live
 * recolouring all run) and also prints the director's followed/dropped counts and the rebuilds;
 * --rebuild-every=N forces a WebGL context loss every N samples (rebuilds must not leak).
 *
 *   npx tsx tools/ensure-build.ts && npx tsx bench/soak.ts [minutes=6] [--command] [--rebuild-every=N]
 *   (env SIM_SPEED, PORT: default a free port, SOAK_URL_QUERY: extra query for the page)
 */
import { chromium } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import WebSocket from "ws";
import { chromiumLaunchOptions, freePort, startGateway, sleep } from "../src/testing";
import { collectGarbage, loseContext } from "./lib/wall-page";
import { report, type Sample } from "./soak-analysis";

const args = process.argv.slice(2);
const minutes = Number(args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 6);
const command = args.includes("--command");
const rebuildEvery = Number(args.find((a) => a.startsWith("--rebuild-every="))?.split("=")[1] ?? 0);
const SPEED = process.env.SIM_SPEED ?? "600";
// Ctrl-C ends through process.exit, whose handler in src/testing kills the gateway
process.on("SIGINT", () => process.exit(130));
const EVERY_MS = 15_000;
if (!existsSync("dist/index.html")) throw new Error("dist/ missing: run `npx tsx tools/ensure-build.ts` first");

const gw = await startGateway({
  port: Number(process.env.PORT ?? (await freePort())),
  nodeArgs: ["--inspect=127.0.0.1:0"],
  readyTimeoutMs: 90_000,
  env: {
    STATIC_DIR: "dist",
    SIM_SPEED: SPEED,
    SIM_SEED: command ? "5" : "8",
    SCENARIO_DB: command ? "var/soak-command.db" : "var/soak-scenarios.db",
    NODE_ENV: "test",
  },
});
const base = gw.url;
const inspectorUrl = gw.log.map((l) => /Debugger listening on (ws:\/\/\S+)/.exec(l)?.[1]).find(Boolean) ?? "";
if (!inspectorUrl) throw new Error(`gateway printed no inspector URL:\n${gw.log.join("\n")}`);

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

const gwHeap = await gatewayInspector();
const browser = await chromium.launch(chromiumLaunchOptions(true));
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const errors: string[] = [];
page.on("pageerror", (e) => errors.push(e.message));
const cdp = await page.context().newCDPSession(page);
await page.goto(`${base}/${command ? "?mode=command&dwell=5&idle=20" : "?"}${process.env.SOAK_URL_QUERY ?? ""}`);
await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 180_000 });
await page.waitForFunction(
  () => typeof (window.__rt as unknown as { liveDigest?: unknown })?.liveDigest === "function",
  null,
  { timeout: 120_000 },
);
if (command)
  await page.waitForFunction(
    () =>
      (window.__rt as unknown as { command?: { kpis(): { pueAvg: number | null } | null } }).command?.kpis()?.pueAvg !=
      null,
    null,
    { timeout: 180_000 },
  );

/** the command wall's own counters, printed under each sample row (not part of the trend analysis) */
async function commandState(): Promise<string> {
  const c = await page.evaluate(() => {
    const rt = window.__rt as unknown as {
      command: { state(): { followed: number; dropped: number }; rebuilds(): unknown[] };
      connection(): { state: string };
    };
    const st = rt.command.state();
    return { ...st, rebuilds: rt.command.rebuilds().length, conn: rt.connection().state };
  });
  return `          command: followed ${c.followed}, dropped ${c.dropped}, rebuilds ${c.rebuilds}, connection ${c.conn}`;
}

/** listeners on the document's nodes (every depth, shadow roots included) and on the window */
async function attachedListeners(): Promise<number> {
  let n = 0;
  for (const expression of ["document", "window"]) {
    const { result } = (await cdp.send("Runtime.evaluate", { expression })) as { result: { objectId: string } };
    const r = (await cdp.send("DOMDebugger.getEventListeners", {
      objectId: result.objectId,
      depth: -1,
      pierce: true,
    })) as {
      listeners: unknown[];
    };
    n += r.listeners.length;
    await cdp.send("Runtime.releaseObject", { objectId: result.objectId });
  }
  return n;
}

const samples: Sample[] = [];
const start = Date.now();
const n = Math.max(3, Math.round((minutes * 60_000) / EVERY_MS) + 1);
console.log(
  `soak: ${command ? "command wall, " : ""}${minutes} min at SIM_SPEED=${SPEED}, a sample every ${EVERY_MS / 1000} s${rebuildEvery ? `, context loss every ${rebuildEvery} samples` : ""}, gateway pid ${gw.proc.pid}`,
);
console.log(
  "  t(min)  heapMB  domNodes  cdpNodes  listeners  domListeners  primitives  gwRssMB  gwHeapMB  gwExtMB   sitesSeq  alarms",
);
for (let i = 0; i < n; i++) {
  if (i > 0) await sleep(Math.max(0, start + i * EVERY_MS - Date.now()));
  // a loaded machine samples late: end at the wall-clock length asked for, not after n samples (the browser lock
  // must not be held for an hour)
  if (i >= 3 && Date.now() - start > minutes * 60_000 + EVERY_MS) {
    console.log(`  (time is up after ${i} samples: each took ${((Date.now() - start) / i / 1000).toFixed(0)} s)`);
    break;
  }
  if (rebuildEvery && i > 0 && i % rebuildEvery === 0) await loseContext(page);
  await collectGarbage(cdp);
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
    domListeners: await attachedListeners(),
    prims: s.prims,
    gwRssMB: rssMB(gw.proc.pid!),
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
    `  ${row.tMin.toFixed(2).padStart(6)}  ${row.heapMB.toFixed(1).padStart(6)}  ${String(row.dom).padStart(8)}  ${String(row.cdpNodes).padStart(8)}  ${String(row.listeners).padStart(9)}  ${String(row.domListeners).padStart(12)}  ${String(row.prims).padStart(10)}  ${row.gwRssMB.toFixed(1).padStart(7)}  ${row.gwHeapMB.toFixed(1).padStart(8)}  ${row.gwExtMB.toFixed(1).padStart(7)}  ${String(row.seq).padStart(9)}  ${String(row.alarms).padStart(6)}`,
  );
  if (command) console.log(await commandState());
}

const { text, pass } = report(samples);
console.log(text);
console.log(`page errors: ${errors.length ? errors.join(" | ") : "none"}`);
await browser.close();
await gw.stop();
process.exit(pass && !errors.length ? 0 : 1);
