/**
 * Browser (and Node) client of the live gateway.
 *
 *   const live = connectLive({ url: location.origin, layers: ["sites", "chargers"], ids: { sites: siteIds, chargers: chargerIds } });
 *   live.store.subscribe((s) => badge.update(s.connection));
 *   // each animation frame, in a layer renderer:
 *   for (const i of live.drainChanges("sites")) recolour(i, live.store.getState().layers.sites!.status[i]);
 *
 * Every server message is validated (decode.ts). Messages are queued and applied once per animation frame
 * (requestAnimationFrame; setTimeout(16) where there is none): many deltas -> one setState. One pass spends at most
 * ~1 ms (applyBudgetMs); what is left goes on ~16 ms later, unless it has waited 2 s (maxApplyLagMs). A delta whose
 * `prev` is beyond our seq is a gap: the layer asks for a resync and buffers deltas until the snapshot comes.
 * After a reconnect that socket.io could not recover (connection-state recovery), every layer is
 * re-subscribed and gets a fresh snapshot.
 */
import { io, type Socket } from "socket.io-client";
import type { LayerId } from "../protocol/data";
import { EVENTS, PROTOCOL_VERSION, type AlarmEvent, type Delta, type Snapshot } from "../protocol/live";
import { createLiveModel, type LiveModel, type LiveStore } from "../state/live-store";
import { decodeServerMessage, SERVER_SCHEMAS, type ServerMessage } from "./decode";
import { createLivePerf, timedParser, type LivePerf } from "./perf";
import { fastDelta } from "./fast-delta";

export interface ConnectLiveOptions {
  /** gateway origin, e.g. location.origin or http://127.0.0.1:8787 */
  url: string;
  /** viewer needs none in the default config; operator (ack) needs one */
  token?: string;
  layers: LayerId[];
  /** object ids per layer in public/data/<layer>.json order */
  ids: Partial<Record<LayerId, readonly string[]>>;
  /** no update for this long -> drawn as status 4 (default 30 s) */
  staleMs?: number;
  /** disconnected for this long -> connection state "offline" instead of "reconnecting" (default 15 s) */
  offlineAfterMs?: number;
  /** frame scheduler (default requestAnimationFrame, else setTimeout 16 ms) */
  schedule?: (cb: () => void) => void;
  /** socket.io transports (default websocket first, polling fallback) */
  transports?: ("websocket" | "polling")[];
  /** an existing model to feed (default: a new one) */
  model?: LiveModel;
  /** performance counters to feed (default: a new set) */
  perf?: LivePerf;
  /** validate deltas with the hand-written fast path (same rules as the zod schema; default true) */
  fastDecode?: boolean;
  /** main-thread budget of one apply pass (ms, default 1): queued messages beyond it are applied in a pass ~16 ms
   *  later, so a slow renderer (a frame every 500 ms under software GL) does not turn into one long apply burst.
   *  Smoothing, not a cap: a message older than `maxApplyLagMs` (default 2000) is applied regardless. */
  applyBudgetMs?: number;
  maxApplyLagMs?: number;
}

/** A live connection as the app uses it: the socket on this thread (connectLive) or in a worker (worker-client.ts). */
export interface LiveConnection {
  store: LiveStore;
  model: LiveModel;
  /** main-thread time spent decoding and applying live messages (ring buffers) */
  perf: LivePerf;
  /** add layers (needs their ids) */
  subscribe(layers: LayerId[], ids?: Partial<Record<LayerId, readonly string[]>>): void;
  unsubscribe(layers: LayerId[]): void;
  /** acknowledge an alarm (role operator; others get store.lastError "forbidden") */
  ack(alarmId: string): void;
  /** stream per-object detail into store.detail (null stops) */
  detail(layer: LayerId, objectId: string): void;
  detail(layer: null): void;
  /** indices changed since the last call (for the layer renderer, once per frame) */
  drainChanges(layer: LayerId): Uint32Array;
  /** same digest as GET /api/digest?layers=<subscribed> */
  digest(): string;
  /** current twin time (simulated clock when the gateway simulates, else Date.now()) for "last seen" / alarm ages */
  twinNow(): number;
  /** alarm events (raise, clear, ack) as they arrive, validated; returns the unsubscribe function */
  onAlarm(cb: (e: AlarmEvent) => void): () => void;
  /** resolves when every subscribed layer has its first snapshot */
  ready: Promise<void>;
  close(): void;
}

