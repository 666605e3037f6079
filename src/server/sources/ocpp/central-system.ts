/**
 * OCPP 1.6J central system for the charging layer, on the gateway's own HTTP server at /ocpp/<chargePointId>
 * (WebSocket subprotocol ocpp1.6), built on ocpp-rpc's RPCServer in strict mode (every inbound call and outbound
 * response is checked against the OCPP 1.6 JSON schemas; a bad call gets a FormationViolation, not a crash).
 *
 *  - Auth (security profile 1): HTTP Basic, username = identity, password per charge point (credentials.ts).
 *    Wrong or missing password -> HTTP 401 before the WebSocket opens.
 *  - BootNotification: Accepted (with the heartbeat interval) for charge points in the charging inventory;
 *    Rejected for others, which are listed as unknown devices (GET /api/ocpp/unknown).
 *  - StatusNotification / MeterValues / Start- and StopTransaction -> ChargePoint (charge-point.ts) -> an ingest
 *    record through the FeedSink (same validation as POST /api/ingest); Faulted raises charger-fault.
 *  - Heartbeat loss: no message for 2 heartbeat intervals -> status unknown (stale); for 4 -> offline with a
 *    charger-offline alarm; cleared by the next message.
 *  - Operator commands (RemoteStartTransaction, Reset, ChangeAvailability) go through command(), audited.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { RPCServer, createRPCError } from "ocpp-rpc";
import type RpcServerClient from "ocpp-rpc/lib/server-client";
import { z } from "zod";
import type { Charger } from "../../../protocol/data";
import type { FeedSink } from "../feed-sink";
import { ChargePoint, MeterValuesReq, StatusNotification } from "./charge-point";
import type { CredentialBook } from "./credentials";

export interface CentralSystemOptions {
  chargers: Charger[];
  credentials: CredentialBook;
  sink: FeedSink;
  heartbeatS: number;
  /** watchdog period, ms (default 1000) */
  tickMs?: number;
  /** most charge points connected at once (default 5000) and unknown ones among them (default 50) */
  maxConnections?: number;
  maxUnknown?: number;
  log: (m: string) => void;
}

export interface UnknownDevice {
  identity: string;
  firstSeen: number;
  lastSeen: number;
  attempts: number;
  remoteAddress?: string;
  vendor?: string;
  model?: string;
}

export const OcppCommand = z.discriminatedUnion("action", [
  z
    .object({
      action: z.literal("RemoteStartTransaction"),
      idTag: z.string().min(1).max(20),
      connectorId: z.number().int().min(1).max(200).optional(),
    })
    .strict(),
  z.object({ action: z.literal("Reset"), type: z.enum(["Hard", "Soft"]) }).strict(),
  z
    .object({
      action: z.literal("ChangeAvailability"),
      connectorId: z.number().int().min(0).max(200),
      type: z.enum(["Inoperative", "Operative"]),
    })
    .strict(),
]);
export type OcppCommand = z.infer<typeof OcppCommand>;

type Liveness = "live" | "stale" | "offline";
interface Session {
  cp: ChargePoint;
  client?: RpcServerClient;
  lastHeard: number;
  liveness: Liveness;
}

const MAX_UNKNOWN_LIST = 500;

export class CentralSystem {
  readonly rpc: RPCServer;
  private readonly inventory = new Map<string, { index: number; charger: Charger }>();
  private readonly sessions = new Map<string, Session>();
  private readonly unknown = new Map<string, UnknownDevice>();
  private unknownConnected = 0;
  private nextTransactionId = 1;
  private timer?: NodeJS.Timeout;
  private readonly log: (m: string) => void;

  constructor(private readonly o: CentralSystemOptions) {
    this.log = o.log;
    o.chargers.forEach((charger, index) => this.inventory.set(charger.id, { index, charger }));
    this.rpc = new RPCServer({
      protocols: ["ocpp1.6"],
      strictMode: true,
      callTimeoutMs: 15_000,
      pingIntervalMs: 30_000,
      respondWithDetailedErrors: false,
      maxBadMessages: 10,
    });
    this.rpc.auth((accept, reject, hs) =>
      this.authenticate(hs.identity, hs.password, hs.remoteAddress, accept, reject),
    );
    this.rpc.on("client", (client: RpcServerClient) => this.attach(client));
  }

