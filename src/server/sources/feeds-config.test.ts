import { describe, expect, it } from "vitest";
import { parseLiveSource, readMqttEnv, readOcppEnv } from "./feeds-config";

describe("LIVE_SOURCE and feed settings", () => {
  it("composes sources", () => {
    expect(parseLiveSource(undefined)).toEqual({ source: "sim", mqtt: false, ocpp: false });
    expect(parseLiveSource("both")).toEqual({ source: "both", mqtt: false, ocpp: false });
    expect(parseLiveSource("sim,mqtt,ocpp")).toEqual({ source: "sim", mqtt: true, ocpp: true });
    expect(parseLiveSource("sim, ingest ,ocpp")).toEqual({ source: "both", mqtt: false, ocpp: true });
    expect(parseLiveSource("mqtt")).toEqual({ source: "ingest", mqtt: true, ocpp: false });
    expect(() => parseLiveSource("sim,kafka")).toThrow(/^LIVE_SOURCE=sim,kafka: expected/);
    expect(() => parseLiveSource("synthetic,mqtt")).toThrow(/cannot be combined/);
  });
  it("reads MQTT and OCPP settings, naming the bad variable", () => {
    expect(() => readMqttEnv({})).toThrow(/^MQTT_URL: required/);
    expect(() => readMqttEnv({ MQTT_URL: "http://x" })).toThrow(/^MQTT_URL=http:\/\/x: expected/);
    expect(() => readMqttEnv({ MQTT_URL: "mqtt://h:1883", MQTT_TOPIC_PREFIX: "a/#" })).toThrow(
      /^MQTT_TOPIC_PREFIX=a\/#/,
    );
    const m = readMqttEnv({ MQTT_URL: "mqtt://h:1883", MQTT_CLIENT_ID: "gw-1" });
    expect(m).toMatchObject({ url: "mqtt://h:1883", clientId: "gw-1", prefix: "rongtwin" });
    expect(() => readOcppEnv({ OCPP_HEARTBEAT_S: "0" })).toThrow(/^OCPP_HEARTBEAT_S=0/);
    expect(() => readOcppEnv({ OCPP_CREDENTIALS: '{"chargePoints":{"EV-1":"short"}}' })).toThrow(
      /^OCPP_CREDENTIALS: chargePoints.EV-1: use at least 16 characters/,
    );
    const o = readOcppEnv({ OCPP_CREDENTIALS: '{"chargePoints":{"EV-1":"0123456789abcdef"}}' }, "/nonexistent");
    expect(o.credentials?.unknownDevices).toBe(true);
    expect(readOcppEnv({}, "/nonexistent").credentials).toBeUndefined();
  });
});
