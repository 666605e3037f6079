/**
 * Text encoding of an input file: a UTF-8 BOM, else bytes that decode as strict UTF-8, else GB18030 (the superset
 * of GBK that Chinese spreadsheet tools write). Decoded with iconv-lite, which needs no ICU data in Node.
 */
import iconv from "iconv-lite";

export const ENCODINGS = ["utf8", "gbk", "gb18030"] as const;
export type Encoding = (typeof ENCODINGS)[number];

export function hasUtf8Bom(buf: Uint8Array): boolean {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/** true when the bytes are valid UTF-8 (a GBK file with any Chinese in it practically never is) */
export function isStrictUtf8(buf: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

export function detectEncoding(buf: Uint8Array): Encoding {
  if (hasUtf8Bom(buf) || isStrictUtf8(buf)) return "utf8";
  return "gb18030";
}

/** Decode to a string without a BOM. `forced` overrides detection (--encoding). */
export function decodeText(buf: Buffer, forced?: Encoding): { text: string; encoding: Encoding; bom: boolean } {
  const bom = hasUtf8Bom(buf);
  const encoding = forced ?? detectEncoding(buf);
  const body = bom ? buf.subarray(3) : buf;
  return { text: iconv.decode(body, encoding), encoding, bom };
}
