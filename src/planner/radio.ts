/**
 * Radio propagation and link budget — pure functions, no DOM, no Cesium.
 *
 * Sources:
 * - 3GPP TR 38.901 V17.0.0, Table 7.4.1-1 (path loss UMa, UMi street canyon), Table 7.4.2-1 (LOS probability),
 *   Table 7.3-1 (antenna element pattern), note 1 of Table 7.4.1-1 (breakpoint d'BP = 4 h'BS h'UT fc / c, with
 *   effective heights h' = h − hE, hE = 1 m).
 * - COST 231 final report, ch. 4.4 (COST-231 Hata, 1500–2000 MHz), and Okumura–Hata (150–1500 MHz).
 *
 * Conventions: distances in metres, frequencies in GHz for 38.901 (as in the standard) and MHz for Hata,
 * heights in metres, angles in degrees, powers in dBm, gains/losses in dB.
 * The 38.901 formulas take the 3D distance d3D = sqrt(d2D² + (hBS − hUT)²); their validity range is stated on
 * d2D (10 m ≤ d2D ≤ 5 km), and callers pass d2D.
 */

export const SPEED_OF_LIGHT = 3.0e8;
/** 38.901 effective environment height used for the breakpoint distance, metres. */
export const H_E = 1.0;

const log10 = Math.log10;

export type Scenario38901 = "UMa" | "UMi";
export type LosState = "LOS" | "NLOS";

/** Breakpoint distance d'BP (m), 38.901 Table 7.4.1-1 note 1. */
export function breakpointDistance(hBS: number, hUT: number, fcGHz: number, hE = H_E): number {
  return (4 * (hBS - hE) * (hUT - hE) * fcGHz * 1e9) / SPEED_OF_LIGHT;
}

export function distance3D(d2D: number, hBS: number, hUT: number): number {
  const dh = hBS - hUT;
  return Math.sqrt(d2D * d2D + dh * dh);
}

/** UMa LOS path loss (dB). d2D in metres (clamped to ≥ 10 m), fc in GHz. */
export function umaLos(d2D: number, hBS: number, hUT: number, fcGHz: number): number {
  const d = Math.max(d2D, 10);
  const d3 = distance3D(d, hBS, hUT);
  const dBP = breakpointDistance(hBS, hUT, fcGHz);
  const f = 20 * log10(fcGHz);
  if (d <= dBP) return 28.0 + 22 * log10(d3) + f;
  const dh = hBS - hUT;
  return 28.0 + 40 * log10(d3) + f - 9 * log10(dBP * dBP + dh * dh);
}

/** UMa NLOS path loss (dB) = max(PL_LOS, PL'_NLOS). */
export function umaNlos(d2D: number, hBS: number, hUT: number, fcGHz: number): number {
  const d = Math.max(d2D, 10);
  const d3 = distance3D(d, hBS, hUT);
  const nlos = 13.54 + 39.08 * log10(d3) + 20 * log10(fcGHz) - 0.6 * (hUT - 1.5);
  return Math.max(umaLos(d, hBS, hUT, fcGHz), nlos);
}

/** UMi street canyon LOS path loss (dB). */
export function umiLos(d2D: number, hBS: number, hUT: number, fcGHz: number): number {
  const d = Math.max(d2D, 10);
  const d3 = distance3D(d, hBS, hUT);
  const dBP = breakpointDistance(hBS, hUT, fcGHz);
  const f = 20 * log10(fcGHz);
  if (d <= dBP) return 32.4 + 21 * log10(d3) + f;
  const dh = hBS - hUT;
  return 32.4 + 40 * log10(d3) + f - 9.5 * log10(dBP * dBP + dh * dh);
}

/** UMi street canyon NLOS path loss (dB) = max(PL_LOS, PL'_NLOS). */
export function umiNlos(d2D: number, hBS: number, hUT: number, fcGHz: number): number {
  const d = Math.max(d2D, 10);
  const d3 = distance3D(d, hBS, hUT);
  const nlos = 35.3 * log10(d3) + 22.4 + 21.3 * log10(fcGHz) - 0.3 * (hUT - 1.5);
  return Math.max(umiLos(d, hBS, hUT, fcGHz), nlos);
}

export function pathLoss38901(
  scenario: Scenario38901,
  los: LosState,
  d2D: number,
  hBS: number,
  hUT: number,
  fcGHz: number,
): number {
  if (scenario === "UMa") return los === "LOS" ? umaLos(d2D, hBS, hUT, fcGHz) : umaNlos(d2D, hBS, hUT, fcGHz);
  return los === "LOS" ? umiLos(d2D, hBS, hUT, fcGHz) : umiNlos(d2D, hBS, hUT, fcGHz);
}