  /** Route WebSocket upgrades for /ocpp/<id> to the RPC server; true when this request was ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? "").split("?")[0];
    if (!path.startsWith("/ocpp/")) return false;
    void this.rpc.handleUpgrade(req, socket as never, head);
    return true;
  }

  start(): void {
    this.timer = setInterval(() => void this.watchdog(Date.now()), this.o.tickMs ?? 1000);
  }

  private authenticate(
    identity: string,
    password: Buffer | undefined,
    remoteAddress: string | undefined,
    accept: (session?: Record<string, unknown>, protocol?: string | false) => void,
    reject: (code: number, message: string) => void,
  ): void {
    const connected = [...this.sessions.values()].filter((s) => s.client).length + this.unknownConnected;
    if (connected >= (this.o.maxConnections ?? 5000)) return reject(503, "Too many charge points connected");
    if (!this.inventory.has(identity)) {
      this.noteUnknown(identity, remoteAddress);
      if (!this.o.credentials.admitsUnknown || this.unknownConnected >= (this.o.maxUnknown ?? 50))
        return reject(401, "Unknown charge point");
      return accept({ known: false });
    }
    if (!this.o.credentials.check(identity, password)) {
      this.log(`ocpp: ${identity} refused: ${password ? "wrong password" : "no password (HTTP Basic auth required)"}`);
      return reject(401, "Unauthorized");
    }
    accept({ known: true });
  }

  private noteUnknown(identity: string, remoteAddress?: string, boot?: { vendor: string; model: string }): void {
    const now = Date.now();
    const e = this.unknown.get(identity);
    if (e) Object.assign(e, { lastSeen: now, attempts: e.attempts + 1, ...boot });
    else if (this.unknown.size < MAX_UNKNOWN_LIST) {
      this.unknown.set(identity, { identity, firstSeen: now, lastSeen: now, attempts: 1, remoteAddress, ...boot });
      this.log(`ocpp: unknown charge point ${identity} (${remoteAddress ?? "?"}) - not in the charging inventory`);
    }
  }

  private attach(client: RpcServerClient): void {
    const id = client.identity ?? "";
    const known = (client.session as { known?: boolean }).known === true;
    if (!known) return this.attachUnknown(client, id);
    const inv = this.inventory.get(id)!;
    let s = this.sessions.get(id);
    if (!s) {
      s = { cp: new ChargePoint(id, inv.index, inv.charger.connectors), lastHeard: Date.now(), liveness: "live" };
      this.sessions.set(id, s);
    }
    const previous = s.client;
    s.client = client;
    if (previous) void previous.close({ code: 1000, reason: "replaced by a new connection" }).catch(() => {});
    const session = s;
    client.on("close", () => {
      if (session.client === client) session.client = undefined;
    });
    // every message counts as a sign of life (OCPP 1.6: the heartbeat may be skipped while other traffic flows)
    client.on("message", (m: { outbound?: boolean }) => {
      if (!m.outbound) void this.heard(session, Date.now());
    });
    client.handle("BootNotification", async ({ params }) => this.boot(session, params ?? {}));
    client.handle("Heartbeat", async () => ({ currentTime: new Date().toISOString() }));
    client.handle("StatusNotification", ({ params }) => this.onStatus(session, params ?? {}));
    client.handle("MeterValues", ({ params }) => this.onMeter(session, params ?? {}));
    client.handle("StartTransaction", ({ params }) => this.onStart(session, params ?? {}));
    client.handle("StopTransaction", ({ params }) => this.onStop(session, params ?? {}));
    client.handle("Authorize", async () => ({ idTagInfo: { status: "Accepted" } }));
    client.handle(async ({ method }) => {
      throw createRPCError("NotImplemented", `${method} is not supported by this central system`);
    });
  }

  private attachUnknown(client: RpcServerClient, id: string): void {
    this.unknownConnected++;
    client.on("close", () => this.unknownConnected--);
    client.handle("BootNotification", async ({ params }) => {
      const p = (params ?? {}) as { chargePointVendor?: string; chargePointModel?: string };
      this.noteUnknown(id, client.handshake.remoteAddress, {
        vendor: String(p.chargePointVendor ?? ""),
        model: String(p.chargePointModel ?? ""),
      });
      return { status: "Rejected", currentTime: new Date().toISOString(), interval: this.o.heartbeatS };
    });
    client.handle(async ({ method }) => {
      throw createRPCError("SecurityError", `${id} is not an accepted charge point (${method} refused)`);
    });
  }

  private boot(s: Session, params: Record<string, unknown>) {
    s.cp.booted = true;
    s.cp.vendor = String(params.chargePointVendor ?? "");
    s.cp.model = String(params.chargePointModel ?? "");
    this.log(`ocpp: ${s.cp.id} booted (${s.cp.vendor} ${s.cp.model}), accepted`);
    void this.publish(s, Date.now());
    return { status: "Accepted", currentTime: new Date().toISOString(), interval: this.o.heartbeatS };
  }

  private async onStatus(s: Session, params: Record<string, unknown>) {
    const n = StatusNotification.parse(params);
    if (!s.cp.status(n))
      throw createRPCError("PropertyConstraintViolation", `connectorId ${n.connectorId} > ${s.cp.connectorCount}`);
    await this.publish(s, n.timestamp ? Date.parse(n.timestamp) || Date.now() : Date.now());
    return {};
  }

  private async onMeter(s: Session, params: Record<string, unknown>) {
    const m = MeterValuesReq.parse(params);
    if (!s.cp.meter(m))
      throw createRPCError("PropertyConstraintViolation", `connectorId ${m.connectorId} > ${s.cp.connectorCount}`);
    await this.publish(s, Date.now());
    return {};
  }

  private async onStart(s: Session, params: Record<string, unknown>) {
    const p = params as { connectorId: number; idTag: string; meterStart: number; timestamp: string };
    if (p.connectorId < 1 || p.connectorId > s.cp.connectorCount)
      throw createRPCError("PropertyConstraintViolation", `connectorId ${p.connectorId} out of range`);
    const transactionId = this.nextTransactionId++;
    s.cp.transactions.set(transactionId, {
      connectorId: p.connectorId,
      idTag: p.idTag,
      meterStart: p.meterStart,
      start: p.timestamp,
    });
    s.cp.sessions++;
    s.cp.status({ connectorId: p.connectorId, errorCode: "NoError", status: "Charging" });
    await this.publish(s, Date.now());
    return { transactionId, idTagInfo: { status: "Accepted" } };
  }

  private async onStop(s: Session, params: Record<string, unknown>) {
    const p = params as { transactionId: number; meterStop: number };
    const tx = s.cp.transactions.get(p.transactionId);
    if (tx) {
      s.cp.transactions.delete(p.transactionId);
      s.cp.energyWh[tx.connectorId - 1] = p.meterStop;
      s.cp.status({ connectorId: tx.connectorId, errorCode: "NoError", status: "Finishing" });
      await this.publish(s, Date.now());
    }
    return { idTagInfo: { status: "Accepted" } };
  }

  /** The charge point's current reading as ingest records (status + metrics, and the fault alarm). */
  private async publish(s: Session, ts: number): Promise<void> {
    const r = s.cp.reading();
    const records: unknown[] = [{ layer: "chargers", id: s.cp.id, ts, status: r.status, metrics: r.metrics }];
    const name = this.inventory.get(s.cp.id)?.charger.name ?? s.cp.id;
    if (r.fault) {
      const f = r.fault;
      const code = `${f.errorCode}${f.vendorErrorCode ? ` / ${f.vendorErrorCode}` : ""}`;
      const where = f.connectorId === 0 ? "" : ` #${f.connectorId}`;
      records.push({
        layer: "chargers",
        id: s.cp.id,
        ts,
        alarm: {
          kind: "charger-fault",
          severity: "major",
          text: `${name}${where} 故障 (OCPP ${code})`,
          text_en: `${s.cp.id}${where} faulted (OCPP ${code})`,
        },
      });
    } else if (this.o.sink.activeAlarm("chargers", s.cp.id, "charger-fault"))
      records.push({
        layer: "chargers",
        id: s.cp.id,
        ts,
        alarm: { kind: "charger-fault", severity: "major", text: "-", clear: true },
      });
    await this.submit(records);
  }

