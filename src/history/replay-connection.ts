/**
 * A LiveConnection fed by a replay session (socket.io namespace /replay) instead of the live stream: the same
 * page-side model and store, so layers, panels and the alarm list show the replayed moment through the code they
 * already use. Read-only: acks and detail streams do nothing. Its store's server epoch starts with "replay-", and
 * `clock` says which moment is shown, so nothing can take it for live data.
 */
import { io, type Socket } from "socket.io-client";
import { createStore, type StoreApi } from "zustand/vanilla";
import type { LayerId } from "../protocol/data";
import { REPLAY_EVENTS, REPLAY_NAMESPACE, ReplayClock, type ReplayStart } from "../protocol/history";
import { AlarmList, Delta, ErrorMsg, PROTOCOL_VERSION, Snapshot, type AlarmEvent } from "../protocol/live";
import type { LiveConnection } from "../live/client";
import { createLivePerf } from "../live/perf";
import { createLiveModel } from "../state/live-store";

export type ReplaySpeedValue = ReplayStart["speed"];

export interface ReplayConnection extends LiveConnection {
  /** the replay clock (t = history time shown) */
  clock: StoreApi<{ t: number; speed: number; playing: boolean; ended: boolean }>;
  seek(t: number): void;
  setSpeed(speed: ReplaySpeedValue): void;
  pause(): void;
  resume(): void;
}

export function connectReplay(o: {
  url: string;
  token?: string;
  layers: LayerId[];
  ids: Partial<Record<LayerId, readonly string[]>>;
  from: number;
  speed: ReplaySpeedValue;
}): ReplayConnection {
  const model = createLiveModel({ staleMs: Number.MAX_SAFE_INTEGER });
  const store = model.store;
  for (const l of o.layers) if (o.ids[l]) model.ensureLayer(l, o.ids[l]!);
  store.setState({ subscribed: [...o.layers] });
  const clock = createStore(() => ({ t: o.from, speed: o.speed as number, playing: false, ended: false }));
  const socket: Socket = io(new URL(REPLAY_NAMESPACE, o.url).toString(), {
    transports: ["websocket"],
    auth: o.token ? { token: o.token } : {},
  });
  let speed = o.speed;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const start = (from: number) =>
    socket.emit(REPLAY_EVENTS.start, { v: PROTOCOL_VERSION, from, speed, layers: o.layers } satisfies ReplayStart);
  socket.on("connect", () => {
    store.setState({ connection: { state: "connected", since: Date.now() } });
    start(clock.getState().t);
  });
  socket.on("disconnect", () => store.setState({ connection: { state: "reconnecting", since: Date.now() } }));
  socket.on("snapshot", (raw: unknown) => {
    const r = Snapshot.safeParse(raw);
    if (!r.success) return;
    model.applySnapshot(r.data);
    store.setState({
      server: { serverId: "replay", epoch: r.data.epoch, role: "viewer", simSpeed: 0 },
    });
    model.commit();
    if (o.layers.every((l) => store.getState().layers[l]?.ready)) resolveReady();
  });
  socket.on("delta", (raw: unknown) => {
    const r = Delta.safeParse(raw);
    if (!r.success) return;
    model.applyDelta(r.data);
    model.commit();
  });
  socket.on("alarms", (raw: unknown) => {
    const r = AlarmList.safeParse(raw);
    if (!r.success) return;
    model.applyAlarmList(r.data.alarms);
    model.commit();
  });
  // handled in order after the deltas before it: acknowledging it tells the session the page has caught up (it
  // holds its clock while more than two are unacknowledged, so a busy page never falls behind a pause)
  socket.on(REPLAY_EVENTS.clock, (raw: unknown, ack?: unknown) => {
    const r = ReplayClock.safeParse(raw);
    if (r.success) clock.setState({ t: r.data.t, speed: r.data.speed, playing: r.data.playing, ended: r.data.ended });
    if (typeof ack === "function") (ack as () => void)();
  });
  socket.on("error", (raw: unknown) => {
    const r = ErrorMsg.safeParse(raw);
    if (r.success) store.setState({ lastError: r.data });
  });
  const alarmCbs = new Set<(e: AlarmEvent) => void>();
  return {
    store,
    model,
    perf: createLivePerf(),
    clock,
    subscribe() {},
    unsubscribe() {},
    ack() {},
    detail() {},
    drainChanges: (layer) => model.drainChanges(layer),
    digest: () => model.digest(),
    twinNow: () => clock.getState().t,
    onAlarm(cb) {
      alarmCbs.add(cb);
      return () => alarmCbs.delete(cb);
    },
    ready,
    seek(t) {
      clock.setState({ t });
      start(t);
    },
    setSpeed(s) {
      speed = s;
      socket.emit(REPLAY_EVENTS.speed, { v: PROTOCOL_VERSION, speed: s });
    },
    pause: () => socket.emit(REPLAY_EVENTS.pause, { v: PROTOCOL_VERSION }),
    resume: () => socket.emit("replay:resume", { v: PROTOCOL_VERSION }),
    close() {
      socket.close();
    },
  };
}
