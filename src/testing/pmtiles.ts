/**
 * Small raster PMTiles (v3) archives for tests: one root directory (uncompressed, no leaf directories), tiles
 * uncompressed in tile-id order. Tile ids come from the `pmtiles` library (Hilbert order), so the test and the
 * reader agree on addressing only through the specification's own function.
 */
import { writeFileSync } from "node:fs";
import { Compression, TileType, zxyToTileId } from "pmtiles";
import type { TileBytes } from "./mbtiles";

const HEADER_BYTES = 127;
/** readers fetch the header and root directory in one 16 KiB request */
const ROOT_MAX = 16384 - HEADER_BYTES;

function varint(n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

function directory(entries: { id: number; offset: number; length: number }[]): Buffer {
  const out: number[] = [];
  varint(entries.length, out);
  let last = 0;
  for (const e of entries) {
    varint(e.id - last, out);
    last = e.id;
  }
  for (const _ of entries) varint(1, out); // run length: one tile per entry
  for (const e of entries) varint(e.length, out);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    varint(prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1, out);
  });
  return Buffer.from(out);
}

export function writePmtiles(file: string, tiles: Iterable<TileBytes>, tileType: TileType = TileType.Png): number {
  const sorted = [...tiles].map((t) => ({ ...t, id: zxyToTileId(t.z, t.x, t.y) })).sort((a, b) => a.id - b.id);
  if (sorted.length === 0) throw new Error("writePmtiles: no tiles");
  let offset = 0;
  const entries = sorted.map((t) => {
    const e = { id: t.id, offset, length: t.data.length };
    offset += t.data.length;
    return e;
  });
  const root = directory(entries);
  if (root.length > ROOT_MAX) throw new Error(`writePmtiles: root directory of ${root.length} bytes needs leaves`);
  const metadata = Buffer.from("{}");
  const data = Buffer.concat(sorted.map((t) => t.data));
  const h = Buffer.alloc(HEADER_BYTES);
  h.write("PMTiles", 0, "ascii");
  h.writeUInt8(3, 7);
  const u64 = (v: number, at: number) => h.writeBigUInt64LE(BigInt(v), at);
  u64(HEADER_BYTES, 8);
  u64(root.length, 16);
  u64(HEADER_BYTES + root.length, 24);
  u64(metadata.length, 32);
  u64(0, 40);
  u64(0, 48);
  u64(HEADER_BYTES + root.length + metadata.length, 56);
  u64(data.length, 64);
  u64(sorted.length, 72);
  u64(sorted.length, 80);
  u64(sorted.length, 88);
  h.writeUInt8(1, 96); // clustered: tiles in tile-id order
  h.writeUInt8(Compression.None, 97);
  h.writeUInt8(Compression.None, 98);
  h.writeUInt8(tileType, 99);
  h.writeUInt8(Math.min(...sorted.map((t) => t.z)), 100);
  h.writeUInt8(Math.max(...sorted.map((t) => t.z)), 101);
  const e7 = (deg: number, at: number) => h.writeInt32LE(Math.round(deg * 1e7), at);
  e7(-180, 102);
  e7(-85, 106);
  e7(180, 110);
  e7(85, 114);
  writeFileSync(file, Buffer.concat([h, root, metadata, data]));
  return sorted.length;
}
