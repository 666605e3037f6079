/**
 * No raw key on screen: every live metric the inspector lists, every enum value a layer's inspector shows and every
 * district has a label in Chinese and English.
 */
import { describe, expect, it } from "vitest";
import { Charger, DataCentre, DISTRICTS, Operator, Sensor } from "../protocol/data";
import { LAYER_METRICS } from "../protocol/live";
import { districtLabel, hasKey, t } from "./i18n";

describe("labels for what the inspector shows", () => {
  it("every live metric of every layer has a zh and an en label", () => {
    for (const [layer, metrics] of Object.entries(LAYER_METRICS))
      for (const m of metrics) {
        const key = `live.${m}`;
        expect(hasKey(key), `${layer}.${m}`).toBe(true);
        if (!hasKey(key)) continue;
        expect(t(key, "en")).not.toBe(m);
        expect(t(key, "en")).toMatch(/^[\x20-\x7e°]+$/);
        expect(t(key, "zh")).toMatch(/[\u4e00-\u9fff]/);
      }
  });

  it("every kind and operator code has a label in both languages", () => {
    const keys = [
      ...DataCentre.shape.kind.options.map((k) => `dcKind.${k}`),
      ...Charger.shape.kind.options.map((k) => `chargerKind.${k}`),
      ...Sensor.shape.kind.options.map((k) => `sensorKind.${k}`),
      ...Operator.options.map((k) => `operator.${k}`),
    ];
    expect(keys.length).toBe(5 + 2 + 3 + 4);
    for (const key of keys) {
      expect(hasKey(key), key).toBe(true);
      if (!hasKey(key)) continue;
      expect(t(key, "zh")).toMatch(/[\u4e00-\u9fff]/);
      expect(t(key, "en")).toMatch(/^[A-Z][A-Za-z +-]+$/);
    }
  });

  it("districts read in English with the Chinese name beside", () => {
    for (const d of DISTRICTS) {
      expect(districtLabel(d, "zh")).toBe(d);
      expect(districtLabel(d, "en")).toMatch(/ (District|City|County) /);
      expect(districtLabel(d, "en").endsWith(d)).toBe(true);
    }
    expect(districtLabel("闽侯县", "en")).toBe("Minhou County 闽侯县");
  });
});
