import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { makeFixture } from "../../testing/fixture";
import { Simulator } from "./simulator";
import { DAY, HOUR, MIN } from "./types";

// 2026-11-29 00:00 Fuzhou time (UTC+8)
const T0 = Date.UTC(2026, 10, 28, 16, 0, 0);
// 2026-07-20 00:00 Fuzhou time
const SUMMER = Date.UTC(2026, 6, 19, 16, 0, 0);

/**
 * Pins the simulator's exact output for one seed: a refactor of the models must leave every record unchanged.
 * Failure rates are raised so a two-day run passes through outages, degradations, connector faults, station
 * losses, chiller trips, incidents and device faults. A deliberate model change updates the digest.
 */
describe("simulator golden output", () => {
  it("a seeded two-day run produces the same records", () => {
    const data = makeFixture({ sites: 60, datacentres: 8, chargers: 24, roads: 4, sensorsPerRoad: 8 });
    const sim = new Simulator(data, {
      seed: 2026,
      startMs: T0,
      reportEverySimMs: 7 * MIN,
      sites: { mtbfMs: 2 * DAY, mttrMs: 2 * HOUR, degradeMtbfMs: DAY, degradeMttrMs: HOUR },
      chargers: { connectorMtbfMs: 2 * DAY, connectorMttrMs: 3 * HOUR, stationMtbfMs: 3 * DAY, stationMttrMs: HOUR },
      sensors: { incidentMtbfMs: DAY, incidentMttrMs: HOUR, deviceMtbfMs: 2 * DAY, deviceMttrMs: 2 * HOUR },
      dcMtbfMs: 2 * DAY,
    });
    const hash = createHash("sha256");
    const kinds = new Set<string>();
    let records = 0;
    // uneven steps, including a zero-length one, as the runner's wall-clock timer produces
    const steps = [MIN, 37_000, 0, 5 * MIN, 90_000];
    for (let k = 0; sim.t < T0 + 2 * DAY; k++) {
      for (const ev of sim.step(steps[k % steps.length])) {
        hash.update(JSON.stringify(ev));
        if (ev.t === "a") kinds.add(`${ev.op}:${ev.alarm.kind}`);
        else if (ev.t === "u") records += ev.idx.length;
      }
    }
    const exercised = ["site-down", "site-degraded", "charger-fault", "charger-offline", "cooling-fault", "inlet-high"];
    for (const kind of [...exercised, "congestion-severe", "sensor-fault"]) {
      expect(kinds, kind).toContain(`raise:${kind}`);
      expect(kinds, kind).toContain(`clear:${kind}`);
    }
    expect(records).toBeGreaterThan(10_000);
    expect(hash.digest("hex")).toBe("b1f0889487fe236a594e532e345cfc620309f41d6e1d4441e184389cac776e74");
  });

  it("a seeded summer day (PUE above 1.5) produces the same records", () => {
    const data = makeFixture({ sites: 10, datacentres: 10, chargers: 8, roads: 2, sensorsPerRoad: 4 });
    const sim = new Simulator(data, { seed: 77, startMs: SUMMER, reportEverySimMs: 4 * MIN, dcMtbfMs: DAY });
    const hash = createHash("sha256");
    const kinds = new Set<string>();
    while (sim.t < SUMMER + DAY)
      for (const ev of sim.step(2 * MIN)) {
        hash.update(JSON.stringify(ev));
        if (ev.t === "a") kinds.add(`${ev.op}:${ev.alarm.kind}`);
      }
    expect(kinds).toContain("raise:pue-high");
    expect(kinds).toContain("clear:pue-high");
    expect(hash.digest("hex")).toBe("7344fa1fb9b1e57a0447e6f61cb42fb46c4adf228afec865f439ef6c0e7ca693");
  });
});
