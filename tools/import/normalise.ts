/**
 * Value normalisation: the spellings real inventories use, turned into the schema's values. Each function returns
 * the value or null (the caller refuses the row, naming the field and the text).
 */
import type { Band, Operator } from "../../src/protocol/data";

const OPERATORS: [RegExp, Operator][] = [
  [/^(cmcc|chinamobile|中国移动|移动|中移动|cm)$/i, "CMCC"],
  [/^(cucc|chinaunicom|中国联通|联通|cu)$/i, "CUCC"],
  [/^(ctcc|chinatelecom|中国电信|电信|ct)$/i, "CTCC"],
  [/^(cbn|chinabroadnet|中国广电|广电|中国广电网络)$/i, "CBN"],
];

export function normaliseOperator(s: string): Operator | null {
  const k = s.replace(/[\s_-]/g, "");
  for (const [re, op] of OPERATORS) if (re.test(k)) return op;
  return null;
}

const BANDS: [RegExp, Band][] = [
  [/^(n78|3\.[3-6]g(hz)?|3[3-6]00(mhz)?|c波段|c-band)$/i, "n78"],
  [/^(n41|2\.6g(hz)?|2[56]\d\d(mhz)?)$/i, "n41"],
  [/^(n79|4\.9g(hz)?|4[89]\d\d(mhz)?)$/i, "n79"],
  [/^(n28|700m(hz)?|7[0-9]{2}(mhz)?)$/i, "n28"],
];

/** "3.5G", "3.5GHz", "n78", "N78", "3500MHz" -> n78; "2.6G" -> n41; "4.9G" -> n79; "700M" -> n28 */
export function normaliseBand(s: string): Band | null {
  const k = s.replace(/\s/g, "");
  for (const [re, b] of BANDS) if (re.test(k)) return b;
  return null;
}

/** "12.5", "12.5m", "1,200", "46dBm" -> number; "" or text -> null */
export function parseNumber(s: string): number | null {
  const m = /^[+-]?\d[\d,]*(\.\d+)?|^[+-]?\.\d+/.exec(s.replace(/\s/g, ""));
  if (!m) return null;
  const v = Number(m[0].replace(/,/g, ""));
  return Number.isFinite(v) ? v : null;
}

/** "0/120/240", "0,120,240", "0;120;240" -> three azimuths; a single "30" -> 30/150/270 */
export function parseAzimuths(s: string): [number, number, number] | null {
  const parts = s
    .split(/[/,;，；|、\s]+/)
    .filter(Boolean)
    .map((p) => parseNumber(p));
  if (parts.some((p) => p === null) || parts.length === 0) return null;
  const v = parts as number[];
  const norm = (a: number) => ((a % 360) + 360) % 360;
  if (v.length === 1) return [norm(v[0]), norm(v[0] + 120), norm(v[0] + 240)];
  if (v.length === 3) return [norm(v[0]), norm(v[1]), norm(v[2])];
  return null;
}

/** "2024-03-05", "2024/3/5", "2024.3.5", "20240305", "2024年3月5日" -> 2024-03-05 */
export function parseDate(s: string): string | null {
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?/.exec(s.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** "是", "yes", "true", "1", "Y" -> true; "否", "no", "false", "0", "N" -> false */
export function parseBool(s: string): boolean | null {
  if (/^(是|yes|true|y|1|√)$/i.test(s.trim())) return true;
  if (/^(否|no|false|n|0|×)$/i.test(s.trim())) return false;
  return null;
}

/** An id the schema accepts, from a file's id text: kept if it already fits, else null. */
export function validId(s: string): string | null {
  const t = s.trim();
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(t) ? t : null;
}
