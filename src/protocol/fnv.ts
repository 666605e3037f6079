/**
 * The one FNV-1a (32-bit) of the project: the byte step, a string hashed per UTF-16 code unit (`hash32`, used
 * for seeds and stream labels) and per byte (`fnvString`, part of the state digest both ends compute).
 */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** One FNV-1a step over the low byte of `byte`. */
export function fnv1a(h: number, byte: number): number {
  return Math.imul(h ^ (byte & 0xff), FNV_PRIME) >>> 0;
}

/** FNV-1a over a string's UTF-16 code units (one step per code unit), 32-bit. */
export function hash32(text: string, h = FNV_OFFSET): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME) >>> 0;
  return h >>> 0;
}

/** FNV-1a over a string's UTF-16 code units as bytes (low byte, then high byte). */
export function fnvString(s: string, h = FNV_OFFSET): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h = fnv1a(h, c);
    h = fnv1a(h, c >>> 8);
  }
  return h >>> 0;
}
