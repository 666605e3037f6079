/**
 * Batched 3D Model (b3dm, 3D Tiles 1.0) container: 28-byte header, feature table, batch table, binary glTF.
 * JSON sections are padded with spaces so the next section starts on an 8-byte boundary (relative to the
 * file start), and the whole file length is a multiple of 8, as the spec requires.
 */
export const B3DM_HEADER_BYTES = 28;

function paddedJson(value: unknown, offset: number): Buffer {
  let text = JSON.stringify(value);
  while ((offset + Buffer.byteLength(text)) % 8 !== 0) text += " ";
  return Buffer.from(text, "utf8");
}

function pad8(buf: Uint8Array): Buffer {
  const len = Math.ceil(buf.byteLength / 8) * 8;
  const out = Buffer.alloc(len); // zero padding
  out.set(buf);
  return out;
}

export interface B3dmParts {
  featureTable: { BATCH_LENGTH: number; RTC_CENTER?: [number, number, number] };
  batchTable: Record<string, unknown[]>;
  glb: Uint8Array;
}

export function encodeB3dm({ featureTable, batchTable, glb }: B3dmParts): Buffer {
  for (const [k, v] of Object.entries(batchTable))
    if (v.length !== featureTable.BATCH_LENGTH)
      throw new Error(
        `b3dm: batch table property "${k}" has ${v.length} values, BATCH_LENGTH is ${featureTable.BATCH_LENGTH}`,
      );
  const ft = paddedJson(featureTable, B3DM_HEADER_BYTES);
  const bt = paddedJson(batchTable, B3DM_HEADER_BYTES + ft.length);
  const body = pad8(glb);
  const total = B3DM_HEADER_BYTES + ft.length + bt.length + body.length;
  const header = Buffer.alloc(B3DM_HEADER_BYTES);
  header.write("b3dm", 0, "ascii");
  header.writeUInt32LE(1, 4); // version
  header.writeUInt32LE(total, 8);
  header.writeUInt32LE(ft.length, 12); // featureTableJSONByteLength
  header.writeUInt32LE(0, 16); // featureTableBinaryByteLength
  header.writeUInt32LE(bt.length, 20); // batchTableJSONByteLength
  header.writeUInt32LE(0, 24); // batchTableBinaryByteLength
  return Buffer.concat([header, ft, bt, body], total);
}

export interface DecodedB3dm {
  magic: string;
  version: number;
  byteLength: number;
  featureTable: { BATCH_LENGTH: number } & Record<string, unknown>;
  batchTable: Record<string, unknown[]>;
  glbOffset: number;
  glb: Uint8Array;
}

/** Parse a b3dm and check the layout rules; throws naming the violated rule. */
export function decodeB3dm(buf: Uint8Array): DecodedB3dm {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.byteLength < B3DM_HEADER_BYTES) throw new Error("b3dm: shorter than the 28-byte header");
  const magic = b.toString("ascii", 0, 4);
  if (magic !== "b3dm") throw new Error(`b3dm: magic is "${magic}"`);
  const version = b.readUInt32LE(4);
  const byteLength = b.readUInt32LE(8);
  if (byteLength !== b.byteLength) throw new Error(`b3dm: header byteLength ${byteLength} != actual ${b.byteLength}`);
  if (byteLength % 8 !== 0) throw new Error(`b3dm: byteLength ${byteLength} is not a multiple of 8`);
  const ftj = b.readUInt32LE(12),
    ftb = b.readUInt32LE(16),
    btj = b.readUInt32LE(20),
    btb = b.readUInt32LE(24);
  let o = B3DM_HEADER_BYTES;
  const featureTable = JSON.parse(b.toString("utf8", o, o + ftj));
  o += ftj;
  if (o % 8 !== 0) throw new Error("b3dm: feature table binary does not start on an 8-byte boundary");
  o += ftb;
  const batchTable = btj ? JSON.parse(b.toString("utf8", o, o + btj)) : {};
  o += btj;
  if (o % 8 !== 0) throw new Error("b3dm: batch table binary does not start on an 8-byte boundary");
  o += btb;
  if (o % 8 !== 0) throw new Error("b3dm: glb does not start on an 8-byte boundary");
  const glb = new Uint8Array(b.buffer, b.byteOffset + o, byteLength - o);
  if (Buffer.from(glb.buffer, glb.byteOffset, 4).toString("ascii") !== "glTF")
    throw new Error("b3dm: embedded glb magic is not glTF");
  return { magic, version, byteLength, featureTable, batchTable, glbOffset: o, glb };
}
