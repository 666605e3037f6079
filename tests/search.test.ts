import { describe, expect, it } from "vitest";
import { searchLayers } from "../src/ui/panels/search";
import type { Layer } from "../src/layers/types";
import type { LayerId } from "../src/protocol/data";

function fakeLayer(id: LayerId, rows: Array<[string, string]>): Layer {
  return {
    id,
    count: rows.length,
    idOf: (i: number) => rows[i][0],
    nameOf: (i: number) => rows[i][1],
  } as unknown as Layer;
}

describe("search", () => {
  const layers = [
    fakeLayer("sites", [
      ["5G-000001", "鼓楼移动5G站0001"],
      ["5G-000002", "台江电信5G站0002"],
      ["5G-000010", "仓山联通5G站0010"],
    ]),
    fakeLayer("datacentres", [
      ["DC-01", "福建人工智能计算中心"],
      ["DC-02", "福州市政务大数据中心"],
    ]),
  ];

  it("finds by exact id first, case-insensitively", () => {
    const hits = searchLayers(layers, "dc-02");
    expect(hits[0]).toMatchObject({ layer: "datacentres", index: 1, id: "DC-02" });
  });

  it("finds by part of a Chinese name", () => {
    const hits = searchLayers(layers, "人工智能");
    expect(hits.map((h) => h.id)).toEqual(["DC-01"]);
  });

  it("an exact name match ranks before partial id matches", () => {
    const hits = searchLayers(layers, "福州市政务大数据中心");
    expect(hits[0].id).toBe("DC-02");
  });

  it("limits results and returns none for blank queries", () => {
    expect(searchLayers(layers, "5G-0000", 2)).toHaveLength(2);
    expect(searchLayers(layers, "   ")).toEqual([]);
  });
});
