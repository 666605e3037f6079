/**
 * A raster PMTiles (v3) basemap read from a local file: the `pmtiles` library decodes the archive (header, Hilbert
 * tile ids, directories), this module only hands it byte ranges of the file and maps the tile type to a MIME type.
 */
import { open, type FileHandle } from "node:fs/promises";
import { PMTiles, TileType, type RangeResponse, type Source } from "pmtiles";

const RASTER: Partial<Record<TileType, string>> = {
  [TileType.Png]: "image/png",
  [TileType.Jpeg]: "image/jpeg",
  [TileType.Webp]: "image/webp",
  [TileType.Avif]: "image/avif",
};

/** Byte ranges of a local file (the library's own FileSource is the browser's File API). */
class LocalFileSource implements Source {
  private handle: Promise<FileHandle> | null = null;

  constructor(private readonly file: string) {}

  getKey(): string {
    return this.file;
  }

  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    this.handle ??= open(this.file, "r");
    const fh = await this.handle;
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    const data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead) as ArrayBuffer;
    return { data };
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    if (h) await (await h).close();
  }
}

export class PmtilesBasemap {
  private constructor(
    private readonly source: LocalFileSource,
    private readonly archive: PMTiles,
    /** the tiles' MIME type */
    readonly type: string,
  ) {}

  /** Open the archive and check it holds raster tiles; throws naming the file otherwise. */
  static async open(file: string): Promise<PmtilesBasemap> {
    const source = new LocalFileSource(file);
    try {
      const archive = new PMTiles(source);
      const header = await archive.getHeader();
      const type = RASTER[header.tileType];
      if (!type)
        throw new Error(
          `${file}: tile type ${TileType[header.tileType]} is not a raster format (png, jpg, webp, avif)`,
        );
      return new PmtilesBasemap(source, archive, type);
    } catch (e) {
      await source.close();
      throw e;
    }
  }

  /** the tile's bytes, or null when the archive has no such tile */
  async tile(z: number, x: number, y: number): Promise<Buffer | null> {
    const r = await this.archive.getZxy(z, x, y);
    return r ? Buffer.from(r.data) : null;
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