/** LOS probability, 38.901 Table 7.4.2-1. */
export function losProbability(scenario: Scenario38901, d2D: number, hUT = 1.5): number {
  if (d2D <= 18) return 1;
  if (scenario === "UMi") return 18 / d2D + Math.exp(-d2D / 36) * (1 - 18 / d2D);
  const base = 18 / d2D + Math.exp(-d2D / 63) * (1 - 18 / d2D);
  if (hUT <= 13) return base; // C'(hUT) = 0
  const cPrime = Math.pow((hUT - 13) / 10, 1.5);
  return base * (1 + cPrime * 1.25 * Math.pow(d2D / 100, 3) * Math.exp(-d2D / 150));
}

/**
 * Expected path loss (dB) when the LOS state is unknown: the LOS and NLOS losses weighted by the LOS probability
 * (averaged in dB, the usual planning-tool simplification).
 */
export function expectedPathLoss38901(
  scenario: Scenario38901,
  d2D: number,
  hBS: number,
  hUT: number,
  fcGHz: number,
): number {
  const p = losProbability(scenario, d2D, hUT);
  const los = scenario === "UMa" ? umaLos(d2D, hBS, hUT, fcGHz) : umiLos(d2D, hBS, hUT, fcGHz);
  if (p >= 1) return los;
  // NLOS = max(LOS, NLOS') — computed here without re-evaluating the LOS formula
  const d3 = distance3D(Math.max(d2D, 10), hBS, hUT);
  const prime =
    scenario === "UMa"
      ? 13.54 + 39.08 * log10(d3) + 20 * log10(fcGHz) - 0.6 * (hUT - 1.5)
      : 35.3 * log10(d3) + 22.4 + 21.3 * log10(fcGHz) - 0.3 * (hUT - 1.5);
  const nlos = prime > los ? prime : los;
  return p * los + (1 - p) * nlos;
}

// ---------------------------------------------------------------- Hata family (sub-2 GHz)

export type HataCity = "medium" | "metropolitan";

/** Mobile antenna correction a(hm), dB: medium/small city formula, or the large-city one for 'metropolitan'. */
export function hataMobileCorrection(fMHz: number, hm: number, city: HataCity): number {
  if (city === "metropolitan") {
    return fMHz <= 300 ? 8.29 * Math.pow(log10(1.54 * hm), 2) - 1.1 : 3.2 * Math.pow(log10(11.75 * hm), 2) - 4.97;
  }
  return (1.1 * log10(fMHz) - 0.7) * hm - (1.56 * log10(fMHz) - 0.8);
}

/**
 * COST-231 Hata median path loss (dB): 46.3 + 33.9 log f − 13.82 log hb − a(hm) + (44.9 − 6.55 log hb) log d + Cm,
 * f in MHz (1500–2000 nominal), hb 30–200 m, hm 1–10 m, d in km (1–20 nominal; shorter distances are extrapolated,
 * clamped at 20 m). Medium city: medium-city a(hm), Cm = 0 dB; metropolitan centre: large-city a(hm), Cm = 3 dB.
 */
export function cost231Hata(fMHz: number, hb: number, hm: number, dKm: number, city: HataCity = "medium"): number {
  const d = Math.max(dKm, 0.02);
  const cm = city === "metropolitan" ? 3 : 0;
  return (
    46.3 +
    33.9 * log10(fMHz) -
    13.82 * log10(hb) -
    hataMobileCorrection(fMHz, hm, city) +
    (44.9 - 6.55 * log10(hb)) * log10(d) +
    cm
  );
}

/** Okumura–Hata urban median path loss (dB), f 150–1500 MHz; large city uses the large-city a(hm). */
export function okumuraHata(fMHz: number, hb: number, hm: number, dKm: number, city: HataCity = "medium"): number {
  const d = Math.max(dKm, 0.02);
  const a = hataMobileCorrection(fMHz, hm, city);
  return 69.55 + 26.16 * log10(fMHz) - 13.82 * log10(hb) - a + (44.9 - 6.55 * log10(hb)) * log10(d);
}

/** Free-space path loss (dB), d in metres, f in GHz. */
export function freeSpacePathLoss(dM: number, fcGHz: number): number {
  return 32.45 + 20 * log10(fcGHz) + 20 * log10(Math.max(dM, 1) / 1000) + 60;
}

