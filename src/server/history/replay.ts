/**
 * Replay sessions on the socket.io namespace /replay, separate from the live connection: a client asks for a
 * replay from T1 (to T2) at 1x / 60x / 600x / 3600x and receives the state at T1 as per-layer snapshots, then
 * deltas and alarm lists in the live protocol's formats (epoch "replay-…", so nothing can mix them with live
 * data), paced by a 100 ms timer, plus replay:clock messages. One session per socket; sessions are capped.
 *
 * Flow control: the client acknowledges each replay:clock once it has handled it (socket.io ack), and the session
 * holds its clock while more than `maxUnacked` are unacknowledged, as it does while the socket's write buffer is
 * full. The write buffer alone is not enough: a browser reads the socket into the page's queue at network speed
 * whatever the page's pace, so a busy page (software GL drawing 30k points) fell minutes of messages behind with
 * the gateway none the wiser — a pause then took effect at once on the gateway, but the page went on showing the
 * queued "playing" clocks. With the acks, what is in flight to a page is at most a tick or two.
 */
import type { Namespace, Server, Socket } from "socket.io";
import { LAYER_IDS, type LayerId } from "../../protocol/data";
import {
  REPLAY_EVENTS,
  REPLAY_NAMESPACE,
  ReplayPlain,
  ReplaySpeed,
  ReplayStart,
  type ReplayClock,
} from "../../protocol/history";
import { EVENTS, PROTOCOL_VERSION, parseMessage, type ErrorCode, type ErrorMsg } from "../../protocol/live";
import type { TokenBook } from "../config";
import { TokenBucket } from "../ratelimit";
import type { LiveState } from "../state";
import { backlogOf } from "../socket";
import type { TimedEvent } from "./codec";
import { withoutLaterFacts } from "./reader";
import type { HistoryService } from "./service";

export interface ReplayOptions {
  tickMs?: number;
  maxSessions?: number;
  /** most updates applied per tick (bounds one tick's CPU at 3600x) */
  maxRecordsPerTick?: number;
  /** a socket with more packets than this waiting is not sent more (the replay clock holds) */
  backlogHigh?: number;
  /** clocks sent and not yet acknowledged by the client past which the replay clock holds */
  maxUnacked?: number;
}

class ReplaySession {
  private state?: LiveState;
  private layers: LayerId[] = [...LAYER_IDS];
  private epoch = "";
  private t = 0;
  private to = 0;
  private speed = 1;
  private playing = false;
  private after = 0;
  private queue: TimedEvent[] = [];
  private qi = 0;
  private exhausted = false;
  private timer?: NodeJS.Timeout;
  private lastWall = 0;
  private lastAlarmKey = "";
  private lastAlarmCheck = 0;
  private busy = false;
  /** replay:clock messages sent / acknowledged by the client */
  private clocksSent = 0;
  private clocksAcked = 0;
  /** bumped by stop(): a start still reading the store then gives up (a second start, a disconnect) */
  private generation = 0;
  private static n = 0;

  constructor(
    private readonly socket: Socket,
    private readonly history: HistoryService,
    private readonly o: Required<ReplayOptions>,
  ) {}

  async start(msg: ReplayStart): Promise<ErrorMsg | undefined> {
    this.stop();
    const generation = this.generation;
    const range = await this.history.store.range();
    const at = await this.history.reader.stateAt(msg.from);
    if (generation !== this.generation) return undefined;
    if (!at || !range)
      return { v: PROTOCOL_VERSION, code: "not_found", reason: `nothing recorded at or before t=${msg.from}` };
    this.state = at.state;
    this.layers = msg.layers ?? [...LAYER_IDS];
    this.epoch = `replay-${(++ReplaySession.n).toString(36)}-${Date.now().toString(36)}`;
    this.t = msg.from;
    this.to = msg.to ?? Math.max(range.to, this.history.writer.time);
    this.speed = msg.speed;
    this.after = at.keyframeId;
    this.queue = [];
    this.qi = 0;
    this.exhausted = false;
    for (const l of this.layers) {
      const L = this.state.layers[l];
      L.flush(this.epoch, this.t); // the snapshot covers everything so far
      this.socket.emit(EVENTS.snapshot, L.snapshot(this.epoch, this.t));
    }
    this.sendAlarms(at.alarms);
    this.playing = true;
    this.lastWall = Date.now();
    this.timer = setInterval(() => void this.tick(), this.o.tickMs);
    this.clock();
    return undefined;
  }

  setSpeed(speed: number) {
    this.speed = speed;
    this.clock();
  }
  pause() {
    this.playing = false;
    this.clock();
  }
  resume() {
    if (!this.state) return;
    this.playing = this.t < this.to;
    this.lastWall = Date.now();
    this.clock();
  }
  stop() {
    this.generation++;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.state = undefined;
    this.playing = false;
  }
  get active(): boolean {
    return !!this.timer;
  }

  private clock() {
    const c: ReplayClock = {
      v: PROTOCOL_VERSION,
      t: this.t,
      speed: this.speed,
      playing: this.playing,
      ended: this.t >= this.to,
    };
    const n = ++this.clocksSent;
    this.socket.emit(REPLAY_EVENTS.clock, c, () => {
      this.clocksAcked = Math.max(this.clocksAcked, n);
    });
  }

  private sendAlarms(alarms: ReturnType<LiveState["alarms"]["list"]>) {
    const key = alarms.map((a) => `${a.id}:${a.clearedAt ?? ""}:${a.ackedAt ?? ""}`).join("|");
    if (key === this.lastAlarmKey) return;
    this.lastAlarmKey = key;
    this.socket.emit(EVENTS.alarms, { v: PROTOCOL_VERSION, epoch: this.epoch, alarms });
  }

