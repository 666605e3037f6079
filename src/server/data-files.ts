/**
 * Serves the data directory's files at /data/<name>, the URLs the default scene loads, so the client draws exactly
 * the layer files the gateway runs (an imported DATA_DIR, not the sample copied into the build). Only the known
 * file names; anything else falls through to the static app (or 404). Imported building tiles
 * (DATA_DIR/tiles/buildings, written by `npm run import -- buildings`) are served at /tiles/buildings/ in place of
 * the sample city's.
 */
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

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
  const tiles = join(dataDir, "tiles", "buildings");
  if (existsSync(join(tiles, "tileset.json")))
    await app.register(fastifyStatic, {
      root: tiles,
      prefix: "/tiles/buildings/",
      decorateReply: false,
      setHeaders: (res) => res.header("cache-control", "no-cache"),
    });
}
