import { describe, expect, it } from "vitest";
import { liveKpis, planProgress, sitesPer10k } from "./kpi";
import { PLAN_INDICATORS, PLAN_SOURCE } from "./plan-indicators";

describe("sitesPer10k (hand count on a small fixture)", () => {
  // districts: A 20,000 people, B 10,000, C 5,000; sites: A 90, B 30, C 20, one in an unknown district
  const districts = [
    { name: "A", nameEn: "Alpha", population: 20000 },
    { name: "B", population: 10000 },
    { name: "C", population: 5000 },
  ];
  const sites = [...Array(90).fill("A"), ...Array(30).fill("B"), ...Array(20).fill("C"), "X"];

  it("computes city-wide and per-district density and ranks against 35", () => {
    const r = sitesPer10k(sites, districts, 35);
    // city: 141 sites / 35,000 people * 10,000 = 40.2857
    expect(r.sites).toBe(141);
    expect(r.population).toBe(35000);
    expect(r.per10k).toBeCloseTo(40.2857, 4);
    expect(r.meetsTarget).toBe(true);
    expect(r.unassigned).toBe(1);
    // A 90/20000*1e4 = 45, C 20/5000*1e4 = 40, B 30/10000*1e4 = 30
    expect(r.districts.map((d) => [d.name, d.rank, d.sites, +d.per10k.toFixed(4), d.meetsTarget])).toEqual([
      ["A", 1, 90, 45, true],
      ["C", 2, 20, 40, true],
      ["B", 3, 30, 30, false],
    ]);
    expect(r.districts[0].nameEn).toBe("Alpha");
  });

  it("rejects bad population tables with the district named", () => {
    expect(() => sitesPer10k([], [{ name: "A", population: 0 }])).toThrow(/"A".population/);
    expect(() =>
      sitesPer10k(
        [],
        [
          { name: "A", population: 1 },
          { name: "A", population: 2 },
        ],
      ),
    ).toThrow(/"A" appears twice/);
  });
});

describe("planProgress", () => {
  it("places milestones, province and measured value between baseline (0) and 2025 target (1)", () => {
    const ind = PLAN_INDICATORS.find((i) => i.id === "5g_sites_per_10k_people")!;
    // baseline 18.6, 2025 target 35: span 16.4
    const p = planProgress(ind, 38.76);
    expect(p.milestones.map((m) => +m.frac.toFixed(6))).toEqual([0.573171, 0.817073, 1]); // (28-18.6)/16.4, (32-18.6)/16.4
    expect(p.provinceFrac).toBeCloseTo(11.4 / 16.4, 9); // 30
    expect(p.measuredFrac).toBeCloseTo(20.16 / 16.4, 9); // 38.76
    const none = planProgress(PLAN_INDICATORS.find((i) => i.id === "ai_large_models")!);
    expect(none.provinceFrac).toBeNull();
    expect(none.measuredFrac).toBeNull();
    expect(none.milestones.map((m) => m.frac)).toEqual([0.2, 0.6, 1]); // 1/5, 3/5
  });

  it("transcribes all ten plan indicators with their source", () => {
    expect(PLAN_INDICATORS).toHaveLength(10);
    expect(PLAN_SOURCE).toMatch(/榕政办〔2023〕86号/);
    for (const i of PLAN_INDICATORS) expect(i.target_2025).toBeGreaterThan(i.baseline_2022);
  });
});

describe("liveKpis (hand-checked)", () => {
  it("computes availability, racks, PUE, AI compute, chargers and congestion from the live arrays", () => {
    const k = liveKpis({
      sites: { status: [0, 1, 2, 3, 4, 0] },
      datacentres: {
        items: [
          { racks: 1000, pflops: null, kind: "carrier" },
          { racks: 500, pflops: 300, kind: "ai-computing" },
          { racks: 200, pflops: 100, kind: "ai-computing" },
          { racks: 50, pflops: null, kind: "edge" },
        ],
        status: [0, 1, 3, 4],
        itMw: [10, 5, 2, 0],
        facilityMw: [13, 7, 3, 0],
        pue: [1.3, 1.4, 1.5, 0],
      },
      chargers: {
        items: [
          { kind: "super", connectors: 10 },
          { kind: "ordinary", connectors: 4 },
          { kind: "super", connectors: 8 },
          { kind: "ordinary", connectors: 2 },
        ],
        status: [0, 2, 3, 4],
        charging: [5, 1, 0, 2],
      },
      sensors: { status: [0, 1, 2, 0], congestion: [1, 4, 0, 2] },
    });
    // sites: 5 known (status 4 left out), 3 up (0, 1, 0)
    expect([k.sitesKnown, k.sitesUp, k.siteAvailability]).toEqual([5, 3, 0.6]);
    // racks: offline (3) and unknown (4) centres are out of service: 1000 + 500 of 1750
    expect([k.racksInService, k.racksTotal]).toEqual([1500, 1750]);
    // PUE: (13 + 7) / (10 + 5) = 1.3333; worst 1.4 at index 1
    expect(k.pueAvg).toBeCloseTo(20 / 15, 9);
    expect([k.pueWorst, k.pueWorstIndex]).toEqual([1.4, 1]);
    // AI: only the ai-computing centre that is not offline: 300
    expect(k.aiPflops).toBe(300);
    // chargers: 2 super, 1 in service; utilisation (5 + 1 + 0) / (10 + 4 + 8) = 6 / 22
    expect([k.superTotal, k.superInService]).toEqual([2, 1]);
    expect(k.chargerUtil).toBeCloseTo(6 / 22, 9);
    // congestion: sensors with status 0/1: (1 + 4 + 2) / 3
    expect(k.congestion).toBeCloseTo(7 / 3, 9);
    expect(k.sensorsReporting).toBe(3);
  });

  it("returns nulls before any data", () => {
    const k = liveKpis({ sites: { status: [4, 4] }, sensors: { status: [], congestion: [] } });
    expect(k.siteAvailability).toBeNull();
    expect(k.congestion).toBeNull();
    expect(k.pueAvg).toBeNull();
  });
});
