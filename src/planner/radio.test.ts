import { describe, expect, it } from "vitest";
import {
  BANDS,
  breakpointDistance,
  cost231Hata,
  expectedPathLoss38901,
  losProbability,
  okumuraHata,
  perReDbm,
  rsrpDbm,
  sectorGain,
  siteGain,
  umaLos,
  umaNlos,
  umiLos,
  umiNlos,
  linkPathLoss,
  DEFAULT_PROPAGATION,
} from "./radio";

/** |a − b| ≤ 0.005, i.e. equal when rounded to 0.01 dB */
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(0.005 + 1e-9);

describe("38.901 path loss — acceptance numbers (2D distance in, 3D distance inside the formulas)", () => {
  it("UMa, fc 3.5 GHz, hBS 25 m, hUT 1.5 m", () => {
    close(umaLos(500, 25, 1.5, 3.5), 98.27);
    close(umaNlos(500, 25, 1.5, 3.5), 129.92);
    close(umaLos(1000, 25, 1.5, 3.5), 109.41);
    close(umaNlos(1000, 25, 1.5, 3.5), 141.67);
  });
  it("UMi street canyon, fc 3.5 GHz, hBS 10 m, hUT 1.5 m", () => {
    close(umiLos(500, 10, 1.5, 3.5), 107.11);
    close(umiNlos(500, 10, 1.5, 3.5), 129.26);
    close(umiLos(200, 10, 1.5, 3.5), 91.61);
    close(umiNlos(200, 10, 1.5, 3.5), 115.23);
  });
  it("COST-231 Hata 1800 MHz, hb 30 m, hm 1.5 m, 1 km, medium city", () => {
    close(cost231Hata(1800, 30, 1.5, 1, "medium"), 136.2);
    // metropolitan centre adds Cm = 3 dB and uses the large-city a(hm)
    const aLarge = 3.2 * Math.log10(11.75 * 1.5) ** 2 - 4.97;
    const aMed = (1.1 * Math.log10(1800) - 0.7) * 1.5 - (1.56 * Math.log10(1800) - 0.8);
    close(cost231Hata(1800, 30, 1.5, 1, "metropolitan"), 136.2 + 3 + aMed - aLarge);
  });
});

describe("38.901 details", () => {
  it("breakpoint uses effective heights (hE = 1 m) and c = 3e8", () => {
    // 4 · 24 · 0.5 · 3.5e9 / 3e8 = 560 m
    expect(breakpointDistance(25, 1.5, 3.5)).toBeCloseTo(560, 9);
    expect(breakpointDistance(10, 1.5, 3.5)).toBeCloseTo(210, 9);
  });
  it("LOS branch switches at d'BP and is continuous there within a fraction of a dB", () => {
    const dbp = breakpointDistance(25, 1.5, 3.5);
    expect(Math.abs(umaLos(dbp - 0.01, 25, 1.5, 3.5) - umaLos(dbp + 0.01, 25, 1.5, 3.5))).toBeLessThan(0.1);
  });
  it("NLOS is never below LOS", () => {
    for (const d of [10, 30, 100, 300, 1000, 3000]) {
      expect(umaNlos(d, 25, 1.5, 3.5)).toBeGreaterThanOrEqual(umaLos(d, 25, 1.5, 3.5));
      expect(umiNlos(d, 10, 1.5, 3.5)).toBeGreaterThanOrEqual(umiLos(d, 10, 1.5, 3.5));
    }
    // at 500 m UMa, NLOS = the NLOS' formula: 13.54 + 39.08 log10(d3D) + 20 log10(3.5)
    const d3 = Math.hypot(500, 23.5);
    expect(umaNlos(500, 25, 1.5, 3.5)).toBeCloseTo(13.54 + 39.08 * Math.log10(d3) + 20 * Math.log10(3.5), 10);
  });
  it("LOS probability, Table 7.4.2-1", () => {
    expect(losProbability("UMa", 18)).toBe(1);
    // UMi at 100 m: 18/100 + exp(-100/36)·(1 − 0.18) = 0.18 + 0.062222·0.82
    expect(losProbability("UMi", 100)).toBeCloseTo(0.18 + Math.exp(-100 / 36) * 0.82, 12);
    // UMa at 200 m, hUT 1.5 (C' = 0): 0.09 + exp(-200/63)·0.91 = 0.128151…
    expect(losProbability("UMa", 200)).toBeCloseTo(0.09 + Math.exp(-200 / 63) * 0.91, 12);
    // UMa hUT 23 m: C' = 1 → extra factor 1 + 1.25·(2)^3·exp(-200/150) = 3.6363…
    expect(losProbability("UMa", 200, 23)).toBeCloseTo(
      (0.09 + Math.exp(-200 / 63) * 0.91) * (1 + 10 * Math.exp(-4 / 3)),
      12,
    );
  });
  it("expected path loss lies between LOS and NLOS and follows the probability", () => {
    const p = losProbability("UMa", 200);
    const e = expectedPathLoss38901("UMa", 200, 25, 1.5, 3.5);
    expect(e).toBeCloseTo(p * umaLos(200, 25, 1.5, 3.5) + (1 - p) * umaNlos(200, 25, 1.5, 3.5), 10);
  });
});

