import { describe, expect, it } from "vitest";
import { shownSampleLayers, type UiState } from "./ui-store";

const base: Pick<UiState, "origins" | "visible" | "buildings" | "buildingsVisible"> = {
  origins: { sites: { sample: false, source: "a.csv" }, chargers: { sample: true, source: null } },
  visible: { sites: true, datacentres: true, chargers: true, sensors: true },
  buildings: null,
  buildingsVisible: true,
};

describe("the sample badge's layers", () => {
  it("names shown sample layers only", () => {
    expect(shownSampleLayers(base)).toEqual(["chargers"]);
    expect(shownSampleLayers({ ...base, visible: { ...base.visible, chargers: false } })).toEqual([]);
  });

  it("names the buildings while a sample tileset is shown, not an imported one", () => {
    const sample = { sample: true, source: null, count: 24393 };
    expect(shownSampleLayers({ ...base, buildings: sample })).toEqual(["chargers", "buildings"]);
    expect(shownSampleLayers({ ...base, buildings: sample, buildingsVisible: false })).toEqual(["chargers"]);
    const imported = { sample: false, source: "f.geojson", count: 3 };
    expect(shownSampleLayers({ ...base, buildings: imported })).toEqual(["chargers"]);
  });
});
