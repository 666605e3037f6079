/**
 * Daily and seasonal curves for Fuzhou (UTC+8, 26.08°N 119.30°E). Hourly profiles are linearly interpolated.
 * Shapes follow the usual published patterns: mobile data traffic peaks 20-22h with a night trough ~4h;
 * road traffic has a morning (8h) and evening (18h) rush; EV charging arrivals follow commutes.
 */
export const FUZHOU = { lat: 26.08, lon: 119.3, utcOffsetH: 8 };
const HOUR = 3_600_000;

/** local (UTC+8) hour of day, fractional */
export function localHour(t: number): number {
  const h = (t / HOUR + FUZHOU.utcOffsetH) % 24;
  return h < 0 ? h + 24 : h;
}
/** day of year 0..365 in local time */
export function dayOfYear(t: number): number {
  const d = new Date(t + FUZHOU.utcOffsetH * HOUR);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.floor((d.getTime() - start) / 86_400_000);
}

export function interpHourly(profile: readonly number[], hour: number): number {
  const i = Math.floor(hour) % 24;
  const f = hour - Math.floor(hour);
  return profile[i] * (1 - f) + profile[(i + 1) % 24] * f;
}

/** mobile data traffic, residential areas: evening peak ~21h */
export const MOBILE_RESIDENTIAL = [
  0.42, 0.3, 0.22, 0.17, 0.15, 0.16, 0.22, 0.34, 0.45, 0.52, 0.56, 0.6, 0.66, 0.62, 0.6, 0.61, 0.64, 0.7, 0.78, 0.88,
  0.96, 1.0, 0.9, 0.66,
];
/** mobile data traffic, business areas: working-day plateau with lunch bump */
export const MOBILE_BUSINESS = [
  0.22, 0.16, 0.12, 0.1, 0.1, 0.12, 0.2, 0.4, 0.66, 0.8, 0.84, 0.86, 0.86, 0.84, 0.86, 0.85, 0.82, 0.76, 0.66, 0.6,
  0.56, 0.5, 0.42, 0.3,
];
/** road demand relative to the road's peak: rush hours 8h and 18h */
export const ROAD_DEMAND = [
  0.12, 0.08, 0.06, 0.05, 0.06, 0.14, 0.38, 0.82, 0.98, 0.78, 0.62, 0.62, 0.6, 0.56, 0.6, 0.66, 0.78, 0.95, 1.0, 0.82,
  0.62, 0.46, 0.32, 0.2,
];
/** EV charging arrivals relative to peak: commute peaks plus late-evening home/taxi charging */
export const CHARGING_ARRIVALS = [
  0.3, 0.22, 0.16, 0.12, 0.12, 0.18, 0.38, 0.72, 0.92, 0.62, 0.46, 0.5, 0.62, 0.52, 0.46, 0.5, 0.7, 0.94, 1.0, 0.82,
  0.64, 0.54, 0.46, 0.36,
];

/** Fuzhou monthly mean air temperature, °C (climate normals, rounded). */
const MONTHLY_MEAN_C = [11.0, 11.6, 14.2, 18.6, 22.8, 26.2, 29.2, 28.8, 26.6, 22.8, 18.6, 13.8];
/** outdoor temperature: seasonal mean + diurnal cycle (min ~5h, max ~14h), amplitude 3.5-4.5 °C */
export function outdoorTempC(t: number): number {
  const doy = dayOfYear(t);
  const mPos = (doy / 365.25) * 12 - 0.5; // month centres
  const m0 = Math.floor(mPos);
  const f = mPos - m0;
  const mean = MONTHLY_MEAN_C[((m0 % 12) + 12) % 12] * (1 - f) + MONTHLY_MEAN_C[(((m0 + 1) % 12) + 12) % 12] * f;
  const h = localHour(t);
  // asymmetric diurnal: cosine peaking at 14h
  const amp = 4;
  return mean + amp * Math.cos(((h - 14) / 24) * 2 * Math.PI) * (h >= 5 && h <= 14 ? 1 : 1);
}

/** sun elevation (radians) at Fuzhou for time t (simple declination / hour-angle model, ±0.5°) */
export function sunElevation(t: number): number {
  const doy = dayOfYear(t);
  const decl = ((-23.44 * Math.PI) / 180) * Math.cos(((2 * Math.PI) / 365) * (doy + 10));
  const utcH = (((t / HOUR) % 24) + 24) % 24;
  const solarTime = utcH + FUZHOU.lon / 15; // ignoring equation of time
  const ha = ((solarTime - 12) * 15 * Math.PI) / 180;
  const lat = (FUZHOU.lat * Math.PI) / 180;
  return Math.asin(Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(ha));
}

export const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);
