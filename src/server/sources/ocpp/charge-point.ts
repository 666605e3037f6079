/**
 * One OCPP 1.6J charge point as the central system sees it, and the mapping from OCPP statuses and meter values
 * to the charging layer (status + metrics charging/idle/fault/offline/powerKw/socPct). Pure: no I/O, no clock.
 *
 * Connector status -> connector state counted in the layer's metrics:
 *   Available, Reserved                                       -> idle
 *   Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing -> charging (occupied: the layer's utilisation)
 *   Unavailable                                               -> offline
 *   Faulted                                                   -> fault
 * Station (layer) status: connector 0 Unavailable or every connector offline -> offline (3); connector 0 or any
 * connector Faulted -> fault (2) with a charger-fault alarm carrying errorCode/vendorErrorCode; else ok (0).
 */
import { z } from "zod";

export const OcppStatus = z.enum([
  "Available",
  "Preparing",
  "Charging",
  "SuspendedEVSE",
  "SuspendedEV",
  "Finishing",
  "Reserved",
  "Unavailable",
  "Faulted",
]);
export type OcppStatus = z.infer<typeof OcppStatus>;
export type ConnectorState = "idle" | "charging" | "offline" | "fault";

export const CONNECTOR_STATE: Record<OcppStatus, ConnectorState> = {
  Available: "idle",
  Reserved: "idle",
  Preparing: "charging",
  Charging: "charging",
  SuspendedEV: "charging",
  SuspendedEVSE: "charging",
  Finishing: "charging",
  Unavailable: "offline",
  Faulted: "fault",
};

export const StatusNotification = z.object({
  connectorId: z.number().int().min(0).max(200),
  errorCode: z.string().max(50),
  status: OcppStatus,
  info: z.string().max(50).optional(),
  timestamp: z.string().optional(),
  vendorId: z.string().max(255).optional(),
  vendorErrorCode: z.string().max(50).optional(),
});
export type StatusNotification = z.infer<typeof StatusNotification>;

const SampledValue = z.object({
  value: z.string(),
  context: z.string().optional(),
  format: z.string().optional(),
  measurand: z.string().optional(),
  phase: z.string().optional(),
  location: z.string().optional(),
  unit: z.string().optional(),
});
export const MeterValuesReq = z.object({
  connectorId: z.number().int().min(0).max(200),
  transactionId: z.number().int().optional(),
  meterValue: z.array(z.object({ timestamp: z.string(), sampledValue: z.array(SampledValue).max(100) })).max(100),
});
export type MeterValuesReq = z.infer<typeof MeterValuesReq>;

export interface FaultInfo {
  connectorId: number;
  errorCode: string;
  vendorErrorCode?: string;
  info?: string;
}

export interface LayerReading {
  status: 0 | 2 | 3;
  metrics: { charging: number; idle: number; fault: number; offline: number; powerKw: number; socPct?: number };
  /** the first faulted connector (or the charge point itself), when the station is in fault */
  fault?: FaultInfo;
}

/** Sum of a measurand over one meter sample: phaseless values if any, else the L1/L2/L3 values. */
function measurand(values: MeterValuesReq["meterValue"][number]["sampledValue"], name: string): number | undefined {
  const of = values.filter(
    (v) => (v.measurand ?? "Energy.Active.Import.Register") === name && v.format !== "SignedData",
  );
  const whole = of.filter((v) => !v.phase);
  const use = whole.length ? whole : of.filter((v) => v.phase === "L1" || v.phase === "L2" || v.phase === "L3");
  if (!use.length) return undefined;
  let sum = 0;
  for (const v of use) {
    const x = Number(v.value);
    if (!Number.isFinite(x)) return undefined;
    const unit = v.unit ?? (name.startsWith("Energy") ? "Wh" : name.startsWith("Power") ? "W" : "Percent");
    sum += unit === "kW" || unit === "kWh" ? x * 1000 : x;
  }
  return sum;
}

export class ChargePoint {
  /** status of connector 0 (the charge point itself), and of connectors 1..n */
  cpStatus: OcppStatus = "Available";
  readonly connectors: OcppStatus[];
  private readonly faults = new Map<number, FaultInfo>();
  /** W per connector from the latest MeterValues */
  readonly powerW: number[];
  /** Wh register per connector */
  readonly energyWh: number[];
  socPct?: number;
  sessions = 0;
  readonly transactions = new Map<number, { connectorId: number; idTag: string; meterStart: number; start: string }>();
  booted = false;
  vendor?: string;
  model?: string;

  constructor(
    readonly id: string,
    readonly index: number,
    readonly connectorCount: number,
  ) {
    this.connectors = new Array<OcppStatus>(connectorCount).fill("Available");
    this.powerW = new Array<number>(connectorCount).fill(0);
    this.energyWh = new Array<number>(connectorCount).fill(0);
  }

  /** Apply a StatusNotification; false when the connector id is outside this charge point. */
  status(n: StatusNotification): boolean {
    if (n.connectorId > this.connectorCount) return false;
    if (n.connectorId === 0) this.cpStatus = n.status;
    else this.connectors[n.connectorId - 1] = n.status;
    if (n.status === "Faulted")
      this.faults.set(n.connectorId, {
        connectorId: n.connectorId,
        errorCode: n.errorCode,
        ...(n.vendorErrorCode ? { vendorErrorCode: n.vendorErrorCode } : {}),
        ...(n.info ? { info: n.info } : {}),
      });
    else this.faults.delete(n.connectorId);
    if (n.connectorId > 0 && CONNECTOR_STATE[n.status] !== "charging") this.powerW[n.connectorId - 1] = 0;
    return true;
  }

  /** Apply MeterValues (latest sample wins); false when the connector id is outside this charge point. */
  meter(m: MeterValuesReq): boolean {
    if (m.connectorId > this.connectorCount) return false;
    const last = m.meterValue[m.meterValue.length - 1];
    if (!last) return true;
    const p = measurand(last.sampledValue, "Power.Active.Import");
    const e = measurand(last.sampledValue, "Energy.Active.Import.Register");
    const soc = measurand(last.sampledValue, "SoC");
    const c = m.connectorId - 1;
    if (p !== undefined) {
      if (c >= 0) this.powerW[c] = Math.max(0, p);
      else this.powerW.fill(0).splice(0, 1, Math.max(0, p)); // connector 0: the whole charge point's meter
    }
    if (e !== undefined && c >= 0) this.energyWh[c] = e;
    if (soc !== undefined) this.socPct = Math.min(100, Math.max(0, soc));
    return true;
  }

  reading(): LayerReading {
    const counts = { charging: 0, idle: 0, fault: 0, offline: 0 };
    const cpDown = this.cpStatus === "Unavailable";
    const cpFault = this.cpStatus === "Faulted";
    for (const s of this.connectors) counts[cpDown ? "offline" : cpFault ? "fault" : CONNECTOR_STATE[s]]++;
    const status = cpDown || counts.offline === this.connectorCount ? 3 : cpFault || counts.fault > 0 ? 2 : 0;
    const powerKw = Math.round(this.powerW.reduce((a, b) => a + b, 0) / 100) / 10;
    const fault = status === 2 ? (this.faults.get(0) ?? [...this.faults.values()][0]) : undefined;
    return {
      status,
      metrics: { ...counts, powerKw, ...(this.socPct !== undefined ? { socPct: this.socPct } : {}) },
      ...(fault ? { fault } : {}),
    };
  }
}
