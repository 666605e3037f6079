/**
 * The CIM building layer: a 3D Tiles tileset (the project's generated one by default, or a real CIM tileset from
 * config) styled as translucent blue-cyan blocks with a height gradient. Features are pickable; their properties
 * (id, usage, floors, heightM, district) feed the inspector. Where the tileset came from (generated sample city or
 * `npm run import -- buildings`, and the source file) is read from its tileset.json `asset.extras.rongtwin`.
 */
import {
  Cesium3DTileColorBlendMode,
  Cesium3DTileFeature,
  Cesium3DTileStyle,
  Cesium3DTileset,
  type Scene,
} from "cesium";
import { z } from "zod";

export const BUILDING_STYLE = new Cesium3DTileStyle({
  color: {
    conditions: [
      ["${usage} === 'datacentre'", "color('#7cf3c8', 0.95)"],
      ["${heightM} >= 100", "color('#9beeff', 0.95)"],
      ["${heightM} >= 50", "color('#5cc8f5', 0.92)"],
      ["${heightM} >= 20", "color('#3aa0e0', 0.9)"],
      ["true", "color('#2c7fc4', 0.88)"],
    ],
  },
});

export async function loadBuildings(scene: Scene, url: string): Promise<Cesium3DTileset> {
  const tileset = await Cesium3DTileset.fromUrl(url, {
    maximumScreenSpaceError: 8,
    // a wall runs for weeks: keep tile memory bounded
    cacheBytes: 256 * 1024 * 1024,
    maximumCacheOverflowBytes: 128 * 1024 * 1024,
  });
  tileset.style = BUILDING_STYLE;
  // mostly the style's colour, a little of the model's shading so walls and roofs still read apart
  tileset.colorBlendMode = Cesium3DTileColorBlendMode.MIX;
  tileset.colorBlendAmount = 0.75;
  scene.primitives.add(tileset);
  return tileset;
}

/** Where the building tileset came from and how many buildings it holds (null: not stated by the tileset). */
export interface BuildingsOrigin {
  sample: boolean;
  source: string | null;
  count: number | null;
}

/** The stamp the project's tiler writes (tools/tiles/build-buildings.ts); a tileset without it is someone's real model. */
const RongtwinStamp = z.object({
  sample: z.boolean().default(true),
  source: z.string().max(500).optional(),
  buildings: z.number().int().nonnegative().optional(),
});

export function buildingsOrigin(tileset: Pick<Cesium3DTileset, "asset">, url: string): BuildingsOrigin {
  const asset = z.object({ extras: z.object({ rongtwin: z.unknown() }).partial().optional() }).safeParse(tileset.asset);
  const stamp = asset.success ? RongtwinStamp.safeParse(asset.data.extras?.rongtwin) : null;
  if (!stamp?.success) return { sample: false, source: url.split(/[?#]/)[0]!, count: null };
  const { sample, source, buildings } = stamp.data;
  return { sample, source: sample ? null : (source ?? null), count: buildings ?? null };
}

export type BuildingProps = { id: string; usage: string; floors: number; heightM: number; district: string };

export function buildingFromPick(picked: unknown): BuildingProps | null {
  if (!(picked instanceof Cesium3DTileFeature)) return null;
  const get = (k: string) => picked.getProperty(k) as unknown;
  const id = get("id");
  if (typeof id !== "string") return null;
  return {
    id,
    usage: String(get("usage") ?? ""),
    floors: Number(get("floors") ?? 0),
    heightM: Number(get("heightM") ?? 0),
    district: String(get("district") ?? ""),
  };
}
