/**
 * `npm run import -- buildings <footprints>`: footprints -> DATA_DIR/buildings.json and DATA_DIR/tiles/buildings
 * (3D Tiles, built by the same tiler as the sample city: b3dm with a batch table, so picking and styling work as
 * they do today). Both are swapped in only when complete.
 */
import path from "node:path";
import { readFileSync } from "node:fs";
import { BuildingsFile, DistrictsFile, parseDataFile } from "../../src/protocol/data";
import { DistrictIndex } from "../data/geo";
import { buildTileset } from "../tiles/build-buildings";
import type { Crs } from "./crs";
import { importFootprints, readFootprintFeatures } from "./footprints";
import { silentProgress, type Progress } from "./progress";
import { countReasons, type ImportReport } from "./report";
import { prepareDataDir, writeFileAtomic } from "./write";

export interface BuildingsImportOptions {
  file: string;
  dataDir: string;
  crs: Crs;
  storeyM?: number;
  progress?: Progress;
  now?: Date;
}

export function tilesDir(dataDir: string): string {
  return path.join(dataDir, "tiles", "buildings");
}

/** Fill `report` (shared shape with the table imports); throws on failure before anything is swapped in. */
export async function runBuildingsImport(
  opts: BuildingsImportOptions,
  report: ImportReport,
  sha: string,
): Promise<void> {
  const progress = opts.progress ?? silentProgress;
  prepareDataDir(opts.dataDir);
  const dfile = path.join(opts.dataDir, "districts.geojson");
  const index = new DistrictIndex(parseDataFile(DistrictsFile, JSON.parse(readFileSync(dfile, "utf8")), dfile));
  const t0 = Date.now();
  const features = await readFootprintFeatures(opts.file);
  progress.start(features.length, "buildings");
  const r = importFootprints(
    features,
    { crs: opts.crs, districtAt: (p) => index.districtAt(p[0], p[1]), storeyM: opts.storeyM },
    (n) => progress.update(n),
  );
  progress.update(features.length);
  progress.stop();
  Object.assign(report, {
    format: path.extname(opts.file).slice(1).toLowerCase(),
    kind: "footprints",
    rowsRead: r.read,
    kept: r.buildings.length,
    refused: r.refused.length,
    refusedRows: r.refused,
    refusedByReason: countReasons(r.refused),
    defaults: r.defaults,
  });
  if (r.holesDropped) report.warnings.push(`${r.holesDropped} holes (courtyards) filled: footprints are outer rings`);
  if (r.simplified) report.warnings.push(`${r.simplified} footprints simplified to 64 vertices`);
  if (r.buildings.length === 0) throw new Error("no building could be imported (see the refused rows)");
  const date = (opts.now ?? new Date()).toISOString().slice(0, 10);
  const json = {
    schema: "rongtwin.buildings/1",
    sample: false,
    generator: { name: "rongtwin-import", version: "1.0.0", seed: 0 },
    source: report.input,
    note: `Imported ${date} from ${report.input} (sha256 ${sha.slice(0, 12)}, ${opts.crs} -> WGS84).`,
    items: r.buildings,
  };
  parseDataFile(BuildingsFile, json, "buildings.json");
  const text = JSON.stringify(json) + "\n";
  const res = await buildTileset(r.buildings, tilesDir(opts.dataDir), {
    input: "buildings.json",
    source: report.input,
    sample: false,
  });
  writeFileAtomic(path.join(opts.dataDir, "buildings.json"), text);
  const secs = Math.max(0.001, (Date.now() - t0) / 1000);
  const bytes = res.tiles.reduce((s, t) => s + t.bytes, 0);
  report.stats = {
    buildingsPerSecond: Math.round(r.buildings.length / secs),
    tiles: res.tiles.length,
    tilesetBytes: bytes,
    bytesPer10kBuildings: Math.round((bytes / r.buildings.length) * 10000),
  };
  report.output = tilesDir(opts.dataDir);
}
