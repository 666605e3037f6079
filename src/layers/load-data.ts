/**
 * Fetches and validates the static layer files. A file that fails validation yields an error naming the file,
 * record and field; the caller shows it in a banner and keeps every other layer running.
 */
import type { z } from "zod";
import {
  ChargersFile,
  DataCentresFile,
  DistrictsFile,
  LandmarksFile,
  RoadsFile,
  SensorsFile,
  SitesFile,
  parseDataFile,
} from "../protocol/data";
import type { SceneConfig } from "../config/schema";

export type Loaded<T> = { ok: true; value: T } | { ok: false; error: string };

export async function fetchValidated<S extends z.ZodTypeAny>(url: string, schema: S): Promise<Loaded<z.infer<S>>> {
  const name = url.split("/").pop() ?? url;
  try {
    const res = await fetch(url);
    if (!res.ok) return { ok: false, error: `${name}: HTTP ${res.status}` };
    let json: unknown;
    try {
      json = await res.json();
    } catch (e) {
      return { ok: false, error: `${name}: not valid JSON (${(e as Error).message})` };
    }
    return { ok: true, value: parseDataFile(schema, json, name) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export async function loadAll(cfg: SceneConfig["data"]) {
  const [districts, landmarks, roads, sites, datacentres, chargers, sensors] = await Promise.all([
    fetchValidated(cfg.districts, DistrictsFile),
    fetchValidated(cfg.landmarks, LandmarksFile),
    fetchValidated(cfg.roads, RoadsFile),
    fetchValidated(cfg.sites, SitesFile),
    fetchValidated(cfg.datacentres, DataCentresFile),
    fetchValidated(cfg.chargers, ChargersFile),
    fetchValidated(cfg.sensors, SensorsFile),
  ]);
  return { districts, landmarks, roads, sites, datacentres, chargers, sensors };
}
