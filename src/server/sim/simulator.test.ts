import { describe, expect, it } from "vitest";
import { makeFixture } from "../../testing/fixture";
import type { UpdateEvent } from "../state";
import { LAYER_METRICS, dequantise, metricSpec } from "../../protocol/live";
import { pueModel } from "./datacentres";
import { Simulator } from "./simulator";
import { DAY, HOUR, MIN } from "./types";
import { localHour } from "./curves";

// 2026-11-29 00:00 Fuzhou time (UTC+8)
const T0 = Date.UTC(2026, 10, 28, 16, 0, 0);

function updates(events: ReturnType<Simulator["step"]>, layer: string): UpdateEvent[] {
  return events.filter((e): e is UpdateEvent => e.t === "u" && e.layer === layer);
}

describe("simulator", () => {
  it("is deterministic for a seed", () => {
    const data = makeFixture({ sites: 50, chargers: 10 });
    const a = new Simulator(data, { seed: 42, startMs: T0 });
    const b = new Simulator(data, { seed: 42, startMs: T0 });
    const c = new Simulator(data, { seed: 43, startMs: T0 });
    let ja = "",
      jb = "",
      jc = "";
    for (let k = 0; k < 200; k++) {
      ja += JSON.stringify(a.step(30_000));
      jb += JSON.stringify(b.step(30_000));
      jc += JSON.stringify(c.step(30_000));
    }
    expect(ja).toBe(jb);
    expect(ja).not.toBe(jc);
  });

  it("5G load peaks in the evening over a simulated day", () => {
    const data = makeFixture({ sites: 300, chargers: 4, sensorsPerRoad: 2 });
    const sim = new Simulator(data, { seed: 1, startMs: T0, reportEverySimMs: 5 * MIN });
    const sum = new Float64Array(24);
    const cnt = new Float64Array(24);
    for (let t = 0; t < DAY; t += MIN) {
      for (const ev of updates(sim.step(MIN), "sites")) {
        const h = Math.floor(localHour(ev.ts));
        ev.idx.forEach((_, r) => {
          if (ev.st[r] >= 2) return; // outages excluded
          sum[h] += dequantise("sites", "load", ev.m.load[r]!);
          cnt[h]++;
        });
      }
    }
    const mean = Array.from(sum, (s, h) => s / cnt[h]);
    const peak = mean.indexOf(Math.max(...mean));
    const trough = mean.indexOf(Math.min(...mean));
    expect(peak).toBeGreaterThanOrEqual(19);
    expect(peak).toBeLessThanOrEqual(22);
    expect(trough).toBeGreaterThanOrEqual(2);
    expect(trough).toBeLessThanOrEqual(6);
    expect(mean[peak] / mean[trough]).toBeGreaterThan(3);
  });

  it("site outage rate matches the configured MTBF/MTTR over many site-days", () => {
    const N = 1000,
      days = 60,
      mtbf = 30 * DAY,
      mttr = 2 * HOUR;
    const data = makeFixture({ sites: N, datacentres: 1, chargers: 1, roads: 1, sensorsPerRoad: 2 });
    const sim = new Simulator(data, {
      seed: 9,
      startMs: T0,
      reportEverySimMs: DAY,
      sites: { mtbfMs: mtbf, mttrMs: mttr },
    });
    let raised = 0,
      cleared = 0;
    for (let t = 0; t < days * DAY; t += 10 * MIN) {
      for (const e of sim.step(10 * MIN))
        if (e.t === "a" && e.alarm.kind === "site-down") {
          if (e.op === "raise") raised++;
          else cleared++;
        }
    }
    // renewal process: one outage per (MTBF + MTTR) per site on average
    const expected = (N * days * DAY) / (mtbf + mttr); // ≈ 1994
    expect(sim.sites.outages).toBeGreaterThan(expected * 0.92);
    expect(sim.sites.outages).toBeLessThan(expected * 1.08);
    expect(raised).toBe(sim.sites.outages);
    // nearly every outage is repaired; the ones still open are ~ N x MTTR/(MTBF+MTTR) ≈ 2.8
    expect(raised - cleared).toBeLessThan(15);
  });

  it("charger connector states always sum to the station's connectors; power is within limits", () => {
    const data = makeFixture({ sites: 5, chargers: 40 });
    const sim = new Simulator(data, {
      seed: 3,
      startMs: T0,
      reportEverySimMs: 2 * MIN,
      chargers: { connectorMtbfMs: 3 * DAY },
    });
    let checked = 0,
      faults = 0,
      charging = 0;
    for (let t = 0; t < DAY; t += MIN) {
      for (const ev of updates(sim.step(MIN), "chargers")) {
        ev.idx.forEach((i, r) => {
          const st = data.chargers[i];
          const c = ["charging", "idle", "fault", "offline"].map((k) => ev.m[k][r]!);
          expect(c[0] + c[1] + c[2] + c[3]).toBe(st.connectors);
          if (ev.m.powerKw[r] !== null)
            expect(dequantise("chargers", "powerKw", ev.m.powerKw[r]!)).toBeLessThanOrEqual(
              st.connectors * st.connectorKw + 0.1,
            );
          faults += c[2];
          charging += c[0];
          checked++;
        });
      }
    }
    expect(checked).toBeGreaterThan(10000);
    expect(faults).toBeGreaterThan(0);
    expect(charging).toBeGreaterThan(0);
    expect(sim.chargers.arrivals).toBeGreaterThan(500);
  });

  it("charging arrivals peak at commute hours and solar follows the sun", () => {
    const data = makeFixture({ sites: 5, chargers: 40 });
    const sim = new Simulator(data, { seed: 5, startMs: T0, reportEverySimMs: 10 * MIN });
    const arrivals = new Float64Array(24);
    const solar = new Float64Array(24);
    for (let t = 0; t < DAY; t += MIN) {
      const before = sim.chargers.arrivals;
      const evs = sim.step(MIN);
      const h = Math.floor(localHour(sim.t - 1));
      arrivals[h] += sim.chargers.arrivals - before;
      for (const ev of updates(evs, "chargers"))
        ev.idx.forEach((i, r) => {
          if (data.chargers[i].solarKwp > 0) solar[h] += ev.m.solarKw[r]!;
        });
    }
    const peak = arrivals.indexOf(Math.max(...arrivals));
    expect([7, 8, 9, 16, 17, 18, 19]).toContain(peak);
    expect(arrivals[8]).toBeGreaterThan(2 * arrivals[3]);
    expect(solar[2]).toBe(0);
    expect(solar[12]).toBeGreaterThan(0);
  });

  it("PUE rises with outdoor temperature", () => {
    // model shape: monotonic in outdoor temperature, design PUE at 18 °C / 70 % load
    expect(pueModel(1.3, 0.7, 18, false)).toBeCloseTo(1.3, 6);
    expect(pueModel(1.3, 0.7, 35, false)).toBeGreaterThan(1.5); // summer afternoon crosses the 1.5 alarm line
    expect(pueModel(1.3, 0.7, 10, false)).toBeLessThan(1.3);
    // in the simulation: regress reported PUE on outdoor temperature over a day
    const data = makeFixture({ sites: 5, datacentres: 8 });
    const sim = new Simulator(data, { seed: 11, startMs: T0, reportEverySimMs: 5 * MIN, dcMtbfMs: 1e15 });
    const xs: number[] = [],
      ys: number[] = [];
    for (let t = 0; t < DAY; t += MIN)
      for (const ev of updates(sim.step(MIN), "datacentres"))
        ev.idx.forEach((i, r) => {
          if (i !== 0) return;
          xs.push(dequantise("datacentres", "outdoorC", ev.m.outdoorC[r]!));
          ys.push(dequantise("datacentres", "pue", ev.m.pue[r]!));
        });
    const mx = xs.reduce((a, b) => a + b) / xs.length,
      my = ys.reduce((a, b) => a + b) / ys.length;
    let sxy = 0,
      sxx = 0;
    xs.forEach((x, k) => {
      sxy += (x - mx) * (ys[k] - my);
      sxx += (x - mx) ** 2;
    });
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(4); // the day has a real diurnal swing
    expect(sxy / sxx).toBeGreaterThan(0.005); // PUE per °C
  });

  it("congestion from an incident spreads upstream along the road, sensor by sensor", () => {
    const data = makeFixture({ sites: 2, chargers: 2, roads: 1, sensorsPerRoad: 10 });
    const sim = new Simulator(data, {
      seed: 2,
      startMs: T0 + 3 * HOUR,
      reportEverySimMs: MIN,
      sensors: { incidentMtbfMs: 1e15, deviceMtbfMs: 1e15 },
    });
    sim.step(MIN);
    sim.sensors.startIncident(6, sim.t, 2 * HOUR); // sensors are 800 m apart, chainage order = index order
    const firstJam = new Array(10).fill(Infinity);
    for (let k = 0; k < 90; k++) {
      sim.step(MIN);
      for (let i = 0; i < 10; i++) if (sim.sensors.level[i] >= 3 && firstJam[i] === Infinity) firstJam[i] = k;
    }
    expect(firstJam[6]).toBeLessThan(firstJam[5]);
    expect(firstJam[5]).toBeLessThan(firstJam[4]);
    expect(firstJam[4]).toBeLessThan(Infinity);
    expect(firstJam[7]).toBe(Infinity); // downstream of the bottleneck stays free-flowing at 3-4 am
    expect(firstJam[9]).toBe(Infinity);
  });

  it("every metric it emits is inside the protocol's valid range", () => {
    const data = makeFixture({ sites: 100, chargers: 20 });
    const sim = new Simulator(data, { seed: 4, startMs: T0, reportEverySimMs: 10 * MIN });
    for (let t = 0; t < DAY; t += 5 * MIN)
      for (const ev of sim.step(5 * MIN)) {
        if (ev.t !== "u") continue;
        for (const name of LAYER_METRICS[ev.layer])
          for (const q of ev.m[name])
            if (q !== null) {
              const v = dequantise(ev.layer, name, q);
              const spec = metricSpec(ev.layer, name)!;
              expect(v, `${ev.layer}.${name}`).toBeGreaterThanOrEqual(spec.min);
              expect(v, `${ev.layer}.${name}`).toBeLessThanOrEqual(spec.max);
            }
      }
  });
});
