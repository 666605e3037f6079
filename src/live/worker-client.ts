/**
 * The page's side of the live worker: the same LiveConnection as connectLive, with the socket, socket.io's
 * JSON.parse, validation and sequence handling in a Web Worker (live.worker.ts -> worker-host.ts). The page keeps a
 * mirror model (same zustand store shape, same typed arrays) and pulls changes at its own pace:
 *
 *   worker: "dirty"  -> page waits until its next live frame (frameMs(), stretched when drawing is slow)
 *   page:   "pull"  -> worker: "patch" (changed indices + values, typed arrays transferred; coalesced, so an object
 *                       that changed ten times since the last pull costs the page once)
 *   page:   model.applyPatch in slices of ~applyBudgetMs (the cost per object is measured), ~16 ms apart, one commit
 *           after the last -> renderers recolour (drainChanges), panels re-read; the next pull waits until the
 *           renderer's backlog (perf.backlog) is done
 *
 * A snapshot (every object of a layer changed) is one whole-array copy, not sliced. perf.pendingObjects says how
 * much of a pull is still to apply (the renderer waits for it before asking for a frame).
 *
 *   const live = connectLiveWorker({ url: location.origin, layers: ["sites"], ids: { sites: siteIds } });
 */
import type { LayerId } from "../protocol/data";
import { PROTOCOL_VERSION, type AlarmEvent } from "../protocol/live";
import { createLiveModel } from "../state/live-store";
import type { ConnectLiveOptions, LiveConnection } from "./client";
import { createLivePerf, lateBudget } from "./perf";
import type { FromLiveWorker, LayerPatch, LiveWorkerCost, ToLiveWorker } from "./worker-protocol";

/** The part of Worker this uses (a real Worker, or a pipe to a LiveWorkerHost in tests). */
export interface LiveWorkerLike {
  postMessage(message: ToLiveWorker, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (ev: MessageEvent<FromLiveWorker>) => void): void;
  addEventListener(type: "error", listener: (ev: ErrorEvent) => void): void;
  terminate(): void;
}

export interface ConnectLiveWorkerOptions extends Omit<ConnectLiveOptions, "schedule" | "model" | "maxApplyLagMs"> {
  /** the worker (default: a new live.worker.ts module worker) */
  worker?: LiveWorkerLike;
  /** the live frame: at most one pull per this many ms (read at every pull; default 250) */
  frameMs?: () => number;
  /** timer used between pulls (default setTimeout) */
  setTimer?: (cb: () => void, ms: number) => void;
}

/** the next slice of a pull that did not fit one budget follows this soon */
const CONTINUE_MS = 16;
/** floor of the per-object cost used to size a slice (ms) */
const MIN_MS_PER_OBJECT = 0.0002;

