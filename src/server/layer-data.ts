/**
 * Loads the static layer files (DATA_DIR/<layer>.json, default public/data) the gateway serves live status for.
 * The order of `items` is the object index used on the wire.
 */
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import {
  ChargersFile,
  DataCentresFile,
  RoadsFile,
  SensorsFile,
  SitesFile,
  parseDataFile,
  type Charger,
  type DataCentre,
  type LayerId,
  type Road,
  type Sensor,
  type Site,
} from "../protocol/data";

export interface LayerData {
  sites: Site[];
  datacentres: DataCentre[];
  chargers: Charger[];
  sensors: Sensor[];
  /** optional: speed limits and lanes for the traffic simulator */
  roads: Road[];
}

export function layerIds(data: LayerData): Record<LayerId, string[]> {
  return {
    sites: data.sites.map((s) => s.id),
    datacentres: data.datacentres.map((s) => s.id),
    chargers: data.chargers.map((s) => s.id),
    sensors: data.sensors.map((s) => s.id),
  };
}

function readJson(dir: string, name: string): unknown {
  const p = join(dir, name);
  if (!existsSync(p)) throw new Error(`${p}: missing (run \`npm run data\` or set DATA_DIR)`);
  try {
    return JSON.parse(readFileSync(p, "utf8"));
  } catch (e) {
    throw new Error(`${p}: not valid JSON: ${(e as Error).message}`);
  }
}

/** Load and validate all four live layers (+ roads if present). Throws naming file, record and field. */
export function loadLayerData(dir: string): LayerData {
  const sites = parseDataFile(SitesFile, readJson(dir, "sites.json"), "sites.json").items;
  const datacentres = parseDataFile(DataCentresFile, readJson(dir, "datacentres.json"), "datacentres.json").items;
  const chargers = parseDataFile(ChargersFile, readJson(dir, "chargers.json"), "chargers.json").items;
  const sensors = parseDataFile(SensorsFile, readJson(dir, "sensors.json"), "sensors.json").items;
  const roads = existsSync(join(dir, "roads.json"))
    ? parseDataFile(RoadsFile, readJson(dir, "roads.json"), "roads.json").items
    : [];
  for (const [name, items] of Object.entries({ sites, datacentres, chargers, sensors }) as [
    string,
    { id: string }[],
  ][]) {
    const seen = new Set<string>();
    items.forEach((it, i) => {
      if (seen.has(it.id)) throw new Error(`${name}.json: items[${i}] (${it.id}).id: duplicate id`);
      seen.add(it.id);
    });
  }
  return { sites, datacentres, chargers, sensors, roads };
}
