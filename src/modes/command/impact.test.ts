import { describe, expect, it, vi } from "vitest";
import { LayerState } from "../../server/state";
import { createLiveModel } from "../../state/live-store";
import { squareArea } from "../../planner/fixtures";
import { makeProjection, toLonLat } from "../../planner/geo";
import { OutageImpact } from "../../planner/outage-impact";
import { DEFAULT_LOSSES, DEFAULT_PROPAGATION } from "../../planner/radio";
import { ImpactFeed, downSites, type ImpactAnswer, type ImpactWorker } from "./impact-feed";
import { runRectangles } from "./impact-footprint";
import { inServiceDensity, lowerOnScreen, outageView } from "./impact-view";

const LON = 119.3,
  LAT = 26.08;
const P = makeProjection(LON, LAT);
const ids = ["A", "B", "FAR"];
const at = (id: string, x: number, y: number) => {
  const [lon, lat] = toLonLat(P, x, y);
  return {
    id,
    lon,
    lat,
    heightM: 30,
    azimuths: [0, 120, 240],
    tiltDeg: 6,
    txPowerDbm: 53,
    band: "n78" as const,
    district: "鼓楼区" as const,
  };
};

/** the real engine in-process, on the worked grid of outage-impact.test.ts (A's loss = 88 cells beside B) */
function engineWorker(): ImpactWorker & { calls: string[][] } {
  const sq = squareArea(LON, LAT, 2000);
  const ring = sq.coordinates[0];
  const eng = new OutageImpact({
    sites: [at("A", 0, 0), at("B", 400, 0), at("FAR", 900, 900)],
    districts: [{ name: "鼓楼区", geometry: sq, population: 40000 }],
    params: {
      maxRangeM: 300,
      thresholds: { goodDbm: -140, weakDbm: -150 },
      losses: { ...DEFAULT_LOSSES, penetrationDb: 0 },
      propagation: { ...DEFAULT_PROPAGATION, losMode: "nlos" },
    },
    box: [ring[0][0], ring[0][1], ring[2][0], ring[2][1]],
  });
  const calls: string[][] = [];
  return {
    calls,
    impactInit: () => Promise.resolve({ sites: 3, cells: 1600, initMs: 0 }),
    impactSetDown: (down) => {
      calls.push([...down]);
      const { result, unknown } = eng.setDown(down);
      return Promise.resolve({ ...result, unknown });
    },
    dispose: () => {},
  };
}

function liveSites() {
  const server = new LayerState("sites", ids);
  const m = createLiveModel();
  m.ensureLayer("sites", ids);
  m.store.setState({ subscribed: ["sites"] });
  let seq = 1;
  const report = (st: number[]) => {
    server.apply({ t: "u", layer: "sites", ts: 1000, idx: [0, 1, 2], st, m: {} });
    const s = seq++;
    server.flush("E", s);
    m.applySnapshot(server.snapshot("E", s), 0);
    m.commit();
  };
  return { m, report };
}

describe("outage impact on the wall", () => {
  it("down sites are those reported in fault (2) or offline (3); warning and unknown are not", () => {
    expect(downSites(["a", "b", "c", "d", "e"], Uint8Array.from([0, 1, 2, 3, 4]))).toEqual(["c", "d"]);
  });

  it("the feed sends the down set when it changes, and the result counts the lost people", async () => {
    const { m, report } = liveSites();
    const w = engineWorker();
    const feed = new ImpactFeed(m.store, w, 5);
    report([0, 0, 0]);
    await feed.start({ sites: "x" });
    await vi.waitFor(() => expect(feed.latest()).not.toBeNull());
    expect(feed.latest()!.cells).toBe(0);
    report([2, 0, 0]); // A in fault
    const a = await feed.waitForSite("A", 2000);
    expect(a).toMatchObject({ id: "A", cells: 88 });
    expect(a!.people).toBeCloseTo(2200, 0);
    expect(feed.latest()!.people).toBeCloseTo(2200, 0);
    report([2, 1, 0]); // B only warns: same down set, no new request
    await new Promise((r) => setTimeout(r, 30));
    expect(w.calls).toEqual([[], ["A"]]);
    report([0, 0, 0]); // cleared
    await vi.waitFor(() => expect(feed.latest()!.cells).toBe(0));
    feed.destroy();
  });

  it("frames a down site's served area with its neighbours; footprint runs become lattice rectangles", () => {
    const w = engineWorker();
    return w.impactSetDown(["A"]).then((r: ImpactAnswer) => {
      const a = r.sites[0];
      const v = outageView(a);
      // A served a disc of ≤ 300 m around (0, 0); neighbour B at 400 m east widens the box to ~700 m
      expect(v.lon).toBeGreaterThan(LON);
      expect(v.lat).toBeCloseTo(LAT, 3);
      expect(v.range).toBe(1500); // 1.6 × ~700 m, clamped to at least 1,500 m
      const rects = runRectangles(r.runs, r.lattice);
      expect(rects.length).toBe(r.runs.length / 3);
      for (const [west, south, east, north] of rects) {
        expect(east).toBeGreaterThan(west);
        expect(north).toBeGreaterThan(south);
      }
    });
  });

  it("looks 0.13 × the range beyond an outage along the heading, so its footprint sits below the wall's panels", () => {
    const v = {
      id: "o",
      name_zh: "o",
      name_en: "o",
      lon: 119.3,
      lat: 26.08,
      range: 5000,
      heading: 0,
      pitch: -50,
      dwellS: 10,
    };
    const north = lowerOnScreen(v);
    // 0.13 × 5,000 m = 650 m north: 650 / 111,320 = 0.005839° of latitude, no change of longitude
    expect(north.lat - v.lat).toBeCloseTo(0.005839, 6);
    expect(north.lon).toBe(v.lon);
    expect(north.range).toBe(5000);
    // heading 90° (looking east): 650 m east = 650 / (111,320 × cos 26.08°) = 0.006501° of longitude
    const east = lowerOnScreen({ ...v, heading: 90 });
    expect(east.lon - v.lon).toBeCloseTo(0.006501, 5);
    expect(east.lat).toBeCloseTo(v.lat, 12);
  });

  it("the in-service density leaves out down sites: 3 sites, 10,000 people → 3.0, one down → 2.0", () => {
    const sites = [
      { id: "a", district: "鼓楼区" },
      { id: "b", district: "鼓楼区" },
      { id: "c", district: "鼓楼区" },
    ];
    const pops = [{ name: "鼓楼区", population: 10000 }];
    expect(inServiceDensity(sites, new Set(), pops).per10k).toBeCloseTo(3, 9);
    expect(inServiceDensity(sites, new Set(["b"]), pops).per10k).toBeCloseTo(2, 9);
  });
});
