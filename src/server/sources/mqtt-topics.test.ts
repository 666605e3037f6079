import { describe, expect, it } from "vitest";
import { TopicMapping, TopicRouter, topicMatches } from "./mqtt-topics";

const NOW = 1_764_000_000_000;
const buf = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v));

describe("MQTT topic routing", () => {
  const router = new TopicRouter("rongtwin", {
    mappings: TopicMapping.parse({
      mappings: [
        {
          topic: "city/ev/+/telemetry",
          layer: "chargers",
          id: { segment: 2 },
          idPrefix: "EV-S",
          idPad: 3,
          status: { field: "state", map: { ok: 0, broken: 2, down: 3 } },
          metrics: { powerKw: "data.power_kw", socPct: "data.soc" },
          ts: { field: "time", unit: "s" },
        },
        { topic: "its/#", layer: "sensors", id: { field: "dev" }, metrics: { speedKmh: "v" } },
      ],
    }).mappings,
  });

  it("matches MQTT filters with + and #", () => {
    expect(topicMatches("a/+/c", "a/b/c")).toBe(true);
    expect(topicMatches("a/+/c", "a/b/c/d")).toBe(false);
    expect(topicMatches("a/#", "a/b/c/d")).toBe(true);
    expect(topicMatches("a/b", "a/c")).toBe(false);
  });

  it("reads the own layout: status, metrics and alarm topics, ts defaulting to receipt", () => {
    expect(router.route("rongtwin/sites/S-1/status", buf({ status: 2, ts: NOW - 5 }), NOW)).toEqual({
      record: { layer: "sites", id: "S-1", ts: NOW - 5, status: 2 },
    });
    expect(router.route("rongtwin/sensors/T-9/metrics", buf({ metrics: { speedKmh: 42.5 } }), NOW)).toEqual({
      record: { layer: "sensors", id: "T-9", ts: NOW, metrics: { speedKmh: 42.5 } },
    });
    const a = { kind: "smoke", severity: "major", text: "烟感" };
    expect(router.route("rongtwin/datacentres/DC-1/alarm", buf({ alarm: a }), NOW)).toEqual({
      record: { layer: "datacentres", id: "DC-1", ts: NOW, alarm: a },
    });
  });

  it("names what is wrong with a message it cannot even turn into a record", () => {
    const reason = (t: string, p: unknown) => (router.route(t, buf(p), NOW) as { reason: string }).reason;
    expect(reason("rongtwin/sites/S-1/status", "{not json")).toBe("payload: not valid JSON");
    expect(reason("rongtwin/sites/S-1/status", [1, 2])).toBe("payload: expected a JSON object");
    expect(reason("rongtwin/sites/S-1/power", { x: 1 })).toBe(
      'topic: last level "power" is not one of status, metrics, alarm',
    );
    expect(reason("rongtwin/sites/S-1/status", { status: 1, load: 3 })).toBe(
      "payload: unexpected field(s) load on a /status topic",
    );
    expect(reason("rongtwin/sites/S-1/metrics", { ts: NOW })).toBe('payload: a /metrics message carries "metrics"');
    expect(reason("rongtwin/x/y", { status: 1 })).toBe(
      "topic: expected rongtwin/<layer>/<objectId>/status|metrics|alarm",
    );
    expect(reason("city/ev/12/telemetry", { state: "melting" })).toBe('state: "melting" is not in the status map');
  });

  it("maps a foreign platform's topic: id from a level (padded, prefixed), fields to status/metrics, ts in s", () => {
    const r = router.route(
      "city/ev/12/telemetry",
      buf({ state: "broken", time: 1_764_000_000, data: { power_kw: 360.5, soc: 81 } }),
      NOW,
    );
    expect(r).toEqual({
      record: {
        layer: "chargers",
        id: "EV-S012",
        ts: 1_764_000_000_000,
        status: 2,
        metrics: { powerKw: 360.5, socPct: 81 },
      },
    });
    expect(router.route("its/a/b", buf({ dev: "T-3", v: 55 }), NOW)).toEqual({
      record: { layer: "sensors", id: "T-3", ts: NOW, metrics: { speedKmh: 55 } },
    });
  });

  it("refuses a mapping config naming the bad field", () => {
    const bad = TopicMapping.safeParse({
      mappings: [{ topic: "a/+/b", layer: "chargers", id: { segment: 5 }, metrics: { flowVph: "f" } }],
    });
    expect(bad.success).toBe(false);
    const msgs = bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(msgs).toContain(
      "mappings.0.metrics.flowVph: not a chargers metric (expected one of charging, idle, fault, offline, powerKw, solarKw, socPct)",
    );
    expect(msgs).toContain('mappings.0.id.segment: topic "a/+/b" has no level 5');
    expect(
      TopicMapping.safeParse({
        mappings: [{ topic: "a/#/b", layer: "sites", id: { segment: 0 }, metrics: { load: "l" } }],
      }).success,
    ).toBe(false);
  });
});
