import { TerrainProvider } from "cesium";
import { describe, expect, it } from "vitest";
import { forgetContextBuffers } from "./terrain-cache";

type Cached = { indices: { indexBuffers?: Record<string, unknown> } };
const grid = (
  TerrainProvider as unknown as { getRegularGridAndSkirtIndicesAndEdgeIndices(w: number, h: number): Cached }
).getRegularGridAndSkirtIndicesAndEdgeIndices;

describe("forgetContextBuffers", () => {
  it("drops the destroyed context's cached index buffer and keeps the live one's", () => {
    // what GlobeSurfaceTile leaves on Cesium's cached 16 x 16 grid: one index buffer per context id
    const cached = grid(16, 16);
    cached.indices.indexBuffers = { old: { gl: "old context" }, live: { gl: "live context" } };
    expect(forgetContextBuffers("old")).toBe(1);
    expect(Object.keys(grid(16, 16).indices.indexBuffers!)).toEqual(["live"]);
    // nothing cached for that context any more: nothing dropped
    expect(forgetContextBuffers("old")).toBe(0);
    delete cached.indices.indexBuffers;
  });
});
