/**
 * Serves the data directory's files at /data/<name>, the URLs the default scene loads, so the client draws exactly
 * the layer files the gateway runs (an imported DATA_DIR, not the sample copied into the build). Only the known
 * file names; anything else falls through to the static app (or 404). Imported building tiles
 * (DATA_DIR/tiles/buildings, written by `npm run import -- buildings`) are served at /tiles/buildings/ in place of
 * the sample city's. A local basemap, DATA_DIR/basemap.mbtiles (raster MBTiles: PNG/JPEG/WebP tiles, TMS rows), is
 * served at /basemap/{z}/{x}/{y} for a scene.json `xyz` basemap with that URL: offline imagery, no tile server; a
 * raster PMTiles file, DATA_DIR/basemap.pmtiles, is served the same way (one of the two).
 * A DATA_DIR/scene.json (the scene for this data: its basemap, camera views) is served at /config/scene.json in place
 * of the build's, so a data directory selects its basemap without rebuilding the app; the page validates it.
 */
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import Database from "better-sqlite3";
import { z } from "zod";
import { PmtilesBasemap } from "./pmtiles-basemap";

export const DATA_FILES = [
  "districts.geojson",
  "river.geojson",
  "landmarks.json",
  "roads.json",
  "sites.json",
  "datacentres.json",
  "chargers.json",
  "sensors.json",
] as const;

export async function registerDataFiles(app: FastifyInstance, dataDir: string): Promise<void> {
  for (const name of DATA_FILES) {
    const file = join(dataDir, name);
    app.get(`/data/${name}`, async (_req, reply) => {
      if (!existsSync(file)) return reply.code(404).send({ error: "not_found", reason: `data/${name}` });
      const type = name.endsWith(".geojson") ? "application/geo+json" : "application/json";
      return reply.type(type).header("cache-control", "no-cache").send(createReadStream(file));
    });
  }
  const scene = join(dataDir, "scene.json");
  if (existsSync(scene))
    app.get("/config/scene.json", async (_req, reply) =>
      reply.type("application/json").header("cache-control", "no-cache").send(createReadStream(scene)),
    );
  const mbtiles = join(dataDir, "basemap.mbtiles");
  const pmtiles = join(dataDir, "basemap.pmtiles");
  if (existsSync(mbtiles) && existsSync(pmtiles))
    throw new Error(`${dataDir}: basemap.mbtiles and basemap.pmtiles are both there; keep one`);
  if (existsSync(mbtiles)) registerMbtiles(app, mbtiles);
  if (existsSync(pmtiles)) await registerPmtiles(app, pmtiles);
  const tiles = join(dataDir, "tiles", "buildings");
  if (existsSync(join(tiles, "tileset.json")))
    await app.register(fastifyStatic, {
      root: tiles,
      prefix: "/tiles/buildings/",
      decorateReply: false,
      setHeaders: (res) => res.header("cache-control", "no-cache"),
    });
}

const TileParams = z.object({
  z: z.coerce.number().int().min(0).max(24),
  x: z.coerce.number().int().min(0),
  y: z.coerce.number().int().min(0),
});
const MIME: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", webp: "image/webp" };

function tileAddress(params: unknown): { z: number; x: number; y: number } | null {
  const p = TileParams.safeParse(params);
  return p.success && p.data.x < 2 ** p.data.z && p.data.y < 2 ** p.data.z ? p.data : null;
}

const BAD_ADDRESS = { error: "bad_request", reason: "tile address z/x/y out of range" } as const;
const NO_TILE = { error: "not_found", reason: "no such tile" } as const;
const TILE_CACHE = "public, max-age=86400";

/** Raster tiles out of a PMTiles archive (read-only), XYZ addressing as for MBTiles. */
export async function registerPmtiles(app: FastifyInstance, file: string): Promise<void> {
  const basemap = await PmtilesBasemap.open(file);
  app.addHook("onClose", () => basemap.close());
  app.get("/basemap/:z/:x/:y", async (req, reply) => {
    const a = tileAddress(req.params);
    if (!a) return reply.code(400).send(BAD_ADDRESS);
    const data = await basemap.tile(a.z, a.x, a.y);
    if (!data) return reply.code(404).send(NO_TILE);
    return reply.type(basemap.type).header("cache-control", TILE_CACHE).send(data);
  });
}

/** Raster tiles out of an MBTiles file (read-only), XYZ addressing outside, TMS rows inside. */
export function registerMbtiles(app: FastifyInstance, file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const fmt = db.prepare("SELECT value FROM metadata WHERE name = 'format'").get() as { value: string } | undefined;
  const type = MIME[(fmt?.value ?? "png").toLowerCase()];
  if (!type) throw new Error(`${file}: format "${fmt?.value}" is not a raster tile format (png, jpg, webp)`);
  const get = db.prepare("SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?");
  app.addHook("onClose", async () => void db.close());
  app.get("/basemap/:z/:x/:y", async (req, reply) => {
    const a = tileAddress(req.params);
    if (!a) return reply.code(400).send(BAD_ADDRESS);
    const row = get.get(a.z, a.x, 2 ** a.z - 1 - a.y) as { tile_data: Buffer } | undefined;
    if (!row) return reply.code(404).send(NO_TILE);
    return reply.type(type).header("cache-control", TILE_CACHE).send(row.tile_data);
  });
}