// ---------------------------------------------------------------- bands

export type BandName = "n78" | "n41" | "n79" | "n28";
export interface BandInfo {
  band: BandName;
  /** carrier centre frequency, GHz */
  fcGHz: number;
  bandwidthMHz: number;
  scsKHz: number;
  /** number of PRBs at that bandwidth and SCS (38.101-1 Table 5.3.2-1) */
  nPrb: number;
}
/**
 * Bands used in Fuzhou: n78 3.5 GHz (CTCC/CUCC shared 3.4–3.6 GHz, 100 MHz), n41 2.6 GHz (CMCC 2515–2675 MHz,
 * 100 MHz carrier), n79 4.9 GHz (CMCC 4.8–4.9 GHz, 100 MHz), n28 700 MHz (CBN/CMCC, 2×30 MHz at 15 kHz).
 * PRB counts from 3GPP TS 38.101-1 Table 5.3.2-1.
 */
export const BANDS: Readonly<Record<BandName, BandInfo>> = {
  n78: { band: "n78", fcGHz: 3.5, bandwidthMHz: 100, scsKHz: 30, nPrb: 273 },
  n41: { band: "n41", fcGHz: 2.6, bandwidthMHz: 100, scsKHz: 30, nPrb: 273 },
  n79: { band: "n79", fcGHz: 4.9, bandwidthMHz: 100, scsKHz: 30, nPrb: 273 },
  n28: { band: "n28", fcGHz: 0.7, bandwidthMHz: 30, scsKHz: 15, nPrb: 160 },
};

// ---------------------------------------------------------------- antenna

export interface AntennaPattern {
  /** horizontal half-power beamwidth, degrees (38.901: 65) */
  hpbwH: number;
  /** vertical half-power beamwidth, degrees (38.901: 65) */
  hpbwV: number;
  /** front-to-back ratio Am, dB (38.901: 30) */
  frontBackDb: number;
  /** vertical side-lobe attenuation SLAV, dB (38.901: 30) */
  slaVDb: number;
  /** maximum directional gain, dBi (38.901: 8) */
  maxGainDbi: number;
}
export const DEFAULT_ANTENNA: Readonly<AntennaPattern> = {
  hpbwH: 65,
  hpbwV: 65,
  frontBackDb: 30,
  slaVDb: 30,
  maxGainDbi: 8,
};

/** Wrap an angle difference to (−180, 180]. */
export function wrapDeg(a: number): number {
  let x = a % 360;
  if (x > 180) x -= 360;
  else if (x <= -180) x += 360;
  return x;
}

/**
 * Sector antenna gain (dBi) towards a direction, 38.901 Table 7.3-1: A = Gmax − min(−(AH + AV), Am), with
 * AH(φ) = −min(12 (φ/φ3dB)², Am) and AV(θ) = −min(12 ((θ − tilt)/θ3dB)², SLAV).
 * `offAzimuthDeg` is the horizontal angle from boresight; `depressionDeg` the angle below the horizon from the
 * antenna to the target; `tiltDeg` the downtilt (positive = down).
 */
export function sectorGain(
  offAzimuthDeg: number,
  depressionDeg: number,
  tiltDeg: number,
  ant: AntennaPattern = DEFAULT_ANTENNA,
): number {
  const ph = offAzimuthDeg / ant.hpbwH;
  const aH = -Math.min(12 * ph * ph, ant.frontBackDb);
  const pv = (depressionDeg - tiltDeg) / ant.hpbwV;
  const aV = -Math.min(12 * pv * pv, ant.slaVDb);
  return ant.maxGainDbi - Math.min(-(aH + aV), ant.frontBackDb);
}

/** Bearing (degrees clockwise from north) of an east/north offset. */
export function bearingDeg(dx: number, dy: number): number {
  const b = (Math.atan2(dx, dy) * 180) / Math.PI;
  return b < 0 ? b + 360 : b;
}

/**
 * Best gain over a three-sector site towards a target at bearing `bearing` and depression `depressionDeg`.
 * All sectors share the pattern and tilt, so the best sector is the one whose azimuth is closest.
 */
export function siteGain(
  azimuths: readonly number[],
  bearing: number,
  depressionDeg: number,
  tiltDeg: number,
  ant: AntennaPattern = DEFAULT_ANTENNA,
): { gainDbi: number; sector: number } {
  let best = 0;
  let bestOff = 999;
  for (let i = 0; i < azimuths.length; i++) {
    const off = Math.abs(wrapDeg(bearing - azimuths[i]));
    if (off < bestOff) {
      bestOff = off;
      best = i;
    }
  }
  return { gainDbi: sectorGain(bestOff, depressionDeg, tiltDeg, ant), sector: best };
}

