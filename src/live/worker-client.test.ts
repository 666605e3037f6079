/**
 * The live worker path end to end in Node: connectLiveWorker (page side) <-> a message pipe with structuredClone and
 * real transfer lists <-> LiveWorkerHost (worker side, running connectLive) <-> an in-process gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../testing/wait";
import { makeFixture } from "../testing/fixture";
import type { LiveStoreState } from "../state/live-store";
import { createGateway, type Gateway } from "../server/gateway";
import type { LiveConnection } from "./client";
import { connectLiveWorker, type LiveWorkerLike } from "./worker-client";
import { LiveWorkerHost } from "./worker-host";
import type { FromLiveWorker, ToLiveWorker } from "./worker-protocol";

const data = makeFixture({ sites: 3000, datacentres: 6, chargers: 30, roads: 3, sensorsPerRoad: 8 });
const ids = {
  sites: data.sites.map((s) => s.id),
  datacentres: data.datacentres.map((s) => s.id),
  chargers: data.chargers.map((s) => s.id),
  sensors: data.sensors.map((s) => s.id),
};

/** A Worker stand-in: messages cross by structuredClone with the given transfer list, asynchronously, like postMessage. */
function pipe(log?: FromLiveWorker[]): LiveWorkerLike & { host: LiveWorkerHost; detached: number } {
  const listeners = new Set<(ev: MessageEvent<FromLiveWorker>) => void>();
  const p = {
    detached: 0,
    host: new LiveWorkerHost((m, transfer) => {
      const copy = structuredClone(m, { transfer });
      // transferred, not copied: the worker's buffers are gone after the post
      for (const t of transfer) if ((t as ArrayBuffer).byteLength === 0) p.detached++;
      log?.push(copy);
      setTimeout(() => listeners.forEach((l) => l({ data: copy } as MessageEvent<FromLiveWorker>)), 0);
    }),
    postMessage(m: ToLiveWorker) {
      const copy = structuredClone(m);
      setTimeout(() => p.host.handle(copy), 0);
    },
    addEventListener(type: string, l: (ev: MessageEvent<FromLiveWorker>) => void) {
      if (type === "message") listeners.add(l);
    },
    removeEventListener(type: string, l: (ev: MessageEvent<FromLiveWorker>) => void) {
      if (type === "message") listeners.delete(l);
    },
    terminate() {
      listeners.clear();
    },
  };
  return p as LiveWorkerLike & { host: LiveWorkerHost; detached: number };
}

const post = (gw: Gateway, path: string, body: unknown, token?: string) =>
  fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

