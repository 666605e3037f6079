/**
 * The bench's static directory (dist/ + the Entity baseline page + Cesium's prebuilt UMD + scaled layer data) and
 * the per-scale data + scene config written into it. Shared by bench/run.ts and bench/interaction.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadLayerData } from "../../src/server/layer-data";
import { objectCount, scaleLayerData } from "../../src/server/sim/synthetic";

export const ROOT = resolve(import.meta.dirname, "../..");
export const RESULTS = join(ROOT, "bench/results");
export const STATIC = join(RESULTS, "static");
/** the CIM buildings tileset the app ships (public/tiles -> dist/tiles), the same file for ours and the baseline */
export const BUILDINGS_TILESET = "tiles/buildings/tileset.json";

/**
 * The Entity API baseline page for `objects` (bench/baseline). It draws with the anti-aliasing our page has under
 * the bench (`msaa=1`: MSAA off, FXAA on, src/scene/viewer.ts), so a frame's cost compares the scenes, not the
 * anti-aliasing.
 */
export function baselineUrl(base: string, objects: number, extraQuery = ""): string {
  return `${base}/baseline/index.html?data=bench-data/${objects}&fxaa=1${extraQuery}`;
}

export function prepareStatic(): void {
  rmSync(STATIC, { recursive: true, force: true });
  mkdirSync(STATIC, { recursive: true });
  for (const e of readdirSync(join(ROOT, "dist"))) symlinkSync(join(ROOT, "dist", e), join(STATIC, e));
  mkdirSync(join(STATIC, "vendor"));
  symlinkSync(join(ROOT, "node_modules/cesium/Build/Cesium"), join(STATIC, "vendor/cesium"));
  symlinkSync(
    join(ROOT, "node_modules/socket.io-client/dist/socket.io.min.js"),
    join(STATIC, "vendor/socket.io.min.js"),
  );
  symlinkSync(join(ROOT, "bench/baseline"), join(STATIC, "baseline"));
  mkdirSync(join(STATIC, "bench-data"));
}

let sourceData: ReturnType<typeof loadLayerData> | undefined;
/**
 * bench-data/<objects>/: the four layer files scaled to `objects` (same function as SYNTH_OBJECTS) + scene configs:
 * `scene.json` without 3D buildings (the live layers are measured, not tile streaming) and `scene-buildings.json`
 * with the app's CIM tileset.
 */
export function writeScenarioData(objects: number): string {
  sourceData ??= loadLayerData(join(ROOT, "public/data"));
  const data = scaleLayerData(sourceData, objects);
  const dir = join(STATIC, "bench-data", String(objects));
  mkdirSync(dir, { recursive: true });
  for (const l of ["sites", "datacentres", "chargers", "sensors"] as const) {
    const head = JSON.parse(readFileSync(join(ROOT, "public/data", `${l}.json`), "utf8")) as Record<string, unknown>;
    writeFileSync(
      join(dir, `${l}.json`),
      JSON.stringify({
        ...head,
        note: `${head.note ?? ""} Scaled to ${objects} objects by bench/run.ts.`.trim(),
        items: data[l],
      }),
    );
  }
  if (existsSync(join(ROOT, "public/data/roads.json")))
    writeFileSync(join(dir, "roads.json"), readFileSync(join(ROOT, "public/data/roads.json")));
  const scene = JSON.parse(readFileSync(join(ROOT, "dist/config/scene.json"), "utf8")) as {
    data: Record<string, string>;
    buildingsTileset: string | null;
    liveFrameMs?: number;
  };
  for (const l of ["sites", "datacentres", "chargers", "sensors"]) scene.data[l] = `bench-data/${objects}/${l}.json`;
  writeFileSync(
    join(dir, "scene-buildings.json"),
    JSON.stringify({ ...scene, buildingsTileset: BUILDINGS_TILESET }, null, 2),
  );
  writeFileSync(join(dir, "scene.json"), JSON.stringify({ ...scene, buildingsTileset: null }, null, 2));
  if (objectCount(data) !== objects) throw new Error(`scaled data has ${objectCount(data)} objects, wanted ${objects}`);
  return dir;
}