// ---------------------------------------------------------------- link budget

export interface Losses {
  cableDb: number;
  bodyDb: number;
  /** building penetration (indoor users); 0 for outdoor coverage */
  penetrationDb: number;
}
export const DEFAULT_LOSSES: Readonly<Losses> = { cableDb: 2, bodyDb: 3, penetrationDb: 0 };

export function totalLossDb(l: Losses): number {
  return l.cableDb + l.bodyDb + l.penetrationDb;
}

/** Power per resource element (dBm): total sector power spread over 12·NPRB subcarriers. */
export function perReDbm(txPowerDbm: number, nPrb: number): number {
  return txPowerDbm - 10 * log10(12 * nPrb);
}

/** RSRP (dBm) = P_tx − 10 log10(12·NPRB) + G − PL − losses. */
export function rsrpDbm(
  txPowerDbm: number,
  nPrb: number,
  gainDbi: number,
  pathLossDb: number,
  lossesDb: number,
): number {
  return perReDbm(txPowerDbm, nPrb) + gainDbi - pathLossDb - lossesDb;
}

// ---------------------------------------------------------------- model selection

export type EnvChoice = "auto" | "UMa" | "UMi";
export type LosMode = "probabilistic" | "nlos" | "los" | "buildings";
export interface PropagationOptions {
  /** UMa / UMi, or auto: UMi for antennas below `umiMaxHeightM`, else UMa */
  env: EnvChoice;
  umiMaxHeightM: number;
  /** user terminal height, m */
  hUT: number;
  /** below this carrier frequency the Hata family is used instead of 38.901 */
  hataBelowGHz: number;
  hataCity: HataCity;
  /**
   * 'auto': Okumura–Hata below 1.5 GHz (its validity range, e.g. n28 700 MHz) and COST-231 Hata from 1.5 GHz;
   * 'cost231': COST-231 Hata at every sub-`hataBelowGHz` frequency (extrapolated below 1.5 GHz).
   */
  hataModel: "auto" | "cost231";
  /**
   * How the LOS state is decided: 'probabilistic' weights LOS/NLOS by the 38.901 LOS probability;
   * 'buildings' traces a ray through the building height raster (NLOS if blocked); 'nlos'/'los' force one state.
   */
  losMode: LosMode;
}
export const DEFAULT_PROPAGATION: Readonly<PropagationOptions> = {
  env: "auto",
  umiMaxHeightM: 15,
  hUT: 1.5,
  hataBelowGHz: 2,
  hataCity: "medium",
  hataModel: "auto",
  losMode: "probabilistic",
};

export function scenarioFor(hBS: number, opts: PropagationOptions): Scenario38901 {
  if (opts.env !== "auto") return opts.env;
  return hBS <= opts.umiMaxHeightM ? "UMi" : "UMa";
}

/**
 * Path loss (dB) for one link. `los` is the known LOS state (from a building ray trace), or null to use the
 * option's losMode ('probabilistic' expected value, or the forced state). Sub-`hataBelowGHz` carriers use
 * COST-231 Hata (≥ 1.5 GHz, or everywhere with hataModel 'cost231') or Okumura–Hata (< 1.5 GHz), which are
 * median (non-LOS-resolved) models.
 */
export function linkPathLoss(
  d2D: number,
  hBS: number,
  fcGHz: number,
  opts: PropagationOptions,
  los: LosState | null = null,
): number {
  if (fcGHz < opts.hataBelowGHz) {
    const fMHz = fcGHz * 1000;
    const dKm = Math.max(d2D, 10) / 1000;
    const hb = Math.max(hBS, 1.5);
    return fMHz >= 1500 || opts.hataModel === "cost231"
      ? cost231Hata(fMHz, hb, opts.hUT, dKm, opts.hataCity)
      : okumuraHata(fMHz, hb, opts.hUT, dKm, opts.hataCity);
  }
  const sc = scenarioFor(hBS, opts);
  if (los) return pathLoss38901(sc, los, d2D, hBS, opts.hUT, fcGHz);
  switch (opts.losMode) {
    case "los":
      return pathLoss38901(sc, "LOS", d2D, hBS, opts.hUT, fcGHz);
    case "nlos":
    case "buildings": // buildings mode without a known state: conservative NLOS
      return pathLoss38901(sc, "NLOS", d2D, hBS, opts.hUT, fcGHz);
    default:
      return expectedPathLoss38901(sc, d2D, hBS, opts.hUT, fcGHz);
  }
}

