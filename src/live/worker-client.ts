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
import { PROTOCOL_VERSION } from "../protocol/live";
import { createLiveModel } from "../state/live-store";
import type { ConnectLiveOptions, LiveConnection } from "./client";
import { type LayerIds, LiveConnectionCore } from "./connection-core";
import { createLivePerf, lateBudget } from "./perf";
import {
  type FromLiveWorker,
  type FromLiveWorkerMap,
  type LayerPatch,
  type LiveWorkerCost,
  type MessageHandlers,
  type ToLiveWorker,
  dispatch,
} from "./worker-protocol";

/** The part of Worker this uses (a real Worker, or a pipe to a LiveWorkerHost in tests). */
export interface LiveWorkerLike {
  postMessage(message: ToLiveWorker, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (ev: MessageEvent<FromLiveWorker>) => void): void;
  addEventListener(type: "error", listener: (ev: ErrorEvent) => void): void;
  removeEventListener(type: "message", listener: (ev: MessageEvent<FromLiveWorker>) => void): void;
  removeEventListener(type: "error", listener: (ev: ErrorEvent) => void): void;
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
  return new WorkerLiveConnection(opts);
}

/**
 * connectLiveWorker's connection. Pull, then apply in slices: one pull in flight; what it brought is applied
 * ~applyBudgetMs per task, tasks CONTINUE_MS apart; the next pull goes out when that is done and the live frame has
 * passed. The worker never waits for the page (it keeps applying deltas), and the page never waits for a round trip
 * between slices (with software GL a drawn frame holds the main thread ~0.5-2 s, and a round trip per slice would
 * cost one each). Lifecycle: the constructor starts the worker; `close` removes the listeners and ends it.
 */
class WorkerLiveConnection extends LiveConnectionCore implements LiveConnection {
  private readonly worker: LiveWorkerLike;
  private readonly frameMs: () => number;
  private readonly setTimer: (cb: () => void, ms: number) => void;
  private readonly budgetMs: number;
  private closed = false;
  private inFlight = false;
  private timerSet = false;
  private wanted = false;
  private lastPull = -Infinity;
  private readonly queue: { p: LayerPatch; at: number }[] = [];
  /** records and worker cost of the pull being applied (pushed to perf with its last slice) */
  private pulled: LiveWorkerCost | null = null;
  private pulledObjects = 0;
  /** page ms per changed object when applying a patch (exponential average) */
  private msPerObject = 0.0005;
  private sliceSet = false;
  private sliceDue = 0;

  constructor(private readonly opts: ConnectLiveWorkerOptions) {
    super("connectLiveWorker", createLiveModel({ staleMs: opts.staleMs }), opts.perf ?? createLivePerf(), opts.ids);
    this.frameMs = opts.frameMs ?? (() => 250);
    this.setTimer = opts.setTimer ?? ((cb: () => void, ms: number) => void setTimeout(cb, ms));
    this.budgetMs = opts.applyBudgetMs ?? 1;
    this.worker =
      opts.worker ??
      (new Worker(new URL("./live.worker.ts", import.meta.url), {
        type: "module",
        name: "rongtwin-live",
      }) as unknown as LiveWorkerLike);
    this.worker.addEventListener("message", this.onMessage);
    this.worker.addEventListener("error", this.onError);
    this.addLayers(opts.layers);
    this.checkReady();
    this.post({
      t: "init",
      url: opts.url,
      token: opts.token,
      layers: opts.layers,
      ids: this.idsFor(opts.layers),
      staleMs: opts.staleMs,
      offlineAfterMs: opts.offlineAfterMs,
      fastDecode: opts.fastDecode,
      transports: opts.transports,
    });
  }

  // ---------------------------------------------------------------- public API

  subscribe(layers: LayerId[], more?: LayerIds): void {
    const fresh = layers.filter((l) => !this.subscribed.has(l));
    if (!fresh.length) return;
    this.addLayers(fresh, more);
    this.post({ t: "subscribe", layers: fresh, ids: this.idsFor(fresh, more) });
  }

  unsubscribe(layers: LayerId[]): void {
    const gone = this.removeLayers(layers);
    if (gone.length) this.post({ t: "unsubscribe", layers: gone });
  }

  ack(alarmId: string): void {
    this.post({ t: "ack", alarmId });
  }

