/**
 * The real feeds of one gateway, started together: the MQTT bridge and/or the OCPP central system, sharing one
 * FeedSink (validation + claims, so the simulator leaves their objects alone). Also their REST routes:
 *   GET  /api/feeds                              counters of both feeds (also inside /api/health as `feeds`)
 *   GET  /api/ocpp/charge-points                 role operator: connected charge points and their state
 *   GET  /api/ocpp/unknown                       role operator: charge points that tried to connect, not in the inventory
 *   POST /api/ocpp/charge-points/:id/command     role operator: {action: RemoteStartTransaction|Reset|
 *                                                ChangeAvailability, …} -> the charge point's reply; audited in the log
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import { zodReason } from "../../protocol/live";
import type { Bus } from "../bus";
import type { TokenBook } from "../config";
import type { LayerData } from "../layer-data";
import { requireRole } from "../security";
import type { LiveState } from "../state";
import { FeedSink } from "./feed-sink";
import type { MqttEnv, OcppEnv } from "./feeds-config";
import { MqttBridge, type MqttBridgeOptions } from "./mqtt";
import { CentralSystem, OcppCommand } from "./ocpp/central-system";
import { CredentialBook } from "./ocpp/credentials";

export interface FeedsOptions {
  mqtt?: MqttEnv & Partial<MqttBridgeOptions>;
  ocpp?: OcppEnv & { tickMs?: number };
}

export class Feeds {
  readonly sink: FeedSink;
  readonly mqtt?: MqttBridge;
  readonly ocpp?: CentralSystem;
  private readonly log: (m: string) => void;
  /** the OCPP WebSocket upgrade listener on the gateway's HTTP server, removed on stop */
  private upgrade?: {
    server: FastifyInstance["server"];
    listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  };

  constructor(o: FeedsOptions, deps: { state: LiveState; bus: Bus; data: LayerData; log: (m: string) => void }) {
    this.log = deps.log;
    this.sink = new FeedSink(deps.state, deps.bus);
    if (o.mqtt) this.mqtt = new MqttBridge({ log: deps.log, ...o.mqtt }, this.sink, deps.state, deps.bus);
    if (o.ocpp) {
      const credentials = new CredentialBook(o.ocpp.credentials);
      deps.log(`ocpp: credentials from ${o.ocpp.credentialsSource} (${credentials.size} charge points)`);
      this.ocpp = new CentralSystem({
        chargers: deps.data.chargers,
        credentials,
        sink: this.sink,
        heartbeatS: o.ocpp.heartbeatS,
        tickMs: o.ocpp.tickMs,
        log: deps.log,
      });
    }
  }

  get any(): boolean {
    return !!(this.mqtt || this.ocpp);
  }

  /** Attach to the gateway's HTTP server and REST API, and start. */
  start(app: FastifyInstance, tokens: TokenBook): void {
    if (this.ocpp) {
      const ocpp = this.ocpp;
      const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        void ocpp.handleUpgrade(req, socket, head);
      app.server.on("upgrade", listener);
      this.upgrade = { server: app.server, listener };
      ocpp.start();
    }
    this.routes(app, tokens);
  }

  /**
   * The bus leader runs the MQTT bridge (with Redis, one gateway at a time holds the broker session under the
   * stable client id, and a new leader takes it over with whatever was queued meanwhile).
   */
  onLeader(leader: boolean): void {
    if (!this.mqtt) return;
    if (leader) this.mqtt.start();
    else void this.mqtt.stop().catch((e: unknown) => this.log(`mqtt: stop failed: ${(e as Error).message}`));
  }

  health(): Record<string, unknown> {
    return {
      claimedObjects: this.sink.claims.count,
      ...(this.mqtt ? { mqtt: this.mqtt.stats() } : {}),
      ...(this.ocpp ? { ocpp: this.ocpp.stats() } : {}),
    };
  }

  private routes(app: FastifyInstance, tokens: TokenBook): void {
    app.get("/api/feeds", async () => this.health());
    const ocpp = this.ocpp;
    if (!ocpp) return;
    app.get("/api/ocpp/charge-points", async (req, reply) => {
      if (!requireRole(tokens, req, reply, ["operator"])) return;
      return { chargePoints: ocpp.chargePoints() };
    });
    app.get("/api/ocpp/unknown", async (req, reply) => {
      if (!requireRole(tokens, req, reply, ["operator"])) return;
      return { unknown: ocpp.unknownDevices() };
    });
    app.post<{ Params: { id: string } }>("/api/ocpp/charge-points/:id/command", async (req, reply) => {
      const who = requireRole(tokens, req, reply, ["operator"]);
      if (!who) return;
      const cmd = OcppCommand.safeParse(req.body);
      if (!cmd.success) return reply.code(400).send({ error: "invalid", reason: zodReason(cmd.error) });
      const id = req.params.id.slice(0, 64);
      const audit = (outcome: string) =>
        this.log(`ocpp audit: ${who.name} (${who.role}) -> ${id} ${JSON.stringify(cmd.data)}: ${outcome}`);
      try {
        const res = await ocpp.command(id, cmd.data);
        audit(JSON.stringify(res));
        return { ok: true, reply: res };
      } catch (e) {
        const reason = (e as Error).message;
        audit(`failed: ${reason}`);
        return reply.code(/not connected/.test(reason) ? 404 : 502).send({ error: "ocpp", reason });
      }
    });
  }

  async stop(): Promise<void> {
    this.upgrade?.server.off("upgrade", this.upgrade.listener);
    this.upgrade = undefined;
    await Promise.all([this.mqtt?.stop(), this.ocpp?.stop()]);
  }
}
