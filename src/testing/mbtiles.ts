/**
 * Small raster MBTiles files for tests: tiles given by XYZ address, stored with their TMS row as the MBTiles
 * specification requires (row 0 at the south), `format` in the metadata table.
 */
import Database from "better-sqlite3";

export interface TileBytes {
  z: number;
  x: number;
  y: number;
  data: Buffer;
}

export function writeMbtiles(file: string, tiles: Iterable<TileBytes>, format = "png"): number {
  const db = new Database(file);
  try {
    db.exec(
      "CREATE TABLE metadata (name TEXT, value TEXT);" +
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);" +
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
    );
    db.prepare("INSERT INTO metadata VALUES (?, ?)").run("format", format);
    const put = db.prepare("INSERT INTO tiles VALUES (?, ?, ?, ?)");
    let n = 0;
    db.transaction(() => {
      for (const t of tiles) {
        put.run(t.z, t.x, 2 ** t.z - 1 - t.y, t.data);
        n++;
      }
    })();
    return n;
  } finally {
    db.close();
  }
}