  detail(layer: LayerId, objectId: string): void;
  detail(layer: null): void;
  detail(layer: LayerId | null, objectId?: string): void {
    this.store.setState({ detail: null });
    this.post(
      layer === null || objectId === undefined ? { t: "detail", layer: null } : { t: "detail", layer, objectId },
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeCore();
    this.post({ t: "close" });
    this.worker.removeEventListener("message", this.onMessage);
    this.worker.removeEventListener("error", this.onError);
    // let the worker close its socket politely, then end it
    setTimeout(() => this.worker.terminate(), 200);
  }

  // ---------------------------------------------------------------- worker messages

  private post(m: ToLiveWorker): void {
    this.worker.postMessage(m);
  }

  private readonly onMessage = (ev: MessageEvent<FromLiveWorker>): void => {
    if (!this.closed) dispatch(this.handlers, ev.data);
  };

  private readonly onError = (e: ErrorEvent): void => {
    this.store.setState({
      connection: { state: "offline", since: Date.now(), reason: "live worker failed" },
      lastError: {
        v: PROTOCOL_VERSION,
        code: "invalid",
        reason: `live worker: ${e.message ?? "failed to start"}`.slice(0, 500),
      },
    });
  };

  private readonly handlers: MessageHandlers<FromLiveWorkerMap> = {
    state: (m) => {
      Object.assign(this.model.stats, m.stats);
      this.store.setState({ ...m.state, stats: { ...m.stats } });
    },
    dirty: () => this.schedulePull(),
    patch: (m) => this.receivePatch(m.patches, m.stats, m.cost),
    alarm: (m) => {
      for (const item of m.items) {
        if ("list" in item) this.model.applyAlarmList(item.list);
        else {
          this.model.applyAlarmEvent(item.event);
          this.emitAlarm(item.event);
        }
      }
    },
    fatal: (m) =>
      this.store.setState({ lastError: { v: PROTOCOL_VERSION, code: "invalid", reason: m.message.slice(0, 500) } }),
  };

  // ---------------------------------------------------------------- pulls

  private pending(): number {
    let n = 0;
    for (const q of this.queue) n += q.p.full ? q.p.status.length : q.p.idx!.length - q.at;
    return n;
  }

  private readonly pullNow = (): void => {
    this.timerSet = false;
    if (this.closed || this.inFlight || this.queue.length) return;
    // the renderer is still recolouring the last pull: wait (the worker keeps coalescing meanwhile), so applying a
    // pull and recolouring the previous one never share a frame
    if (this.perf.backlog > 0) {
      this.timerSet = true;
      this.setTimer(this.pullNow, CONTINUE_MS);
      return;
    }
    this.inFlight = true;
    this.wanted = false;
    this.lastPull = performance.now();
    this.post({ t: "pull" });
  };

  private schedulePull(): void {
    this.wanted = true;
    if (this.timerSet || this.inFlight || this.queue.length || this.closed) return;
    this.timerSet = true;
    this.setTimer(this.pullNow, Math.max(0, this.frameMs() - (performance.now() - this.lastPull)));
  }

  private receivePatch(patches: LayerPatch[], stats: FromLiveWorkerMap["patch"]["stats"], cost: LiveWorkerCost): void {
    this.inFlight = false;
    Object.assign(this.model.stats, stats);
    this.pulled = cost;
    this.pulledObjects = 0;
    for (const p of patches) {
      if (!this.subscribed.has(p.layer)) continue;
      this.queue.push({ p, at: 0 });
      this.pulledObjects += p.full ? p.status.length : p.idx!.length;
    }
    this.perf.pendingObjects = this.pending();
    if (!this.sliceSet) this.applySlice();
  }

  // ---------------------------------------------------------------- slices

  private readonly applySlice = (): void => {
    this.sliceSet = false;
    if (this.closed) return;
    const t0 = performance.now();
    const { objects, applyMs } = this.applyWithin(this.sliceRoom(t0));
    // one commit per pull (its last slice): the store's subscribers (renderers, panels) run once, not per slice
    if (!this.queue.length) {
      this.model.commit();
      this.checkReady();
    }
    const t1 = performance.now();
    // the cost per object, without the commit (a fixed cost: the store's subscribers)
    if (objects >= 256) this.msPerObject += 0.3 * (applyMs / objects - this.msPerObject);
    this.perf.pendingObjects = this.pending();
    this.recordSlice(t0, t1);
    if (this.queue.length) {
      this.sliceSet = true;
      this.sliceDue = performance.now() + CONTINUE_MS;
      this.setTimer(this.applySlice, CONTINUE_MS);
    } else if (this.wanted) this.schedulePull();
  };

  /** how many objects this slice may apply */
  private sliceRoom(t0: number): number {
    // falling behind (this pull is older than a live frame) and this turn came late, because the page was busy
    // drawing (software GL: a frame can hold it for seconds): fewer turns, so each takes more (lateBudget) — or a
    // large pull would be applied over minutes. Keeping up, a slice never exceeds its budget.
    const behind = t0 - this.lastPull > this.frameMs();
    const budget = behind && this.sliceDue ? lateBudget(this.budgetMs, t0 - this.sliceDue) : this.budgetMs;
    this.sliceDue = 0;
    // the estimate comes from warm, small slices; a large pull's random writes miss the cache (~1 µs per object
    // measured at 300k), so never plan on less than MIN_MS_PER_OBJECT
    return Math.max(256, Math.round(budget / Math.max(this.msPerObject, MIN_MS_PER_OBJECT)));
  }

  private applyWithin(room: number): { objects: number; applyMs: number } {
    const { queue, model } = this;
    let objects = 0;
    let applyMs = 0;
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
    return { objects, applyMs };
  }

  /** one sample per slice: the page's cost; the worker's own cost (and the updates behind this pull) with the last */
  private recordSlice(t0: number, t1: number): void {
    const { perf, pulled } = this;
    perf.frames.push(t1, 0, t1 - t0, this.queue.length ? 0 : (pulled?.records ?? 0));
    if (this.queue.length || !pulled) return;
    perf.worker.push(
      t1,
      pulled.parseMs,
      pulled.decodeMs,
      pulled.applyMs,
      pulled.gatherMs,
      pulled.records,
      this.pulledObjects,
    );
    this.pulled = null;
  }
}
