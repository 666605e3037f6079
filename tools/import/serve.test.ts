/**
 * An imported data directory is what the gateway serves: its layer files at /data/, its building tiles at
 * /tiles/buildings/, a local MBTiles or PMTiles basemap at /basemap/{z}/{x}/{y}, its scene.json at
 * /config/scene.json, nothing else from the directory.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TileType } from "pmtiles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../../src/server/gateway";
import { writeMbtiles, writePmtiles } from "../../src/testing";
import { importBuildings, importLayer } from "./run";

/** a 1×1 PNG: the bytes a tile server must hand back unchanged */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/2Jc6HQAAAABJRU5ErkJggg==",
  "base64",
);
/** zoom 15 tile of 东街口 (x 27242, y 13924 in XYZ), stored with its TMS row as MBTiles requires */
const Z = 15,
  X = 27242,
  Y = 13924;

/** the data directory's own scene: served in place of the build's config */
const SCENE = JSON.stringify({ version: 1, basemap: { type: "xyz", url: "basemap/{z}/{x}/{y}" } });

let dir: string;
let gw: Gateway;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "rt-serve-"));
  const dataDir = path.join(dir, "data");
  writeFileSync(path.join(dir, "s.csv"), "站名,运营商,频段,经度,纬度\n东街口,移动,2.6G,119.2965,26.0745\n");
  expect((await importLayer({ layer: "sites", file: path.join(dir, "s.csv"), dataDir, crs: "wgs84" })).ok).toBe(true);
  const ring = [
    [119.2965, 26.0745],
    [119.2968, 26.0745],
    [119.2968, 26.0748],
    [119.2965, 26.0748],
    [119.2965, 26.0745],
  ];
  const fc = {
    type: "FeatureCollection",
    features: [{ type: "Feature", properties: { height: 30 }, geometry: { type: "Polygon", coordinates: [ring] } }],
  };
  writeFileSync(path.join(dir, "b.geojson"), JSON.stringify(fc));
  expect((await importBuildings({ file: path.join(dir, "b.geojson"), dataDir, crs: "wgs84" })).ok).toBe(true);
  writeMbtiles(path.join(dataDir, "basemap.mbtiles"), [{ z: Z, x: X, y: Y, data: PNG }]);
  writeFileSync(path.join(dataDir, "scene.json"), SCENE);
  gw = await createGateway({ dataDir, staticDir: "", host: "127.0.0.1", log: () => {} });
}, 120_000);
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("gateway with an imported DATA_DIR", () => {
  it("serves the imported layer file and tiles", async () => {
    const sites = (await (await fetch(`${gw.url}/data/sites.json`)).json()) as {
      sample: boolean;
      source: string;
      items: unknown[];
    };
    expect(sites).toMatchObject({ sample: false, source: "s.csv" });
    expect(sites.items).toHaveLength(1);
    expect(gw.data.sites).toHaveLength(1);
    const chargers = (await (await fetch(`${gw.url}/data/chargers.json`)).json()) as { sample: boolean };
    expect(chargers.sample).toBe(true); // copied from the sample when the directory was made
    const ts = await fetch(`${gw.url}/tiles/buildings/tileset.json`);
    expect(ts.status).toBe(200);
    expect(
      ((await ts.json()) as { asset: { extras: { rongtwin: { sample: boolean } } } }).asset.extras.rongtwin.sample,
    ).toBe(false);
    expect((await fetch(`${gw.url}/data/import/sites.report.json`)).status).toBe(404);
    expect((await fetch(`${gw.url}/data/buildings.json`)).status).toBe(404);
  });

  it("serves a local MBTiles basemap by XYZ address (TMS rows flipped), 404 for a missing tile, 400 for nonsense", async () => {
    const r = await fetch(`${gw.url}/basemap/${Z}/${X}/${Y}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await r.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${gw.url}/basemap/${Z}/${X}/${2 ** Z - 1 - Y}`)).status).toBe(404);
    expect((await fetch(`${gw.url}/basemap/3/9/0`)).status).toBe(400);
    expect((await fetch(`${gw.url}/basemap/x/1/1`)).status).toBe(400);
  });

  it("serves the data directory's scene.json as the page's config", async () => {
    const r = await fetch(`${gw.url}/config/scene.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await r.text()).toBe(SCENE);
  });
});

describe("gateway with a PMTiles basemap in the data directory", () => {
  /** tiles of several zooms (their Hilbert ids interleave), each with its own bytes */
  const tiles = [
    { z: 0, x: 0, y: 0 },
    { z: 9, x: 425, y: 217 },
    { z: Z, x: X, y: Y },
    { z: Z, x: X + 1, y: Y },
    { z: 18, x: 217938, y: 111394 },
  ].map((t, i) => ({ ...t, data: Buffer.concat([PNG, Buffer.from(`tile ${i}`)]) }));
  let pmDir: string;
  let pm: Gateway;
  beforeAll(async () => {
    pmDir = path.join(dir, "data-pmtiles");
    cpSync(path.join(dir, "data"), pmDir, { recursive: true });
    rmSync(path.join(pmDir, "basemap.mbtiles"));
    writePmtiles(path.join(pmDir, "basemap.pmtiles"), tiles);
    pm = await createGateway({ dataDir: pmDir, staticDir: "", host: "127.0.0.1", log: () => {} });
  }, 60_000);
  afterAll(async () => {
    await pm?.close();
  });

  it("serves each tile's bytes by XYZ address, 404 for a missing tile, 400 for nonsense", async () => {
    for (const t of tiles) {
      const r = await fetch(`${pm.url}/basemap/${t.z}/${t.x}/${t.y}`);
      expect(r.status, `${t.z}/${t.x}/${t.y}`).toBe(200);
      expect(r.headers.get("content-type")).toBe("image/png");
      expect(Buffer.from(await r.arrayBuffer()).equals(t.data)).toBe(true);
    }
    expect((await fetch(`${pm.url}/basemap/${Z}/${X}/${Y + 1}`)).status).toBe(404);
    expect((await fetch(`${pm.url}/basemap/3/9/0`)).status).toBe(400);
  });

  it("refuses a data directory with both an MBTiles and a PMTiles basemap, and a vector archive", async () => {
    const both = path.join(dir, "data-both");
    cpSync(pmDir, both, { recursive: true });
    writeMbtiles(path.join(both, "basemap.mbtiles"), tiles);
    await expect(createGateway({ dataDir: both, staticDir: "", host: "127.0.0.1", log: () => {} })).rejects.toThrow(
      /both there; keep one/,
    );
    const vector = path.join(dir, "data-vector");
    cpSync(pmDir, vector, { recursive: true });
    writePmtiles(path.join(vector, "basemap.pmtiles"), tiles, TileType.Mvt);
    await expect(createGateway({ dataDir: vector, staticDir: "", host: "127.0.0.1", log: () => {} })).rejects.toThrow(
      /tile type Mvt is not a raster format/,
    );
  });
});
