/**
 * Which event listeners a scene rebuild leaves behind, counted inside the page: an init script wraps
 * EventTarget.prototype.addEventListener/removeEventListener and keeps, per live registration, a weak reference to
 * its target and the stack that added it. After each forced WebGL context loss (and the rebuild it triggers) and two
 * GCs, the registrations whose target is still alive are grouped by target kind, event type and the first stack
 * frames, and the groups that grew between rebuilds are printed (with an unminified build the frames name the
 * functions). Memory.getDOMCounters is printed alongside (it also counts `onX =` handlers, which this does not see).
 *
 *   npx vite build --outDir .tmp/dist-diag --minify false
 *   npx tsx bench/listener-registry.ts [rebuilds=3]   (env STATIC_DIR, PORT)
 *
 * NO_REBUILD=1 takes a snapshot a minute instead of rebuilding (what grows with time alone); COUNTERS_ONLY=1 runs
 * without the registry and prints only Memory.getDOMCounters (the registry's weak references must not be what keeps
 * an old canvas alive).
 *
 * Not part of npm test.
 */
import { chromium } from "@playwright/test";
import { chromiumLaunchOptions, freePort, sleep, startGateway } from "../src/testing";
import { collectGarbage, forceRebuild, openWall } from "./lib/wall-page";

const rebuilds = Number(process.argv[2] ?? 3);
const staticDir = process.env.STATIC_DIR ?? ".tmp/dist-diag";
process.on("SIGINT", () => process.exit(130));

/** runs in the page before any of its scripts */
function installRegistry(): void {
  // weak both ways: the registry must not keep a target (or, through a handler's closure, anything) alive
  type Rec = { target: WeakRef<EventTarget>; type: string; fn: WeakRef<object>; capture: boolean; stack: string };
  const recs = new Set<Rec>();
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const cap = (o: unknown) => (typeof o === "boolean" ? o : !!(o as { capture?: boolean } | undefined)?.capture);
  const find = (t: EventTarget, type: string, fn: unknown, capture: boolean) => {
    for (const r of recs)
      if (r.fn.deref() === fn && r.type === type && r.capture === capture && r.target.deref() === t) return r;
    return null;
  };
  EventTarget.prototype.addEventListener = function (type, fn, opts) {
    const capture = cap(opts);
    if (fn && !find(this, type, fn, capture)) {
      const stack = (new Error().stack ?? "")
        .split("\n")
        .slice(2, 7)
        .map((l) => l.trim())
        .join(" < ");
      recs.add({ target: new WeakRef(this), type, fn: new WeakRef(fn), capture, stack });
    }
    return add.call(this, type, fn, opts);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, opts) {
    const r = fn ? find(this, type, fn, cap(opts)) : null;
    if (r) recs.delete(r);
    return remove.call(this, type, fn, opts);
  };
  const kind = (t: EventTarget): string => {
    if (t === window) return "window";
    if (t === document) return "document";
    if (t instanceof Element)
      return `${t.isConnected ? "" : "DETACHED "}${t.tagName.toLowerCase()}${typeof t.className === "string" && t.className ? "." + t.className.split(" ").join(".") : ""}`;
    return Object.prototype.toString.call(t);
  };
  (window as unknown as { __listeners: () => Record<string, number> }).__listeners = () => {
    const out: Record<string, number> = {};
    for (const r of recs) {
      const t = r.target.deref();
      if (!t) {
        recs.delete(r);
        continue;
      }
      const k = `${kind(t)} | ${r.type}${r.capture ? " (capture)" : ""} | ${r.stack}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
}

const gw = await startGateway({
  port: Number(process.env.PORT ?? (await freePort())),
  readyTimeoutMs: 90_000,
  env: {
    STATIC_DIR: staticDir,
    SIM_SPEED: "600",
    SIM_SEED: "5",
    SCENARIO_DB: "var/listener-diff.db",
    NODE_ENV: "test",
  },
});
const browser = await chromium.launch(chromiumLaunchOptions(true));
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
page.on("pageerror", (e) => console.log(`page error: ${e.message}`));
// as source text: tsx's transform wraps named functions in a `__name` helper that the page does not have
if (!process.env.COUNTERS_ONLY)
  await page.addInitScript({ content: `var __name = (f) => f; (${installRegistry.toString()})();` });
const cdp = await page.context().newCDPSession(page);
console.log(`gateway up at ${gw.url}; loading the command wall`);
await openWall(page, `${gw.url}/?mode=command&dwell=5&idle=20`);
console.log("command wall ready");

async function snapshot(): Promise<{ groups: Map<string, number>; counters: string }> {
  await collectGarbage(cdp);
  const c = (await cdp.send("Memory.getDOMCounters")) as { nodes: number; jsEventListeners: number };
  const g = process.env.COUNTERS_ONLY
    ? {}
    : await page.evaluate(() => (window as unknown as { __listeners: () => Record<string, number> }).__listeners());
  return { groups: new Map(Object.entries(g)), counters: `nodes ${c.nodes}, jsEventListeners ${c.jsEventListeners}` };
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const snaps: Map<string, number>[] = [];
let s = await snapshot();
snaps.push(s.groups);
console.log(`start: ${total(s.groups)} registered listeners alive; ${s.counters}`);
for (let i = 1; i <= rebuilds; i++) {
  if (process.env.NO_REBUILD) {
    await sleep(60_000);
    s = await snapshot();
    snaps.push(s.groups);
    console.log(`minute ${i}: ${total(s.groups)} registered listeners alive; ${s.counters}`);
    continue;
  }
  await forceRebuild(page);
  s = await snapshot();
  snaps.push(s.groups);
  console.log(`rebuild ${i}: ${total(s.groups)} registered listeners alive; ${s.counters}`);
}
for (let i = 1; i < snaps.length; i++) {
  const a = snaps[i - 1];
  const b = snaps[i];
  console.log(`\nchanges from snapshot ${i - 1} to ${i}:`);
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const d = (b.get(k) ?? 0) - (a.get(k) ?? 0);
    if (d) console.log(`  ${d > 0 ? "+" : ""}${d}  ${k}`);
  }
}
if (process.env.LIST_ALL) {
  console.log("\nall at the end:");
  for (const [k, n] of [...snaps[snaps.length - 1]].sort()) console.log(`  ${n}  ${k}`);
}
await browser.close();
await gw.stop();
process.exit(0);
