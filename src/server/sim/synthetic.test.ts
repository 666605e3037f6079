import { describe, expect, it } from "vitest";
import type { LayerData } from "../layer-data";
import { LocalBus } from "../bus";
import { LiveState, type UpdateEvent } from "../state";
import { SyntheticSource, objectCount, scaleLayerData } from "./synthetic";
import type { Site } from "../../protocol/data";

const site = (i: number): Site => ({
  id: `5G-${i}`,
  name: `站${i}`,
  operator: "CMCC",
  band: "n78",
  lon: 119.3 + i * 0.001,
  lat: 26.05,
  heightM: 30,
  azimuths: [0, 120, 240],
  tiltDeg: 6,
  txPowerDbm: 46,
  district: "鼓楼区",
  commissioned: "2024-01-01",
});
const data = (sites: number): LayerData => ({
  sites: Array.from({ length: sites }, (_, i) => site(i)),
  datacentres: [],
  chargers: [],
  sensors: [],
  roads: [],
});

describe("scaleLayerData", () => {
  it("replicates sites to the requested total with new ids, jitter within ±0.02°", () => {
    const d = scaleLayerData(data(3), 8);
    expect(objectCount(d)).toBe(8);
    expect(d.sites.map((s) => s.id)).toEqual([
      "5G-0",
      "5G-1",
      "5G-2",
      "5G-0-r1",
      "5G-1-r1",
      "5G-2-r1",
      "5G-0-r2",
      "5G-1-r2",
    ]);
    for (let k = 3; k < 8; k++) {
      expect(Math.abs(d.sites[k].lon - d.sites[k % 3].lon)).toBeLessThanOrEqual(0.02);
      expect(Math.abs(d.sites[k].lat - 26.05)).toBeLessThanOrEqual(0.02);
    }
    // deterministic
    expect(scaleLayerData(data(3), 8)).toEqual(d);
    // cutting down
    expect(scaleLayerData(data(10), 4).sites.map((s) => s.id)).toEqual(["5G-0", "5G-1", "5G-2", "5G-3"]);
  });
  it("rejects a total that leaves no sites, naming the variable", () => {
    const d = { ...data(2), datacentres: [{} as never, {} as never] };
    expect(() => scaleLayerData(d, 2)).toThrow(/SYNTH_OBJECTS=2: must exceed the 2 non-site objects/);
  });
});

describe("SyntheticSource", () => {
  it("builds n records with valid indices, quantised metrics in range and the emit time", () => {
    const src = new SyntheticSource(data(100), new LocalBus(), { rate: 1000, seed: 3 });
    const ev = src.events(500, 1_780_000_000_000);
    expect(ev).toHaveLength(1);
    const e = ev[0] as UpdateEvent;
    expect(e.layer).toBe("sites");
    expect(e.idx).toHaveLength(500);
    expect(e.idx.every((i) => i >= 0 && i < 100)).toBe(true);
    expect(e.rts!.every((t) => t === 1_780_000_000_000)).toBe(true);
    // load in [0, 1] with step 0.001 -> integers 0..1000; users 0..100000 step 1
    expect(e.m.load.every((q) => Number.isInteger(q) && q! >= 0 && q! <= 1000)).toBe(true);
    expect(e.m.users.every((q) => Number.isInteger(q) && q! >= 0 && q! <= 100000)).toBe(true);
    // status mix 0.9/0.05/0.03/0.02: about 450 ok of 500
    const ok = e.st.filter((s) => s === 0).length;
    expect(ok).toBeGreaterThan(420);
    expect(ok).toBeLessThan(480);
    // applies cleanly to the gateway state
    const st = new LiveState({ sites: data(100).sites.map((s) => s.id), datacentres: [], chargers: [], sensors: [] });
    st.apply(e);
    expect(st.layers.sites.seq).toBe(1);
  });
  it("publishes about rate x time records through the bus", async () => {
    const bus = new LocalBus();
    let n = 0;
    await bus.start({
      apply: (ev) => void (ev.t === "u" && (n += ev.idx.length)),
      checkpoint: () => ({ layers: {}, alarms: [], paused: false }),
      load: () => {},
      onLeader: () => {},
    });
    const src = new SyntheticSource(data(50), bus, { rate: 2000, tickMs: 20 });
    src.start();
    await new Promise((r) => setTimeout(r, 500));
    src.stop();
    expect(n).toBe(src.published);
    expect(n).toBeGreaterThan(600); // 2000/s x 0.5 s = 1000, generous for a loaded CI machine
    expect(n).toBeLessThan(1200);
  });
});