  private async submit(records: unknown[]): Promise<void> {
    const res = await this.o.sink.submit(records);
    for (const r of res.rejected) this.log(`ocpp: record refused: ${r.reason}`);
  }

  private async heard(s: Session, now: number): Promise<void> {
    s.lastHeard = now;
    if (s.liveness === "live") return;
    const was = s.liveness;
    s.liveness = "live";
    this.log(`ocpp: ${s.cp.id} heard again (was ${was})`);
    if (was === "offline" && this.o.sink.activeAlarm("chargers", s.cp.id, "charger-offline"))
      await this.submit([
        {
          layer: "chargers",
          id: s.cp.id,
          ts: now,
          alarm: { kind: "charger-offline", severity: "major", text: "-", clear: true },
        },
      ]);
    await this.publish(s, now);
  }

  /** Heartbeat loss: stale after 2 intervals of silence, offline (with an alarm) after 4. */
  async watchdog(now: number): Promise<void> {
    const hb = this.o.heartbeatS * 1000;
    for (const s of this.sessions.values()) {
      const quiet = now - s.lastHeard;
      if (s.liveness === "live" && quiet > 2 * hb) {
        s.liveness = "stale";
        this.log(`ocpp: ${s.cp.id} stale (no message for ${Math.round(quiet / 1000)} s)`);
        await this.submit([{ layer: "chargers", id: s.cp.id, ts: s.lastHeard, status: 4 }]);
      } else if (s.liveness === "stale" && quiet > 4 * hb) {
        s.liveness = "offline";
        this.log(`ocpp: ${s.cp.id} offline (no message for ${Math.round(quiet / 1000)} s)`);
        const name = this.inventory.get(s.cp.id)?.charger.name ?? s.cp.id;
        await this.submit([
          { layer: "chargers", id: s.cp.id, ts: s.lastHeard, status: 3 },
          {
            layer: "chargers",
            id: s.cp.id,
            ts: now,
            alarm: {
              kind: "charger-offline",
              severity: "major",
              text: `${name} 离线 (OCPP 心跳中断)`,
              text_en: `${s.cp.id}: offline (OCPP heartbeat lost)`,
            },
          },
        ]);
      }
    }
  }

