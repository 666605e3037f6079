/**
 * PointLayer in Node (Cesium's collections are plain JavaScript until drawn): colours change only when they must,
 * and the level of detail of very large layers.
 */
import { Color, type Scene } from "cesium";
import { describe, expect, it } from "vitest";
import { LOD_MIN_POINTS, PointLayer } from "./point-layer";
import type { LiveView } from "./types";

const NORMAL = Color.fromCssColorString("#2ad4ff");
function fakeScene(): Scene & { renders: number } {
  const s = {
    renders: 0,
    primitives: { add: (p: unknown) => p, remove: () => true },
    requestRender() {
      s.renders++;
    },
  };
  return s as unknown as Scene & { renders: number };
}
function layer(n: number, scene = fakeScene()) {
  const items = Array.from({ length: n }, (_, i) => ({
    id: `P${i}`,
    lon: 119.3 + (i % 1000) * 1e-4,
    lat: 26 + Math.floor(i / 1000) * 1e-4,
  }));
  const l = new PointLayer(scene, {
    id: "sites",
    titleKey: "layer.sites",
    items,
    nameOf: (it) => it.id,
    height: () => 10,
    baseColor: () => NORMAL,
    pixelSize: () => 4,
    fields: () => [],
    legend: [],
  });
  return {
    l,
    scene,
    prims: (l as unknown as { prims: { color: Color; distanceDisplayCondition?: { far: number } }[] }).prims,
  };
}
const view = (status: (i: number) => number): LiveView => ({
  status: (_l, i) => status(i),
  lastSeen: () => 0,
  metric: () => undefined,
  metricNames: () => [],
});

describe("PointLayer.applyLive", () => {
  it("touches a primitive only when its colour changes, and asks for a frame only then", () => {
    const { l, scene, prims } = layer(10);
    expect(
      l.applyLive(
        [0, 1, 2],
        view(() => 0),
      ),
    ).toBe(0); // ok = the base colour already shown
    expect(scene.renders).toBe(0);
    expect(
      l.applyLive(
        [0, 1, 2],
        view((i) => (i === 1 ? 2 : 0)),
      ),
    ).toBe(1); // object 1 faults
    expect(scene.renders).toBe(1);
    expect(prims[1].color).not.toEqual(NORMAL);
    expect(
      l.applyLive(
        [1],
        view(() => 2),
        false,
      ),
    ).toBe(0); // still faulted: nothing to do
    expect(
      l.applyLive(
        [1],
        view(() => 0),
        false,
      ),
    ).toBe(1); // back to normal, no frame requested (render = false)
    expect(scene.renders).toBe(1);
    expect(prims[1].color).toEqual(NORMAL);
  });
});

describe("PointLayer level of detail", () => {
  it("leaves layers below LOD_MIN_POINTS whole", () => {
    const { prims } = layer(1000);
    expect(prims.every((p) => p.distanceDisplayCondition === undefined)).toBe(true);
  });

  it(`from afar draws every k-th normal object of a ${LOD_MIN_POINTS}+ layer, and every alert, selected or hovered one`, () => {
    const n = 100_000; // k = ceil(100000 / 25000) = 4
    const { l, prims } = layer(n);
    const far = (i: number) => prims[i].distanceDisplayCondition!.far;
    const drawnFar = () => prims.filter((p) => p.distanceDisplayCondition!.far > 1e9).length;
    expect(drawnFar()).toBe(25_000);
    expect(far(0)).toBeGreaterThan(1e9);
    expect(far(1)).toBe(30_000);
    // object 1 goes offline: drawn at any distance; back to normal: near only again
    l.applyLive(
      [1],
      view(() => 3),
    );
    expect(far(1)).toBeGreaterThan(1e9);
    expect(drawnFar()).toBe(25_001);
    l.applyLive(
      [1],
      view(() => 0),
    );
    expect(far(1)).toBe(30_000);
    // selecting (e.g. from search or an alarm) makes a thinned object visible from anywhere, deselecting restores it
    l.highlight(5, "select");
    expect(far(5)).toBeGreaterThan(1e9);
    l.highlight(null, "select");
    expect(far(5)).toBe(30_000);
  });
});