// ---------------------------------------------------------------- compiled per-site path loss (hot loop)

/**
 * Per-site path-loss coefficients, so the coverage hot loop needs one sqrt + one log10 (+ one exp for the LOS
 * probability) per link instead of re-deriving constants. Same formulas as linkPathLoss (tests check equality
 * to 1e-9 dB). Layout per site (PLC_STRIDE numbers):
 *   [kind (0 UMa, 1 UMi, 2 Hata), a1, s1, a2, a3, s3, d'BP, (hBS − hUT)², generalLosProb (hUT > 13 in UMa)]
 * 38.901: LOS = d ≤ d'BP ? a1 + s1·log10(d3D) : a2 + 40·log10(d3D); NLOS' = a3 + s3·log10(d3D).
 * Hata: PL = a1 + s1·log10(max(d, 20 m) / 1 km).
 */
export const PLC_STRIDE = 9;
export const LOS_EXPECTED = -1;
export const LOS_NO = 0;
export const LOS_YES = 1;

export function compilePathLoss(
  out: Float64Array,
  o: number,
  hBS: number,
  fcGHz: number,
  opts: PropagationOptions,
): void {
  const hUT = opts.hUT;
  if (fcGHz < opts.hataBelowGHz) {
    const fMHz = fcGHz * 1000,
      hb = Math.max(hBS, 1.5);
    // value at 1 km is the intercept; the slope is per decade of km
    const a =
      fMHz >= 1500 || opts.hataModel === "cost231"
        ? cost231Hata(fMHz, hb, hUT, 1, opts.hataCity)
        : okumuraHata(fMHz, hb, hUT, 1, opts.hataCity);
    out.set([2, a, 44.9 - 6.55 * log10(hb), 0, 0, 0, 0, 0, 0], o);
    return;
  }
  const sc = scenarioFor(hBS, opts);
  const f = 20 * log10(fcGHz);
  const dBP = breakpointDistance(hBS, hUT, fcGHz);
  const dh2 = (hBS - hUT) * (hBS - hUT);
  if (sc === "UMa") {
    out.set(
      [
        0,
        28.0 + f,
        22,
        28.0 + f - 9 * log10(dBP * dBP + dh2),
        13.54 + f - 0.6 * (hUT - 1.5),
        39.08,
        dBP,
        dh2,
        hUT > 13 ? 1 : 0,
      ],
      o,
    );
  } else {
    out.set(
      [
        1,
        32.4 + f,
        21,
        32.4 + f - 9.5 * log10(dBP * dBP + dh2),
        22.4 + 21.3 * log10(fcGHz) - 0.3 * (hUT - 1.5),
        35.3,
        dBP,
        dh2,
        0,
      ],
      o,
    );
  }
}

/** Path loss (dB) from compiled coefficients; `los` is LOS_YES, LOS_NO or LOS_EXPECTED (probability-weighted). */
export function compiledPathLoss(c: Float64Array, o: number, d2D: number, los: number, hUT: number): number {
  const kind = c[o];
  if (kind === 2) return c[o + 1] + c[o + 2] * log10((d2D < 20 ? 20 : d2D) / 1000);
  const d = d2D < 10 ? 10 : d2D;
  const L = log10(Math.sqrt(d * d + c[o + 7]));
  const pLos = d <= c[o + 6] ? c[o + 1] + c[o + 2] * L : c[o + 3] + 40 * L;
  if (los === LOS_YES) return pLos;
  const prime = c[o + 4] + c[o + 5] * L;
  const pNlos = prime > pLos ? prime : pLos;
  if (los === LOS_NO) return pNlos;
  let p: number;
  if (d2D <= 18) p = 1;
  else if (kind === 0) p = c[o + 8] ? losProbability("UMa", d2D, hUT) : 18 / d2D + Math.exp(-d2D / 63) * (1 - 18 / d2D);
  else p = 18 / d2D + Math.exp(-d2D / 36) * (1 - 18 / d2D);
  return p >= 1 ? pLos : p * pLos + (1 - p) * pNlos;
}

/** The LOS argument for compiledPathLoss implied by a LosMode when no ray trace decides it. */
export function defaultLosArg(mode: LosMode): number {
  return mode === "los" ? LOS_YES : mode === "probabilistic" ? LOS_EXPECTED : LOS_NO;
}
