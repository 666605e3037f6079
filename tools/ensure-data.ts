/**
 * Make sure the generated sample data and the buildings tileset exist and are current
 * (`tsx tools/ensure-data.ts [--force]`; run by `npm test`, `npm start`, `npm run build`).
 *
 * Fast no-op when public/data/manifest.json names the current generator version and every file it lists has
 * the recorded size, and public/tiles/buildings/tileset.json was built by the current tiler from the exact
 * bytes of buildings.json. Otherwise regenerates (keeping the manifest's seed if there was one) and re-tiles.
 * districts.geojson and river.geojson are committed (their import needs the npm registry) and only checked.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Manifest } from "./data/generate";
import { DEFAULT_SEED, GENERATOR_VERSION, TILER_VERSION } from "./data/versions";

// paths here, and the heavy generator/tiler modules imported only when something must be rebuilt
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DATA_DIR = path.join(ROOT, "public/data");
const BUILDINGS_JSON = path.join(DATA_DIR, "buildings.json");
const TILES_DIR = path.join(ROOT, "public/tiles/buildings");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export interface DataStatus {
  dataCurrent: boolean;
  tilesCurrent: boolean;
  reason: string[];
  seed: number;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

export function checkData(dataDir = DATA_DIR, tilesDir = TILES_DIR): DataStatus {
  const reason: string[] = [];
  for (const f of ["districts.geojson", "river.geojson", "landwater.geojson"])
    if (!existsSync(path.join(dataDir, f)))
      throw new Error(
        `${path.join(dataDir, f)} is missing: it is committed; restore it or run \`npm run data:districts\` (needs the npm registry)`,
      );
  const manifest = readJson(path.join(dataDir, "manifest.json")) as Manifest | undefined;
  let seed = DEFAULT_SEED;
  let dataCurrent = true;
  if (!manifest || manifest.schema !== "rongtwin.manifest/1") {
    dataCurrent = false;
    reason.push("no manifest.json");
  } else {
    if (Number.isInteger(manifest.generator?.seed)) seed = manifest.generator.seed;
    if (manifest.generator?.version !== GENERATOR_VERSION) {
      dataCurrent = false;
      reason.push(`generator version ${manifest.generator?.version} != ${GENERATOR_VERSION}`);
    }
    if (manifest.scale !== 1) {
      dataCurrent = false;
      reason.push(`generated at scale ${manifest.scale}`);
    }
    for (const [file, info] of Object.entries(manifest.files ?? {})) {
      const p = path.join(dataDir, file);
      if (!existsSync(p) || statSync(p).size !== info.bytes) {
        dataCurrent = false;
        reason.push(`${file} missing or changed`);
      }
    }
  }
  let tilesCurrent = dataCurrent;
  if (dataCurrent) {
    const tileset = readJson(path.join(tilesDir, "tileset.json")) as
      | {
          asset?: { extras?: { rongtwin?: { tilerVersion?: string; inputSha256?: string } } };
          root?: { children?: { content?: { uri?: string } }[] };
        }
      | undefined;
    const stamp = tileset?.asset?.extras?.rongtwin;
    if (!tileset || !stamp) {
      tilesCurrent = false;
      reason.push("no tileset.json");
    } else if (stamp.tilerVersion !== TILER_VERSION) {
      tilesCurrent = false;
      reason.push(`tiler version ${stamp.tilerVersion} != ${TILER_VERSION}`);
    } else if (stamp.inputSha256 !== sha256(readFileSync(BUILDINGS_JSON))) {
      tilesCurrent = false;
      reason.push("tileset built from another buildings.json");
    } else if (
      !(tileset.root?.children ?? []).every((c) => c.content?.uri && existsSync(path.join(tilesDir, c.content.uri)))
    ) {
      tilesCurrent = false;
      reason.push("tile content missing");
    }
  }
  return { dataCurrent, tilesCurrent, reason, seed };
}

export async function ensureData(force = false, log: (s: string) => void = console.log): Promise<DataStatus> {
  const t0 = Date.now();
  const status = checkData();
  if (!force && status.dataCurrent && status.tilesCurrent) {
    log(
      `ensure-data: sample data and tiles are current (generator ${GENERATOR_VERSION}, tiler ${TILER_VERSION}, ${Date.now() - t0} ms)`,
    );
    return status;
  }
  log(`ensure-data: regenerating (${force ? "--force" : status.reason.join("; ")})`);
  if (force || !status.dataCurrent) {
    const { writeAll } = await import("./data/generate");
    writeAll({ seed: status.seed, scale: 1 }, DATA_DIR, (s) => log(s));
  }
  const { buildFromFile } = await import("./tiles/build-buildings");
  await buildFromFile(BUILDINGS_JSON, TILES_DIR, (s) => log(s));
  log(`ensure-data: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return checkData();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const bad = args.filter((a) => a !== "--force");
  if (bad.length) {
    console.error(`ensure-data: unknown argument ${bad.join(" ")} (only --force)`);
    process.exit(2);
  }
  ensureData(args.includes("--force")).then(
    (s) => {
      if (!s.dataCurrent || !s.tilesCurrent) {
        console.error(`ensure-data: still not current after regenerating: ${s.reason.join("; ")}`);
        process.exit(1);
      }
    },
    (e: unknown) => {
      console.error(`ensure-data: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
