import { describe, expect, it } from "vitest";
import { ChargePoint, CONNECTOR_STATE, type OcppStatus } from "./charge-point";

const st = (connectorId: number, status: OcppStatus, errorCode = "NoError", vendorErrorCode?: string) => ({
  connectorId,
  status,
  errorCode,
  ...(vendorErrorCode ? { vendorErrorCode } : {}),
});

describe("OCPP 1.6 charge point -> charging layer", () => {
  it("maps every connector status as the README table says", () => {
    expect(CONNECTOR_STATE).toEqual({
      Available: "idle",
      Reserved: "idle",
      Preparing: "charging",
      Charging: "charging",
      SuspendedEV: "charging",
      SuspendedEVSE: "charging",
      Finishing: "charging",
      Unavailable: "offline",
      Faulted: "fault",
    });
  });

  it("counts connectors: 4 connectors, 2 charging, 1 faulted -> fault with the error codes", () => {
    const cp = new ChargePoint("EV-1", 0, 4);
    expect(cp.reading()).toEqual({ status: 0, metrics: { charging: 0, idle: 4, fault: 0, offline: 0, powerKw: 0 } });
    cp.status(st(1, "Charging"));
    cp.status(st(2, "SuspendedEV"));
    expect(cp.reading().status).toBe(0);
    cp.status(st(4, "Faulted", "GroundFailure", "E-0042"));
    expect(cp.reading()).toEqual({
      status: 2,
      metrics: { charging: 2, idle: 1, fault: 1, offline: 0, powerKw: 0 },
      fault: { connectorId: 4, errorCode: "GroundFailure", vendorErrorCode: "E-0042" },
    });
    cp.status(st(4, "Available"));
    expect(cp.reading().status).toBe(0);
    expect(cp.reading().fault).toBeUndefined();
  });

  it("connector 0 Unavailable takes the whole station offline; Faulted faults it", () => {
    const cp = new ChargePoint("EV-1", 0, 2);
    cp.status(st(0, "Unavailable"));
    expect(cp.reading().status).toBe(3);
    expect(cp.reading().metrics.offline).toBe(2);
    cp.status(st(0, "Faulted", "PowerMeterFailure"));
    expect(cp.reading().status).toBe(2);
    expect(cp.reading().fault?.errorCode).toBe("PowerMeterFailure");
    expect(cp.status(st(3, "Available"))).toBe(false); // connector outside the station
  });

  it("MeterValues: W and kW power summed over connectors, phases summed when no total, SoC", () => {
    const cp = new ChargePoint("EV-1", 0, 2);
    cp.status(st(1, "Charging"));
    cp.status(st(2, "Charging"));
    const t = "2026-11-30T08:00:00Z";
    cp.meter({
      connectorId: 1,
      meterValue: [
        {
          timestamp: t,
          sampledValue: [
            { value: "120000", measurand: "Power.Active.Import", unit: "W" },
            { value: "55", measurand: "SoC", unit: "Percent" },
          ],
        },
      ],
    });
    cp.meter({
      connectorId: 2,
      meterValue: [
        {
          timestamp: t,
          sampledValue: [
            { value: "20", measurand: "Power.Active.Import", unit: "kW", phase: "L1" },
            { value: "20", measurand: "Power.Active.Import", unit: "kW", phase: "L2" },
            { value: "20.5", measurand: "Power.Active.Import", unit: "kW", phase: "L3" },
            { value: "15000", unit: "Wh" },
          ],
        },
      ],
    });
    // 120 kW + 60.5 kW
    expect(cp.reading().metrics).toMatchObject({ powerKw: 180.5, socPct: 55, charging: 2 });
    expect(cp.energyWh).toEqual([0, 15000]);
    // a connector that stops charging draws nothing
    cp.status(st(1, "Available"));
    expect(cp.reading().metrics.powerKw).toBe(60.5);
  });
});
