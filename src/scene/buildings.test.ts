import { describe, expect, it } from "vitest";
import { buildingsOrigin } from "./buildings";

describe("where a building tileset came from", () => {
  it("reads the project's tiler stamp: imported (source file, count) or sample", () => {
    const imported = {
      asset: { version: "1.0", extras: { rongtwin: { sample: false, source: "f.geojson", buildings: 3 } } },
    };
    expect(buildingsOrigin(imported, "tiles/buildings/tileset.json")).toEqual({
      sample: false,
      source: "f.geojson",
      count: 3,
    });
    const sample = { asset: { version: "1.0", extras: { rongtwin: { sample: true, buildings: 24393 } } } };
    expect(buildingsOrigin(sample, "tiles/buildings/tileset.json")).toEqual({
      sample: true,
      source: null,
      count: 24393,
    });
  });

  it("takes a tileset without the stamp as a real model named by its URL, count unknown", () => {
    expect(buildingsOrigin({ asset: { version: "1.1" } }, "https://cim.example/city/tileset.json?v=2")).toEqual({
      sample: false,
      source: "https://cim.example/city/tileset.json",
      count: null,
    });
  });
});
