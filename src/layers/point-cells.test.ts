/**
 * Spatial cells of a point layer: balanced by count, every object in exactly one cell, neighbours together, and the
 * collections hold exactly the points added (Cesium's collections are plain JavaScript until drawn).
 */
import { Cartesian3 } from "cesium";
import { describe, expect, it } from "vitest";
import { PointCells, splitIntoCells } from "./point-cells";

/** a 100 x 100 grid of objects, 0.001° apart, west to east then south to north */
const grid = Array.from({ length: 10_000 }, (_, i) => ({
  lon: 119 + (i % 100) * 0.001,
  lat: 26 + Math.floor(i / 100) * 0.001,
}));

describe("splitIntoCells", () => {
  it("halves until a cell holds at most maxPerCell: 10,000 objects, 2,048 per cell -> 8 cells of 1,250", () => {
    const { cellOf, cells } = splitIntoCells(grid, 2048);
    expect(cells).toBe(8);
    const sizes = new Array<number>(cells).fill(0);
    for (const c of cellOf) sizes[c]++;
    expect(sizes).toEqual(new Array(8).fill(1250));
  });

  it("keeps neighbours together: a cell spans a compact box, not a stripe of the whole grid", () => {
    const { cellOf, cells } = splitIntoCells(grid, 2048);
    for (let c = 0; c < cells; c++) {
      const members = grid.filter((_, i) => cellOf[i] === c);
      const span = (k: "lon" | "lat") => Math.max(...members.map((m) => m[k])) - Math.min(...members.map((m) => m[k]));
      // 8 cells of a 0.099° square: halves of 0.05° in one direction, quarters of 0.025° in the other
      expect(span("lon") * span("lat")).toBeLessThan(0.05 * 0.05);
    }
  });

  it("one cell for a small layer, and for none at all", () => {
    expect(splitIntoCells(grid.slice(0, 12), 2048)).toEqual({ cellOf: new Uint32Array(12), cells: 1 });
    expect(splitIntoCells([], 2048).cells).toBe(1);
  });
});

describe("PointCells", () => {
  it("adds each object's point to its cell and shows or hides all cells at once", () => {
    const cells = new PointCells(grid, 2048);
    expect(cells.cellCount).toBe(8);
    const { cellOf } = splitIntoCells(grid, 2048);
    grid.forEach((g, i) => cells.add(i, { position: Cartesian3.fromDegrees(g.lon, g.lat, 0), id: i }));
    expect(cells.length).toBe(10_000);
    expect(cells.root.length).toBe(8);
    // object 0 (south-west corner) and object 9999 (north-east corner) are in different cells
    expect(cellOf[0]).not.toBe(cellOf[9999]);
    cells.show = false;
    expect(cells.root.show).toBe(false);
    cells.show = true;
    expect(cells.show).toBe(true);
  });
});