export function connectLiveWorker(opts: ConnectLiveWorkerOptions): LiveConnection {
  const model = createLiveModel({ staleMs: opts.staleMs });
  const { store } = model;
  const perf = opts.perf ?? createLivePerf();
  const frameMs = opts.frameMs ?? (() => 250);
  const setTimer = opts.setTimer ?? ((cb: () => void, ms: number) => void setTimeout(cb, ms));
  const budgetMs = opts.applyBudgetMs ?? 1;
  const worker =
    opts.worker ??
    (new Worker(new URL("./live.worker.ts", import.meta.url), {
      type: "module",
      name: "rongtwin-live",
    }) as unknown as LiveWorkerLike);
  const alarmListeners = new Set<(e: AlarmEvent) => void>();
  const subscribed = new Set<LayerId>();
  let closed = false;

  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const checkReady = () => {
    const s = store.getState();
    if ([...subscribed].every((l) => s.layers[l]?.ready || s.layers[l]?.mismatch)) resolveReady();
  };

  const addLayers = (layers: LayerId[], ids?: Partial<Record<LayerId, readonly string[]>>) => {
    for (const l of layers) {
      const list = ids?.[l] ?? opts.ids[l];
      if (!list) throw new Error(`connectLiveWorker: no ids given for layer ${l}`);
      model.ensureLayer(l, list);
      subscribed.add(l);
    }
    store.setState({ subscribed: [...subscribed] });
  };

  // Pull, then apply in slices: one pull in flight; what it brought is applied ~applyBudgetMs per task, tasks
  // CONTINUE_MS apart; the next pull goes out when that is done and the live frame has passed. The worker never waits
  // for the page (it keeps applying deltas), and the page never waits for a round trip between slices (with software
  // GL a drawn frame holds the main thread ~0.5-2 s, and a round trip per slice would cost one each).
  let inFlight = false;
  let timerSet = false;
  let wanted = false;
  let lastPull = -Infinity;
  const queue: { p: LayerPatch; at: number }[] = [];
  /** records and worker cost of the pull being applied (pushed to perf with its last slice) */
  let pulled: LiveWorkerCost | null = null;
  let pulledObjects = 0;
  /** page ms per changed object when applying a patch (exponential average) */
  let msPerObject = 0.0005;
  const pending = () => {
    let n = 0;
    for (const q of queue) n += q.p.full ? q.p.status.length : q.p.idx!.length - q.at;
    return n;
  };
  const pullNow = () => {
    timerSet = false;
    if (closed || inFlight || queue.length) return;
    // the renderer is still recolouring the last pull: wait (the worker keeps coalescing meanwhile), so applying a
    // pull and recolouring the previous one never share a frame
    if (perf.backlog > 0) {
      timerSet = true;
      setTimer(pullNow, CONTINUE_MS);
      return;
    }
    inFlight = true;
    wanted = false;
    lastPull = performance.now();
    worker.postMessage({ t: "pull" });
  };
  const schedulePull = () => {
    wanted = true;
    if (timerSet || inFlight || queue.length || closed) return;
    timerSet = true;
    setTimer(pullNow, Math.max(0, frameMs() - (performance.now() - lastPull)));
  };
  let sliceSet = false;
  let sliceDue = 0;
  const applySlice = () => {
    sliceSet = false;
    if (closed) return;
    const t0 = performance.now();
    let objects = 0;
    let applyMs = 0;
    // falling behind (this pull is older than a live frame) and this turn came late, because the page was busy
    // drawing (software GL: a frame can hold it for seconds): fewer turns, so each takes more (lateBudget) — or a large
    // pull would be applied over minutes. Keeping up, a slice never exceeds its budget.
    const behind = t0 - lastPull > frameMs();
    const budget = behind && sliceDue ? lateBudget(budgetMs, t0 - sliceDue) : budgetMs;
    sliceDue = 0;
    // the estimate comes from warm, small slices; a large pull's random writes miss the cache (~1 µs per object
    // measured at 300k), so never plan on less than MIN_MS_PER_OBJECT
    const room = Math.max(256, Math.round(budget / Math.max(msPerObject, MIN_MS_PER_OBJECT)));
    while (queue.length && objects < room) {
      const q = queue[0];
      if (q.p.full) {
        // a snapshot: whole-array copies, not sliced
        model.applyPatch(q.p);
        queue.shift();
        continue;
      }
      const n = q.p.idx!.length;
      const to = Math.min(n, q.at + (room - objects));
      const a0 = performance.now();
      model.applyPatch(q.p, q.at, to);
      applyMs += performance.now() - a0;
      objects += to - q.at;
      q.at = to;
      if (q.at >= n) queue.shift();
    }
    // one commit per pull (its last slice): the store's subscribers (renderers, panels) run once, not per slice
    if (!queue.length) {
      model.commit();
      checkReady();
    }
    const t1 = performance.now();
    // the cost per object, without the commit (a fixed cost: the store's subscribers)
    if (objects >= 256) msPerObject += 0.3 * (applyMs / objects - msPerObject);
    perf.pendingObjects = pending();
    // one sample per slice: the page's cost; the worker's own cost (and the updates behind this pull) with the last
    perf.frames.push(t1, 0, t1 - t0, queue.length ? 0 : (pulled?.records ?? 0));
    if (!queue.length && pulled) {
      perf.worker.push(
        t1,
        pulled.parseMs,
        pulled.decodeMs,
        pulled.applyMs,
        pulled.gatherMs,
        pulled.records,
        pulledObjects,
      );
      pulled = null;
    }
    if (queue.length) {
      sliceSet = true;
      sliceDue = performance.now() + CONTINUE_MS;
      setTimer(applySlice, CONTINUE_MS);
    } else if (wanted) schedulePull();
  };

  worker.addEventListener("message", (ev: MessageEvent<FromLiveWorker>) => {
    if (closed) return;
    const m = ev.data;
    switch (m.t) {
      case "state":
        Object.assign(model.stats, m.stats);
        store.setState({ ...m.state, stats: { ...m.stats } });
        return;
      case "dirty":
        return schedulePull();
      case "patch": {
        inFlight = false;
        Object.assign(model.stats, m.stats);
        pulled = m.cost;
        pulledObjects = 0;
        for (const p of m.patches) {
          if (!subscribed.has(p.layer)) continue;
          queue.push({ p, at: 0 });
          pulledObjects += p.full ? p.status.length : p.idx!.length;
        }
        perf.pendingObjects = pending();
        if (!sliceSet) applySlice();
        return;
      }
      case "alarm":
        for (const item of m.items) {
          if ("list" in item) model.applyAlarmList(item.list);
          else {
            model.applyAlarmEvent(item.event);
            for (const cb of alarmListeners) cb(item.event);
          }
        }
        return;
      case "fatal":
        store.setState({ lastError: { v: PROTOCOL_VERSION, code: "invalid", reason: m.message.slice(0, 500) } });
        return;
    }
  });
  worker.addEventListener("error", (e: ErrorEvent) => {
    store.setState({
      connection: { state: "offline", since: Date.now(), reason: "live worker failed" },
      lastError: {
        v: PROTOCOL_VERSION,
        code: "invalid",
        reason: `live worker: ${e.message ?? "failed to start"}`.slice(0, 500),
      },
    });
  });

  addLayers(opts.layers);
  checkReady();
  const ids: Partial<Record<LayerId, readonly string[]>> = {};
  for (const l of opts.layers) ids[l] = opts.ids[l];
  worker.postMessage({
    t: "init",
    url: opts.url,
    token: opts.token,
    layers: opts.layers,
    ids,
    staleMs: opts.staleMs,
    offlineAfterMs: opts.offlineAfterMs,
    fastDecode: opts.fastDecode,
    transports: opts.transports,
  });

  return {
    store,
    model,
    perf,
    ready,
    subscribe(layers, more) {
      const fresh = layers.filter((l) => !subscribed.has(l));
      if (!fresh.length) return;
      addLayers(fresh, more);
      const send: Partial<Record<LayerId, readonly string[]>> = {};
      for (const l of fresh) send[l] = more?.[l] ?? opts.ids[l];
      worker.postMessage({ t: "subscribe", layers: fresh, ids: send });
    },
    unsubscribe(layers) {
      const gone = layers.filter((l) => subscribed.delete(l));
      store.setState({ subscribed: [...subscribed] });
      if (gone.length) worker.postMessage({ t: "unsubscribe", layers: gone });
    },
    ack(alarmId) {
      worker.postMessage({ t: "ack", alarmId });
    },
    detail(layer: LayerId | null, objectId?: string) {
      store.setState({ detail: null });
      worker.postMessage(
        layer === null || objectId === undefined ? { t: "detail", layer: null } : { t: "detail", layer, objectId },
      );
    },
    onAlarm(cb) {
      alarmListeners.add(cb);
      return () => void alarmListeners.delete(cb);
    },
    drainChanges: (layer) => model.drainChanges(layer),
    digest: () => model.digest(),
    twinNow() {
      const c = store.getState().server?.clock;
      return c ? c.simMs + (Date.now() - c.wallMs) * c.speed : Date.now();
    },
    close() {
      if (closed) return;
      closed = true;
      alarmListeners.clear();
      worker.postMessage({ t: "close" });
      // let the worker close its socket politely, then end it
      setTimeout(() => worker.terminate(), 200);
    },
  };
}