  /** next event, reading blocks forward as needed; undefined when the store has no more */
  private async next(): Promise<TimedEvent | undefined> {
    while (this.qi >= this.queue.length) {
      if (this.exhausted) return undefined;
      const page = await this.history.store.deltasFrom(this.after, this.t, 4);
      if (!page.length) {
        this.exhausted = true;
        return undefined;
      }
      this.queue = [];
      this.qi = 0;
      for (const b of page) {
        this.after = b.id;
        for (const e of await this.history.reader.events(b.data)) if (e.t > this.t) this.queue.push(e);
      }
    }
    return this.queue[this.qi];
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.state) return;
    const now = Date.now();
    const wallDt = now - this.lastWall;
    this.lastWall = now;
    if (!this.playing) return;
    if (backlogOf(this.socket) > this.o.backlogHigh) return;
    if (this.clocksSent - this.clocksAcked > this.o.maxUnacked) return;
    this.busy = true;
    try {
      const target = Math.min(this.to, this.t + wallDt * this.speed);
      let records = 0;
      let cut = false;
      let applied = -Infinity;
      for (;;) {
        const e = await this.next();
        if (!e || e.t > target || !this.state) break;
        // capped, or paused while this tick read blocks: stop here, but never between two events of one instant
        // (the state shown at t is every event at or before t, as the store's state at t)
        if ((records >= this.o.maxRecordsPerTick || !this.playing) && e.t > applied) {
          cut = true;
          break;
        }
        this.state.apply(e.ev);
        records += e.ev.idx.length;
        applied = e.t;
        this.qi++;
      }
      if (!this.state) return;
      // a capped or paused tick shows the time of the last applied event, not the target
      this.t = cut ? Math.max(this.t, applied) : target;
      for (const l of this.layers) {
        const d = this.state.layers[l].flush(this.epoch, this.t);
        if (d) this.socket.emit(EVENTS.delta, d);
      }
      if (now - this.lastAlarmCheck >= 500 || this.t >= this.to) {
        this.lastAlarmCheck = now;
        const active = await this.history.store.alarmsActiveAt(this.t, 2000);
        this.state.alarms.load(active.map((a) => withoutLaterFacts(a, this.t)));
        this.sendAlarms(this.state.alarms.list());
      }
      if (this.t >= this.to) this.playing = false;
      this.clock();
    } finally {
      this.busy = false;
    }
  }
}

/** The /replay namespace: who may open a session (viewing roles, at most maxSessions), one session per socket. */
class ReplayHub {
  private sessions = 0;

  constructor(
    private readonly history: HistoryService,
    private readonly tokens: TokenBook,
    private readonly o: Required<ReplayOptions>,
  ) {}

  admit(socket: Socket, next: (err?: Error) => void): void {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const raw = auth?.token ?? socket.handshake.query?.token;
    const p = this.tokens.resolve(typeof raw === "string" ? raw : undefined);
    if (!p || p.role === "ingest") return next(new Error("unauthorized: this token may not view history"));
    if (this.sessions >= this.o.maxSessions) return next(new Error(`too many replay sessions (${this.o.maxSessions})`));
    next();
  }

  connect(socket: Socket): void {
    this.sessions++;
    const s = new ReplaySession(socket, this.history, this.o);
    const on = handlerOn(socket, new TokenBucket(5, 10));
    on<ReplayStart>(REPLAY_EVENTS.start, ReplayStart, async (m) => {
      const err = await s.start(m);
      if (err) socket.emit(EVENTS.error, { ...err, event: REPLAY_EVENTS.start });
    });
    on<{ speed: number }>(REPLAY_EVENTS.speed, ReplaySpeed, (m) => s.setSpeed(m.speed));
    on(REPLAY_EVENTS.pause, ReplayPlain, () => s.pause());
    on("replay:resume", ReplayPlain, () => s.resume());
    on(REPLAY_EVENTS.stop, ReplayPlain, () => s.stop());
    socket.on("disconnect", () => {
      this.sessions--;
      s.stop();
    });
  }
}

/** `on(event, schema, fn)` for one socket: rate-limited, validated, errors answered as live-protocol errors */
function handlerOn(socket: Socket, bucket: TokenBucket) {
  const reject = (code: ErrorCode, reason: string, event: string) =>
    socket.emit(EVENTS.error, { v: PROTOCOL_VERSION, code, reason, event } satisfies ErrorMsg);
  return <T>(event: string, schema: Parameters<typeof parseMessage>[0], fn: (m: T) => void | Promise<void>) =>
    socket.on(event, (raw: unknown) => {
      if (!bucket.take()) return reject("rate_limited", "too many replay messages (5/s)", event);
      const r = parseMessage(schema, raw);
      if (!r.ok) return reject(r.code, r.reason, event);
      Promise.resolve(fn(r.value as T)).catch((e: unknown) => reject("invalid", (e as Error).message, event));
    });
}

export function attachReplay(
  io: Server,
  history: HistoryService,
  tokens: TokenBook,
  opts: ReplayOptions = {},
): Namespace {
  const o: Required<ReplayOptions> = {
    tickMs: 100,
    maxSessions: 20,
    maxRecordsPerTick: 200_000,
    backlogHigh: 200,
    maxUnacked: 2,
    ...opts,
  };
  const hub = new ReplayHub(history, tokens, o);
  const nsp = io.of(REPLAY_NAMESPACE);
  nsp.use((socket, next) => hub.admit(socket, next));
  nsp.on("connection", (socket) => hub.connect(socket));
  return nsp;
}