describe("Hata family and model selection", () => {
  it("Okumura–Hata 700 MHz, hb 30 m, hm 1.5 m, 1 km, medium city", () => {
    // 69.55 + 26.16·log10(700) − 13.82·log10(30) − a(hm), a(hm) = (1.1·2.8451 − 0.7)·1.5 − (1.56·2.8451 − 0.8)
    const lf = Math.log10(700);
    const a = (1.1 * lf - 0.7) * 1.5 - (1.56 * lf - 0.8);
    expect(okumuraHata(700, 30, 1.5, 1)).toBeCloseTo(69.55 + 26.16 * lf - 13.82 * Math.log10(30) - a, 10);
    // distance slope 44.9 − 6.55 log hb per decade
    expect(okumuraHata(700, 30, 1.5, 10) - okumuraHata(700, 30, 1.5, 1)).toBeCloseTo(44.9 - 6.55 * Math.log10(30), 10);
  });
  it("n28 uses the Hata family, n78 uses 38.901", () => {
    const o = { ...DEFAULT_PROPAGATION, losMode: "nlos" as const };
    expect(linkPathLoss(1000, 30, BANDS.n28.fcGHz, o)).toBeCloseTo(okumuraHata(700, 30, 1.5, 1), 10);
    expect(linkPathLoss(1000, 25, 3.5, o)).toBeCloseTo(umaNlos(1000, 25, 1.5, 3.5), 10);
    expect(linkPathLoss(200, 10, 3.5, o)).toBeCloseTo(umiNlos(200, 10, 1.5, 3.5), 10); // auto → UMi below 15 m
    expect(linkPathLoss(1000, 30, 0.7, { ...o, hataModel: "cost231" })).toBeCloseTo(cost231Hata(700, 30, 1.5, 1), 10);
    expect(linkPathLoss(1000, 30, 1.8, o)).toBeCloseTo(136.2, 2);
  });
});

describe("antenna pattern and link budget", () => {
  it("38.901 Table 7.3-1 element pattern", () => {
    expect(sectorGain(0, 6, 6)).toBe(8); // boresight
    expect(sectorGain(32.5, 6, 6)).toBeCloseTo(8 - 3, 10); // half-power point horizontally: −3 dB
    expect(sectorGain(0, 6 + 32.5, 6)).toBeCloseTo(8 - 3, 10); // and vertically
    expect(sectorGain(180, 6, 6)).toBe(8 - 30); // front-to-back 30 dB
    expect(sectorGain(90, 6 + 65, 6)).toBe(8 - 30); // combined attenuation capped at Am
  });
  it("three-sector site picks the nearest sector azimuth", () => {
    const g = siteGain([0, 120, 240], 100, 5, 5);
    expect(g.sector).toBe(1);
    expect(g.gainDbi).toBeCloseTo(8 - 12 * (20 / 65) ** 2, 10);
    expect(siteGain([350, 110, 230], 5, 5, 5).sector).toBe(0); // wraps through north
  });
  it("RSRP = P − 10log10(12·NPRB) + G − PL − losses", () => {
    // 200 W (53 dBm) over 273 PRB: per-RE 53 − 10·log10(3276) = 17.846…
    expect(perReDbm(53, 273)).toBeCloseTo(53 - 10 * Math.log10(3276), 12);
    expect(rsrpDbm(53, 273, 8, 120, 5)).toBeCloseTo(53 - 35.1535 + 8 - 120 - 5, 3);
  });
});

describe("compiled path loss (coverage hot loop) equals linkPathLoss", () => {
  it("for every band, env and LOS mode over 1 m … 6 km", async () => {
    const { compilePathLoss, compiledPathLoss, PLC_STRIDE, LOS_YES, LOS_NO, defaultLosArg } = await import("./radio");
    const c = new Float64Array(PLC_STRIDE);
    let n = 0;
    for (const band of Object.values(BANDS))
      for (const h of [6, 10, 15, 25, 40, 120])
        for (const hUT of [1.5, 20])
          for (const hataModel of ["auto", "cost231"] as const)
            for (const losMode of ["probabilistic", "nlos", "los"] as const) {
              const o = { ...DEFAULT_PROPAGATION, hUT, losMode, hataModel };
              compilePathLoss(c, 0, h, band.fcGHz, o);
              for (const d of [1, 9, 10, 17, 18, 19, 50, 150, 209, 211, 559, 561, 1000, 2500, 6000]) {
                expect(compiledPathLoss(c, 0, d, defaultLosArg(losMode), hUT)).toBeCloseTo(
                  linkPathLoss(d, h, band.fcGHz, o),
                  9,
                );
                expect(compiledPathLoss(c, 0, d, LOS_YES, hUT)).toBeCloseTo(
                  linkPathLoss(d, h, band.fcGHz, o, "LOS"),
                  9,
                );
                expect(compiledPathLoss(c, 0, d, LOS_NO, hUT)).toBeCloseTo(
                  linkPathLoss(d, h, band.fcGHz, o, "NLOS"),
                  9,
                );
                n++;
              }
            }
    expect(n).toBe(4 * 6 * 2 * 2 * 3 * 15);
  });
});