  /** Send an operator command to a connected charge point; resolves with its reply. Caller audits. */
  async command(id: string, cmd: OcppCommand): Promise<Record<string, unknown>> {
    const client = this.sessions.get(id)?.client;
    if (!client) throw new Error(`charge point ${id} is not connected`);
    const { action, ...params } = cmd;
    return (await client.call(action, params)) as Record<string, unknown>;
  }

  chargePoints(): {
    id: string;
    connected: boolean;
    liveness: Liveness;
    lastHeard: number;
    booted: boolean;
    vendor?: string;
    model?: string;
    cpStatus: string;
    connectors: string[];
    powerKw: number;
    sessions: number;
    activeTransactions: number;
    energyWh: number[];
  }[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.cp.id,
      connected: !!s.client,
      liveness: s.liveness,
      lastHeard: s.lastHeard,
      booted: s.cp.booted,
      vendor: s.cp.vendor,
      model: s.cp.model,
      cpStatus: s.cp.cpStatus,
      connectors: [...s.cp.connectors],
      powerKw: s.cp.reading().metrics.powerKw,
      sessions: s.cp.sessions,
      activeTransactions: s.cp.transactions.size,
      energyWh: [...s.cp.energyWh],
    }));
  }

  unknownDevices(): UnknownDevice[] {
    return [...this.unknown.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  }

  stats(): { connected: number; known: number; unknownConnected: number; unknownDevices: number } {
    const sessions = [...this.sessions.values()];
    return {
      connected: sessions.filter((s) => s.client).length,
      known: sessions.length,
      unknownConnected: this.unknownConnected,
      unknownDevices: this.unknown.size,
    };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.rpc
      .close({ code: 1001, reason: "gateway shutting down", awaitPending: false, force: true })
      .catch(() => {});
  }
}
