import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG, SceneConfig, loadConfig, parseConfig } from "../src/config/schema";

describe("scene config", () => {
  it("the shipped public/config/scene.json is valid and offline (embedded basemap, no terrain, same-origin data)", () => {
    const json = JSON.parse(readFileSync("public/config/scene.json", "utf8"));
    const r = parseConfig(json, "scene.json");
    expect(r.error).toBeNull();
    expect(r.config.basemap.type).toBe("embedded");
    expect(r.config.terrainUrl).toBeNull();
    for (const u of Object.values(r.config.data)) if (u) expect(u).not.toMatch(/^https?:/);
    expect(r.config.camera.presets.map((p) => p.id)).toEqual(["city", "core", "binhai"]);
  });

  it("names the bad field and falls back to the default scene", () => {
    const bad = {
      version: 1,
      camera: {
        limit: [118, 25, 120, 27],
        presets: [{ id: "x", name_zh: "x", name_en: "x", lon: 300, lat: 26, range: 1000 }],
      },
    };
    const r = parseConfig(bad, "bad.json");
    expect(r.error).toMatch(/^bad\.json: camera\.presets\[0\]\.lon: /);
    expect(r.config).toBe(DEFAULT_CONFIG);
  });

  it("rejects an XYZ template without {x}/{y}/{z} and javascript: URLs", () => {
    const base = { version: 1, camera: DEFAULT_CONFIG.camera };
    const r1 = parseConfig({ ...base, basemap: { type: "xyz", url: "https://tiles.example/{z}/{x}.png" } }, "c");
    expect(r1.error).toContain("basemap.url");
    const r2 = parseConfig({ ...base, buildingsTileset: "javascript:alert(1)" }, "c");
    expect(r2.error).toContain("buildingsTileset");
  });

  it("accepts a WMTS basemap with defaults filled in", () => {
    const r = SceneConfig.parse({
      version: 1,
      camera: DEFAULT_CONFIG.camera,
      basemap: {
        type: "wmts",
        url: "https://wmts.example/{TileMatrix}/{TileRow}/{TileCol}",
        layer: "img",
        tileMatrixSetID: "w",
      },
    });
    expect(r.basemap).toMatchObject({ type: "wmts", style: "default", format: "image/png", maximumLevel: 18 });
  });

  it("loadConfig reports HTTP errors and non-JSON bodies by URL", async () => {
    const f404 = (async () => new Response("nope", { status: 404 })) as typeof fetch;
    expect((await loadConfig("x.json", f404)).error).toBe("x.json: HTTP 404");
    const fText = (async () => new Response("{not json", { status: 200 })) as typeof fetch;
    const r = await loadConfig("y.json", fText);
    expect(r.error).toMatch(/^y\.json: not valid JSON/);
    expect(r.config).toBe(DEFAULT_CONFIG);
  });
});
