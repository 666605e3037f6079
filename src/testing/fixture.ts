/**
 * Tiny, valid layer data for tests (independent of the real generated public/data files): writes
 * sites/datacentres/chargers/sensors/roads JSON that pass the src/protocol/data.ts schemas.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DISTRICTS, type Charger, type DataCentre, type Road, type Sensor, type Site } from "../protocol/data";
import type { LayerData } from "../server/layer-data";
import { Rng } from "../protocol/prng";

export interface FixtureSize {
  sites: number;
  datacentres: number;
  chargers: number;
  roads: number;
  sensorsPerRoad: number;
}

export function makeFixture(size: Partial<FixtureSize> = {}, seed = 7): LayerData {
  const z: FixtureSize = { sites: 200, datacentres: 8, chargers: 40, roads: 4, sensorsPerRoad: 10, ...size };
  const r = new Rng(seed);
  const lon = () => 119.2 + r.next() * 0.3;
  const lat = () => 25.95 + r.next() * 0.25;
  const district = (i: number) => DISTRICTS[i % DISTRICTS.length];
  const sites: Site[] = Array.from({ length: z.sites }, (_, i) => ({
    id: `5G-${String(i + 1).padStart(5, "0")}`,
    name: `测试基站${i + 1}`,
    operator: (["CMCC", "CUCC", "CTCC", "CBN"] as const)[i % 4],
    band: (["n78", "n41", "n79", "n28"] as const)[i % 4],
    lon: lon(),
    lat: lat(),
    heightM: 30,
    azimuths: [0, 120, 240],
    tiltDeg: 6,
    txPowerDbm: 46,
    district: district(i),
    commissioned: "2023-06-01",
  }));
  const kinds = ["government", "carrier", "enterprise", "ai-computing", "edge"] as const;
  const datacentres: DataCentre[] = Array.from({ length: z.datacentres }, (_, i) => ({
    id: `DC-${i + 1}`,
    name: `测试数据中心${i + 1}`,
    nameEn: `Test DC ${i + 1}`,
    lon: lon(),
    lat: lat(),
    district: district(i),
    inPark: i % 2 === 0,
    kind: kinds[i % kinds.length],
    racks: 200 + 100 * i,
    itCapacityMw: 2 + i,
    designPue: 1.25 + 0.02 * (i % 5),
    pflops: i % 5 === 3 ? 100 : null,
    halls: 1 + (i % 4),
  }));
  const chargers: Charger[] = Array.from({ length: z.chargers }, (_, i) => {
    const sup = i % 4 === 0;
    return {
      id: `EV-${i + 1}`,
      name: `测试充电站${i + 1}`,
      kind: sup ? "super" : "ordinary",
      lon: lon(),
      lat: lat(),
      district: district(i),
      connectors: sup ? 12 : 4 + (i % 6),
      connectorKw: sup ? 480 : 60,
      solarKwp: sup ? 200 : 0,
      storageKwh: sup ? 400 : 0,
    } as Charger;
  });
  const roads: Road[] = Array.from({ length: z.roads }, (_, k) => ({
    id: `R${k + 1}`,
    name: `测试路${k + 1}`,
    nameEn: `Test Road ${k + 1}`,
    class: (["expressway", "ring", "arterial", "arterial"] as const)[k % 4],
    path: [
      [119.25, 26.0 + k * 0.01],
      [119.35, 26.0 + k * 0.01],
    ],
    speedLimitKmh: [100, 80, 60, 50][k % 4],
    lanes: [4, 4, 3, 2][k % 4],
  }));
  const sensors: Sensor[] = [];
  roads.forEach((road, k) => {
    for (let j = 0; j < z.sensorsPerRoad; j++)
      sensors.push({
        id: `TS-${k + 1}-${j + 1}`,
        name: `检测器${k + 1}-${j + 1}`,
        kind: "loop",
        roadId: road.id,
        road: road.name,
        chainageM: j * 800,
        lon: 119.25 + j * 0.008,
        lat: 26.0 + k * 0.01,
        district: district(k),
      });
  });
  return { sites, datacentres, chargers, sensors, roads };
}

const header = (schema: string) => ({
  schema,
  sample: true,
  generator: { name: "test-fixture", version: "1", seed: 7 },
});

/** Write the fixture as DATA_DIR files; returns the directory. */
export function writeFixture(data: LayerData, dir?: string): string {
  const d = dir ?? mkdtempSync(join(tmpdir(), "rt-data-"));
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "sites.json"), JSON.stringify({ ...header("rongtwin.sites/1"), items: data.sites }));
  writeFileSync(
    join(d, "datacentres.json"),
    JSON.stringify({ ...header("rongtwin.datacentres/1"), items: data.datacentres }),
  );
  writeFileSync(join(d, "chargers.json"), JSON.stringify({ ...header("rongtwin.chargers/1"), items: data.chargers }));
  writeFileSync(join(d, "sensors.json"), JSON.stringify({ ...header("rongtwin.sensors/1"), items: data.sensors }));
  writeFileSync(join(d, "roads.json"), JSON.stringify({ ...header("rongtwin.roads/1"), items: data.roads }));
  return d;
}
