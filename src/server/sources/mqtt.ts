/**
 * MQTT bridge: reads device telemetry from a broker into the live state, and tells the broker about alarms.
 *
 *  - One client with a STABLE client id, clean session off and QoS 1 subscriptions: the broker keeps the session
 *    while the gateway is down and delivers what was published meanwhile when it reconnects.
 *  - Reconnects with exponential backoff (0.5 s doubling to 30 s), reset once connected.
 *  - Messages are routed to ingest records (mqtt-topics.ts) and submitted in small batches (every 25 ms or 1000
 *    records) through the FeedSink, i.e. validated exactly like POST /api/ingest. A refused message is counted
 *    per topic (reported by /api/health), logged with its reason (at most once a second per topic), and dropped;
 *    nothing a device sends can stop the bridge.
 *  - Alarm raises, clears and acks are published to `<prefix>/alarms/<op>/<layer>/<objectId>` (QoS 1, not
 *    retained), by the bus leader only so a Redis deployment publishes each once.
 */
import mqtt, { type MqttClient } from "mqtt";
import type { Alarm } from "../../protocol/live";
import type { Bus } from "../bus";
import type { LiveState } from "../state";
import type { FeedSink } from "./feed-sink";
import type { MqttEnv } from "./feeds-config";
import { TopicRouter } from "./mqtt-topics";

export interface MqttBridgeOptions extends MqttEnv {
  flushMs?: number;
  maxBatch?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** most distinct topics tracked in the refusal table (the rest are counted under "(other)") */
  maxRefusedTopics?: number;
  log?: (m: string) => void;
}

export interface RefusedTopic {
  count: number;
  lastReason: string;
  lastAt: number;
}

export interface MqttStats {
  connected: boolean;
  /** subscriptions confirmed by the broker on the current connection */
  subscribed: boolean;
  url: string;
  clientId: string;
  received: number;
  accepted: number;
  refused: number;
  reconnects: number;
  alarmsPublished: number;
  refusedByTopic: Record<string, RefusedTopic>;
}

/** Per-topic refusal counts, bounded so a device inventing topics cannot grow it without limit. */
class RefusalTable {
  readonly byTopic = new Map<string, RefusedTopic>();
  private readonly lastLog = new Map<string, number>();
  total = 0;
  constructor(
    private readonly max: number,
    private readonly log: (m: string) => void,
  ) {}

  add(topic: string, reason: string, now: number): void {
    this.total++;
    const key = this.byTopic.has(topic) || this.byTopic.size < this.max ? topic : "(other)";
    const e = this.byTopic.get(key);
    if (e) Object.assign(e, { count: e.count + 1, lastReason: reason, lastAt: now });
    else this.byTopic.set(key, { count: 1, lastReason: reason, lastAt: now });
    if (now - (this.lastLog.get(key) ?? 0) >= 1000) {
      this.lastLog.set(key, now);
      this.log(`mqtt: refused a message on ${topic}: ${reason}`);
    }
  }
}

export class MqttBridge {
  private client?: MqttClient;
  private readonly router: TopicRouter;
  private readonly refusals: RefusalTable;
  private batch: { topic: string; record: unknown }[] = [];
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private backoff: number;
  private received = 0;
  private accepted = 0;
  private reconnects = 0;
  private alarmsPublished = 0;
  private subscribed = false;
  private unlisten?: () => void;
  private readonly log: (m: string) => void;

  constructor(
    private readonly opts: MqttBridgeOptions,
    private readonly sink: FeedSink,
    private readonly state: LiveState,
    private readonly bus: Bus,
  ) {
    this.log = opts.log ?? (() => {});
    this.router = new TopicRouter(opts.prefix, opts.mapping);
    this.refusals = new RefusalTable(opts.maxRefusedTopics ?? 200, this.log);
    this.backoff = opts.minBackoffMs ?? 500;
  }

  /** Connect (in the background: a broker that is down now is retried with backoff, the gateway still starts). */
  start(): void {
    if (this.client) return;
    const o = this.opts;
    const client = mqtt.connect(o.url, {
      clientId: o.clientId,
      clean: false,
      username: o.username,
      password: o.password,
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      reconnectPeriod: this.backoff,
      connectTimeout: 10_000,
      keepalive: 30,
      resubscribe: true,
    });
    this.client = client;
    client.on("connect", (ack) => this.onConnect(ack.sessionPresent));
    client.on("close", () => this.onClose());
    client.on("error", (e) => this.log(`mqtt: ${e.message}`));
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
    this.unlisten = this.state.onAlarm((op, alarm) => this.publishAlarm(op, alarm));
  }

  private onConnect(sessionPresent: boolean): void {
    this.backoff = this.opts.minBackoffMs ?? 500;
    if (this.client) this.client.options.reconnectPeriod = this.backoff;
    this.log(
      `mqtt: connected to ${redact(this.opts.url)} as ${this.opts.clientId} (session ${sessionPresent ? "resumed" : "new"})`,
    );
    const subs = Object.fromEntries(this.router.subscriptions().map((t) => [t, { qos: 1 as const }]));
    this.client?.subscribe(subs, (err) => {
      if (err) this.log(`mqtt: subscribe failed: ${err.message}`);
      else this.subscribed = true;
    });
  }

  private onClose(): void {
    this.subscribed = false;
    if (!this.client || this.client.disconnecting) return;
    this.reconnects++;
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 30_000);
    this.client.options.reconnectPeriod = this.backoff;
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.received++;
    const now = Date.now();
    const routed = this.router.route(topic, payload, now);
    if ("reason" in routed) return this.refusals.add(topic, routed.reason, now);
    this.batch.push({ topic, record: routed.record });
    if (this.batch.length >= (this.opts.maxBatch ?? 1000)) this.flushSoon(0);
    else this.flushSoon(this.opts.flushMs ?? 25);
  }

  private flushSoon(ms: number): void {
    if (this.flushTimer && ms > 0) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, ms);
  }

  /** Submit what is buffered; resolves when it is on the bus. */
  async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    if (!batch.length) return;
    try {
      const result = await this.sink.submit(batch.map((b) => b.record));
      this.accepted += result.accepted;
      const now = Date.now();
      for (const r of result.rejected) this.refusals.add(batch[r.index].topic, r.reason, now);
    } catch (e) {
      this.log(`mqtt: publishing ${batch.length} records to the bus failed: ${(e as Error).message}`);
    }
  }

  private publishAlarm(op: "raise" | "clear" | "ack", alarm: Alarm): void {
    const c = this.client;
    if (!c?.connected || !this.bus.isLeader()) return;
    const topic = `${this.opts.prefix}/alarms/${op}/${alarm.layer}/${alarm.objectId}`;
    this.alarmsPublished++;
    c.publish(topic, JSON.stringify({ op, alarm }), { qos: 1, retain: false }, (err) => {
      if (err) this.log(`mqtt: alarm publish to ${topic} failed: ${err.message}`);
    });
  }

  stats(): MqttStats {
    return {
      connected: !!this.client?.connected,
      subscribed: this.subscribed,
      url: redact(this.opts.url),
      clientId: this.opts.clientId,
      received: this.received,
      accepted: this.accepted,
      refused: this.refusals.total,
      reconnects: this.reconnects,
      alarmsPublished: this.alarmsPublished,
      refusedByTopic: Object.fromEntries(this.refusals.byTopic),
    };
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flushing;
    await this.flush();
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(false).catch(() => c.end(true));
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