/** connectLive's connection: the socket lives on this thread. */
export interface DirectLiveConnection extends LiveConnection {
  socket: Socket;
}

const MAX_BUFFERED = 500;

export function connectLive(opts: ConnectLiveOptions): DirectLiveConnection {
  const model = opts.model ?? createLiveModel({ staleMs: opts.staleMs });
  const { store } = model;
  const perf = opts.perf ?? createLivePerf();
  const offlineAfterMs = opts.offlineAfterMs ?? 15_000;
  const schedule =
    opts.schedule ??
    (typeof requestAnimationFrame === "function"
      ? (cb: () => void) => void requestAnimationFrame(() => cb())
      : (cb: () => void) => void setTimeout(cb, 16));

  const subscribed = new Set<LayerId>();
  const awaiting = new Map<LayerId, { since: number; buffer: Delta[] }>();
  const lastResync = new Map<LayerId, number>();
  let queue: ServerMessage[] = [];
  /** arrival time (performance.now()) per queued message */
  let arrived: number[] = [];
  let frameRequested = false;
  let closed = false;
  let detailTarget: { layer: LayerId; objectId: string } | null = null;
  const alarmListeners = new Set<(e: AlarmEvent) => void>();

  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const checkReady = () => {
    const s = store.getState();
    if ([...subscribed].every((l) => s.layers[l]?.ready || s.layers[l]?.mismatch)) resolveReady();
  };

  const socket: Socket = io(opts.url, {
    auth: opts.token ? { token: opts.token } : {},
    transports: opts.transports ?? ["websocket", "polling"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    parser: timedParser(perf),
  });

  const setConn = (state: "connecting" | "connected" | "reconnecting" | "offline", reason?: string) => {
    const cur = store.getState().connection;
    if (cur.state === state) return;
    // "offline" keeps the time the connection was lost
    const since = state === "offline" && cur.state === "reconnecting" ? cur.since : Date.now();
    store.setState({ connection: { state, since, ...(reason ? { reason } : {}) } });
  };

  function addLayers(layers: LayerId[], ids?: Partial<Record<LayerId, readonly string[]>>) {
    for (const l of layers) {
      const list = ids?.[l] ?? opts.ids[l];
      if (!list) throw new Error(`connectLive: no ids given for layer ${l}`);
      model.ensureLayer(l, list);
      subscribed.add(l);
    }
    store.setState({ subscribed: [...subscribed] });
  }

  function sendSubscribe(layers: LayerId[]) {
    if (!layers.length || !socket.connected) return;
    const s = store.getState();
    for (const l of layers) awaiting.set(l, { since: Date.now(), buffer: [] });
    socket.emit(EVENTS.subscribe, {
      v: PROTOCOL_VERSION,
      layers,
      idsHash: Object.fromEntries(layers.map((l) => [l, s.layers[l]!.idsHash])),
    });
  }

  function requestResync(layer: LayerId, reason: string) {
    const now = Date.now();
    const cur = awaiting.get(layer);
    if (cur && now - (lastResync.get(layer) ?? 0) < 1000) return; // one outstanding request per second
    if (!cur) awaiting.set(layer, { since: now, buffer: [] });
    lastResync.set(layer, now);
    const L = store.getState().layers[layer];
    if (socket.connected) socket.emit(EVENTS.resync, { v: PROTOCOL_VERSION, layer, seq: L?.seq ?? 0, reason });
    model.stats.resyncs++;
  }

  // outstanding resyncs that got no answer (lost or rate-limited request, gateway restart): ask again — also on a
  // timer, because a quiet stream (paused source) brings no message that would run process()
  let resyncTimer: ReturnType<typeof setInterval> | null = null;
  function retryAwaiting(now = Date.now()) {
    for (const [l, w] of awaiting)
      if (now - w.since > 5000 && socket.connected) {
        w.since = now;
        requestResync(l, "timeout");
      }
    if (awaiting.size && !resyncTimer && !closed) resyncTimer = setInterval(() => retryAwaiting(), 1000);
    else if (!awaiting.size && resyncTimer) {
      clearInterval(resyncTimer);
      resyncTimer = null;
    }
  }

  const applyBudgetMs = opts.applyBudgetMs ?? 1;
  const maxApplyLagMs = opts.maxApplyLagMs ?? 2000;
  const later = opts.schedule ?? ((cb: () => void) => void setTimeout(cb, 16));
  const applyOne = (m: ServerMessage, now: number) => {
    switch (m.event) {
      case "snapshot": {
        const s = m.msg as Snapshot;
        if (!subscribed.has(s.layer)) return;
        const buffered = awaiting.get(s.layer)?.buffer ?? [];
        awaiting.delete(s.layer);
        if (!model.applySnapshot(s, now)) return;
        for (const d of buffered) {
          const r = model.applyDelta(d, now);
          if (r === "gap" || r === "epoch") {
            requestResync(s.layer, r);
            return;
          }
        }
        return;
      }
      case "delta": {
        const d = m.msg as Delta;
        if (!subscribed.has(d.layer)) return;
        const wait = awaiting.get(d.layer);
        if (wait) {
          if (wait.buffer.length < MAX_BUFFERED) wait.buffer.push(d);
          else wait.buffer = []; // the snapshot supersedes them anyway
          return;
        }
        const r = model.applyDelta(d, now);
        if (r === "gap" || r === "epoch") requestResync(d.layer, r);
        return;
      }
    }
  };

  function process() {
    const t0 = performance.now();
    frameRequested = false;
    const now = Date.now();
    // in arrival order, until the budget is spent (at least one message per pass) unless the next one has waited
    // too long; the rest goes on in a pass ~16 ms later
    let n = 0;
    while (n < queue.length) {
      applyOne(queue[n++], now);
      const t = performance.now();
      if (t - t0 > applyBudgetMs && n < queue.length && t - arrived[n] < maxApplyLagMs) break;
    }
    if (n === queue.length) {
      queue = [];
      arrived = [];
    } else {
      queue = queue.slice(n);
      arrived = arrived.slice(n);
    }
    retryAwaiting(now);
    model.commit();
    checkReady();
    const t1 = performance.now();
    perf.frames.push(t1, perf.pendingDecodeMs, t1 - t0, perf.pendingRecords);
    perf.pendingDecodeMs = 0;
    perf.pendingRecords = 0;
    if (queue.length && !frameRequested && !closed) {
      frameRequested = true;
      later(process);
    }
  }

  const enqueue = (m: ServerMessage) => {
    queue.push(m);
    arrived.push(performance.now());
    if (!frameRequested && !closed) {
      frameRequested = true;
      schedule(process);
    }
  };

  for (const event of Object.keys(SERVER_SCHEMAS)) {
    socket.on(event, (raw: unknown) => {
      const t0 = performance.now();
      const fast = event === "delta" && opts.fastDecode !== false ? fastDelta(raw) : null;
      const r: ReturnType<typeof decodeServerMessage> = fast
        ? { ok: true, value: { event: "delta", msg: fast } }
        : decodeServerMessage(event, raw);
      if (event === "delta" || event === "snapshot") {
        perf.pendingDecodeMs += performance.now() - t0;
        if (r.ok && r.value.event === "delta") perf.pendingRecords += r.value.msg.idx.length;
      }
      if (!r.ok) {
        model.stats.rejected++;
        model.commit();
        store.setState({
          lastError: { v: PROTOCOL_VERSION, code: r.code, reason: `server ${event}: ${r.reason}`.slice(0, 500) },
        });
        return;
      }
      const m = r.value;
      switch (m.event) {
        case "snapshot":
        case "delta":
          return enqueue(m);
        case "hello":
          store.setState({
            server: {
              serverId: m.msg.serverId,
              epoch: m.msg.epoch,
              role: m.msg.role,
              simSpeed: m.msg.simSpeed,
              ...(m.msg.clock ? { clock: m.msg.clock } : {}),
            },
          });
          return;
        case "alarms":
          return model.applyAlarmList(m.msg.alarms);
        case "alarm":
          model.applyAlarmEvent(m.msg);
          for (const cb of alarmListeners) cb(m.msg);
          return;
        case "detail":
          if (detailTarget && m.msg.layer === detailTarget.layer && m.msg.objectId === detailTarget.objectId)
            store.setState({ detail: m.msg });
          return;
        case "error":
          store.setState({ lastError: m.msg });
          return;
      }
    });
  }

  let offlineTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let serverDrops = 0;
  let connectedAt = 0;
  socket.on("connect", () => {
    if (offlineTimer) clearTimeout(offlineTimer);
    connectedAt = Date.now();
    const first = store.getState().server === null && model.stats.snapshots === 0;
    setConn("connected");
    if (socket.recovered) model.stats.recovered++;
    else {
      if (!first) model.stats.resubscribed++;
      sendSubscribe([...subscribed]);
    }
    model.commit();
    if (detailTarget) socket.emit(EVENTS.detailSubscribe, { v: PROTOCOL_VERSION, ...detailTarget });
  });
  socket.on("disconnect", (reason) => {
    if (closed || reason === "io client disconnect") return setConn("offline", reason);
    setConn("reconnecting", reason);
    if (reason === "io server disconnect") {
      // the gateway closed this connection on purpose (graceful shutdown for a restart, or a client that lagged
      // too long): socket.io does not retry by itself, so reconnect with backoff (1 s, 2 s, ... 30 s)
      if (Date.now() - connectedAt > 30_000) serverDrops = 0;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(serverDrops++, 5));
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = setTimeout(() => {
        if (!closed && !socket.connected) socket.connect();
      }, delay);
    }
    if (offlineTimer) clearTimeout(offlineTimer);
    offlineTimer = setTimeout(() => {
      if (!socket.connected) setConn("offline", "no connection");
    }, offlineAfterMs);
  });
  socket.on("connect_error", (e: Error) => {
    const cur = store.getState().connection.state;
    if (cur === "connecting") setConn("reconnecting", e.message);
    if (/unauthorized|origin/.test(e.message))
      store.setState({ lastError: { v: PROTOCOL_VERSION, code: "forbidden", reason: e.message.slice(0, 500) } });
  });
  socket.io.on("reconnect_failed", () => setConn("offline", "reconnect failed"));

  // stale detection, and a frame even when no message arrives
  const staleTimer = setInterval(() => {
    if (model.markStale() > 0) {
      model.commit();
    }
  }, 1000);

  addLayers(opts.layers);
  checkReady(); // no layers requested: ready at once
  const conn: DirectLiveConnection = {
    store,
    model,
    socket,
    ready,
    perf,
    onAlarm(cb) {
      alarmListeners.add(cb);
      return () => void alarmListeners.delete(cb);
    },
    subscribe(layers, ids) {
      const fresh = layers.filter((l) => !subscribed.has(l));
      addLayers(fresh, ids);
      sendSubscribe(fresh);
    },
    unsubscribe(layers) {
      const gone = layers.filter((l) => subscribed.delete(l));
      for (const l of gone) awaiting.delete(l);
      store.setState({ subscribed: [...subscribed] });
      if (gone.length && socket.connected) socket.emit(EVENTS.unsubscribe, { v: PROTOCOL_VERSION, layers: gone });
    },
    ack(alarmId) {
      socket.emit(EVENTS.ack, { v: PROTOCOL_VERSION, alarmId });
    },
    detail(layer: LayerId | null, objectId?: string) {
      if (layer === null || objectId === undefined) {
        detailTarget = null;
        store.setState({ detail: null });
        if (socket.connected) socket.emit(EVENTS.detailUnsubscribe, { v: PROTOCOL_VERSION });
        return;
      }
      detailTarget = { layer, objectId };
      store.setState({ detail: null });
      if (socket.connected) socket.emit(EVENTS.detailSubscribe, { v: PROTOCOL_VERSION, layer, objectId });
    },
    drainChanges: (layer) => model.drainChanges(layer),
    twinNow() {
      const c = store.getState().server?.clock;
      return c ? c.simMs + (Date.now() - c.wallMs) * c.speed : Date.now();
    },
    digest: () => model.digest(),
    close() {
      closed = true;
      clearInterval(staleTimer);
      if (offlineTimer) clearTimeout(offlineTimer);
      if (retryTimer) clearTimeout(retryTimer);
      if (resyncTimer) clearInterval(resyncTimer);
      socket.disconnect();
    },
  };
  return conn;
}