async function frozenDigestMatches(
  gw: Gateway,
  c: LiveConnection,
  layers: string,
): Promise<{ gateway: string; page: string }> {
  let g = "";
  for (let k = 0; k < 200; k++) {
    g = ((await (await fetch(`${gw.url}/api/digest?layers=${layers}`)).json()) as { digest: string }).digest;
    if (c.digest() === g) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { gateway: g, page: c.digest() };
}

describe("live worker (page mirror <- pulled patches <- worker host <- gateway)", () => {
  let gw: Gateway;
  const open: LiveConnection[] = [];
  beforeAll(async () => {
    gw = await createGateway({ data, simSpeed: 120, simSeed: 9, simReportMs: 200, log: () => {} });
  });
  /** extra gateways of single tests, closed after their clients */
  const closeAfter: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of open) c.close();
    for (const f of closeAfter) await f();
    await gw.close();
  });

  it("mirrors the gateway exactly: after a freeze the page's digest equals GET /api/digest", async () => {
    const w = pipe();
    const c = connectLiveWorker({ url: gw.url, layers: ["sites", "chargers"], ids, worker: w, frameMs: () => 50 });
    open.push(c);
    await c.ready;
    const s = c.store.getState();
    expect(s.layers.sites!.ready).toBe(true);
    expect(s.connection.state).toBe("connected");
    expect(s.server?.role).toBe("viewer");
    const seq0 = s.layers.sites!.seq;
    await until(() => c.store.getState().layers.sites!.seq > seq0 + 3, 10_000, "deltas mirrored");
    // the page's counters are the worker's
    expect(c.store.getState().stats.deltas).toBeGreaterThan(0);
    expect(w.detached).toBeGreaterThan(0);
    // the worker's cost is reported with every patch
    expect(c.perf.worker.length).toBeGreaterThan(0);
    expect(Math.max(...c.perf.worker.snapshot().records)).toBeGreaterThan(0);
    expect((await post(gw, "/api/sim/pause", {}, "dev-operator-token")).status).toBe(200);
    const d = await frozenDigestMatches(gw, c, "sites,chargers");
    expect(d.page).toBe(d.gateway);
    await post(gw, "/api/sim/resume", {}, "dev-operator-token");
  });

  it("coalesces: changes between pulls arrive once per object", async () => {
    // 20,000 random site updates per second over 3000 sites, one pull per 150 ms: ~3000 updates per pull, so objects
    // certainly repeat between pulls (the simulator's reports could all land on distinct sites, and the test flaked)
    const syn = await createGateway({ data, source: "synthetic", synthRate: 20_000, log: () => {} });
    const log: FromLiveWorker[] = [];
    const w = pipe(log);
    const c = connectLiveWorker({ url: syn.url, layers: ["sites"], ids, worker: w, frameMs: () => 150 });
    open.push(c);
    closeAfter.push(() => syn.close());
    await c.ready;
    await until(
      () => log.filter((m) => m.t === "patch" && m.patches.some((p) => !p.full && p.idx!.length > 0)).length >= 3,
      15_000,
      "three live patches",
    ).catch((e) => {
      console.log(
        log
          .map((m) => m.t + (m.t === "patch" ? JSON.stringify(m.patches.map((p) => [p.full, p.idx?.length])) : ""))
          .join("\n"),
      );
      throw e;
    });
    const live = log.flatMap((m) => (m.t === "patch" ? m.patches.filter((p) => !p.full && p.idx) : []));
    for (const p of live) expect(new Set(p.idx).size).toBe(p.idx!.length); // each object once per patch
    // fewer objects sent than updates received: coalescing happened
    const patches = log.filter((m): m is Extract<FromLiveWorker, { t: "patch" }> => m.t === "patch");
    const received = patches.reduce((a, m) => a + m.cost.records, 0);
    const sent = live.reduce((a, p) => a + p.idx!.length, 0);
    expect(received).toBeGreaterThan(sent);
  });

  it("applies a large pull in slices on the page (one budget each), and ends exactly where the gateway is", async () => {
    // 3000 random site updates per second, pulled every 500 ms: ~1300 changed sites per pull
    const syn = await createGateway({ data, source: "synthetic", synthRate: 3000, log: () => {} });
    const log: FromLiveWorker[] = [];
    const w = pipe(log);
    // a budget so small that every slice is the minimum (256 objects)
    const c = connectLiveWorker({
      url: syn.url,
      layers: ["sites"],
      ids,
      worker: w,
      frameMs: () => 500,
      applyBudgetMs: 1e-6,
    });
    try {
      await c.ready;
      // the worker's patch messages, one per pull; the first with a live (not snapshot) patch of over 600 objects
      const pullsPosted = () => log.filter((m) => m.t === "patch");
      const large = () =>
        pullsPosted().findIndex((m) => m.t === "patch" && m.patches.some((p) => !p.full && p.idx!.length > 600));
      await until(() => large() >= 0, 15_000, "a large live patch");
      // then wait on the page's own record of that pull: the pipe delivers a posted message a task later, and until
      // then the page has nothing pending
      const n = large() + 1;
      await until(() => c.perf.worker.length >= n && c.perf.pendingObjects === 0, 5000, "the large pull applied");
      const slices = c.perf.frames.snapshot();
      const pulls = c.perf.worker.snapshot();
      // a pull of more than 600 objects takes at least three slices of 256, the others at least one; the pull's
      // updates are counted once (with its last slice)
      expect(slices.t.length).toBeGreaterThanOrEqual(pulls.t.length + 2);
      expect(slices.records.reduce((x, y) => x + y, 0)).toBe(pulls.records.reduce((x, y) => x + y, 0));
      // stop the feed, then compare at rest
      syn.synthetic?.stop();
      const d = await frozenDigestMatches(syn, c, "sites");
      expect(d.page).toBe(d.gateway);
    } finally {
      c.close();
      await syn.close();
    }
  });

  it("forwards alarm lists and events in order; onAlarm sees raises; ack goes through the worker", async () => {
    const ingest = await createGateway({ data, source: "ingest", log: () => {} });
    const w = pipe();
    const c = connectLiveWorker({
      url: ingest.url,
      token: "dev-operator-token",
      layers: ["datacentres"],
      ids,
      worker: w,
      frameMs: () => 50,
    });
    try {
      await c.ready;
      const seen: string[] = [];
      const off = c.onAlarm((e) => seen.push(`${e.op}:${e.alarm.id}`));
      const alarm = { kind: "worker-test", severity: "critical", text: "worker test" };
      const r = await post(
        ingest,
        "/api/ingest",
        { records: [{ layer: "datacentres", id: ids.datacentres[2], ts: Date.now(), alarm }] },
        "dev-ingest-token",
      );
      expect(r.status).toBe(200);
      const raised = await until(
        () => c.store.getState().alarms.find((a) => a.objectId === ids.datacentres[2] && a.kind === "worker-test"),
        10_000,
        "alarm mirrored",
      );
      expect(seen).toContain(`raise:${raised.id}`);
      c.ack(raised.id);
      await until(
        () => c.store.getState().alarms.find((a) => a.id === raised.id && a.ackedAt !== undefined),
        10_000,
        "ack mirrored",
      );
      expect(seen).toContain(`ack:${raised.id}`);
      off();
    } finally {
      c.close();
      await ingest.close();
    }
  });

  it("unsubscribe stops a layer, subscribe brings it back with a fresh snapshot; detail streams", async () => {
    const w = pipe();
    const c = connectLiveWorker({ url: gw.url, layers: ["sites", "datacentres"], ids, worker: w, frameMs: () => 50 });
    open.push(c);
    await c.ready;
    c.unsubscribe(["sites"]);
    await until(() => !c.store.getState().subscribed.includes("sites"), 3000, "unsubscribed");
    const v = c.store.getState().layers.sites!.version;
    await new Promise((r) => setTimeout(r, 800));
    expect(c.store.getState().layers.sites!.version).toBe(v);
    c.subscribe(["sites"], ids);
    const snaps = c.store.getState().stats.snapshots;
    await until(() => c.store.getState().stats.snapshots > snaps, 5000, "fresh snapshot");
    c.detail("datacentres", ids.datacentres[1]);
    const d = await until(() => (c.store.getState() as LiveStoreState).detail, 5000, "detail");
    expect(d.objectId).toBe(ids.datacentres[1]);
    c.detail(null);
    expect(c.store.getState().detail).toBeNull();
  });
});
