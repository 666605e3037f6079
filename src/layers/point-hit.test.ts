/**
 * The CPU hit test of dots, with worked numbers: Cesium's point size at a distance, the pick radius around it, the
 * ground index, and PointLayer.hitTest over a simple flat projection (1 px = 10 m, north up).
 */
import { Cartesian3, Cartographic, Color, DistanceDisplayCondition, Math as M, type Scene } from "cesium";
import { describe, expect, it } from "vitest";
import { hitRadiusPx, nearFarValue, PointHitIndex, shownAt } from "./point-hit";
import { PointLayer } from "./point-layer";
import type { ScreenHitQuery } from "./types";

const SBD = { near: 2000, nearValue: 1.6, far: 250000, farValue: 0.6 };

describe("point size and pick radius", () => {
  it("follows Cesium's czm_nearFarScalar (t^0.2 between near and far)", () => {
    // 30 km: t = (30000² − 2000²) / (250000² − 2000²) = 0.014337; t^0.2 = 0.42783; 1.6 − 0.42783 = 1.17217
    expect(nearFarValue(SBD, 30000 ** 2)).toBeCloseTo(1.17217, 4);
    expect(nearFarValue(SBD, 1000 ** 2)).toBe(1.6);
    expect(nearFarValue(SBD, 400000 ** 2)).toBeCloseTo(0.6, 9);
    expect(nearFarValue(undefined, 1e12)).toBe(1);
  });

  it("is half the drawn disc plus Cesium's padding and the pick rectangle's reach", () => {
    // (6 + 2 × 1) × 1.17217 = 9.3774 px drawn; / 2 = 4.6887; + (1.5 + 1) / 1 = 7.1887
    expect(hitRadiusPx(6, 1, 1.17217, 1)).toBeCloseTo(7.1887, 3);
    // on a 2× screen the padding is 1.5 device px = 0.75 CSS px, the rectangle 0.5: 4.6887 + 1.25
    expect(hitRadiusPx(6, 1, 1.17217, 2)).toBeCloseTo(5.9387, 3);
    expect(hitRadiusPx(6, 1, 0, 1)).toBe(0);
  });

  it("hides a dot outside its display condition", () => {
    expect(shownAt({ near: 0, far: 30000 }, 29999 ** 2)).toBe(true);
    expect(shownAt({ near: 0, far: 30000 }, 30001 ** 2)).toBe(false);
    expect(shownAt(undefined, 1e15)).toBe(true);
  });
});

describe("PointHitIndex", () => {
  it("finds objects within a ground radius", () => {
    // the shared local projection (planner/geo: a sphere of 6371.0088 km, about the items' mean latitude 26.0033°):
    // 0.01° of longitude = 111195 × cos 26.0033° × 0.01 = 999.4 m; 0.01° of latitude = 1112.0 m
    const idx = new PointHitIndex([
      { lon: 119.3, lat: 26 },
      { lon: 119.31, lat: 26 },
      { lon: 119.3, lat: 26.01 },
    ]);
    expect(idx.near(119.3, 26, 600)).toEqual([0]);
    expect(idx.near(119.3, 26, 1010).sort()).toEqual([0, 1]);
    expect(idx.near(119.3, 26, 1115).sort()).toEqual([0, 1, 2]);
    expect(new PointHitIndex([]).near(119.3, 26, 1e9)).toEqual([]);
  });
});

/** a flat view straight down from 30 km over (119.3, 26): 1 CSS px = 10 m, canvas centre (640, 360) */
function flatQuery(x: number, y: number): ScreenHitQuery {
  const mLon = 111320 * Math.cos(M.toRadians(26));
  const lon = 119.3 + ((x - 640) * 10) / mLon;
  const lat = 26 - ((y - 360) * 10) / 110574;
  return {
    x,
    y,
    lon,
    lat,
    footprintM: 200,
    radiusPx: 20,
    heightShift: 0,
    eye: Cartesian3.fromDegrees(119.3, 26, 30000),
    pixelRatio: 1,
    project(p, out) {
      const c = Cartographic.fromCartesian(p);
      out.x = 640 + ((M.toDegrees(c.longitude) - 119.3) * mLon) / 10;
      out.y = 360 - ((M.toDegrees(c.latitude) - 26) * 110574) / 10;
      return out;
    },
  };
}

function layer() {
  const scene = { primitives: { add: (p: unknown) => p, remove: () => true }, requestRender() {} };
  const mLon = 111320 * Math.cos(M.toRadians(26));
  // three dots on a row, 8 px (80 m) apart; their pick radius at 30 km is 7.19 px
  const items = [0, 8, 16].map((px, i) => ({ id: `S${i}`, lon: 119.3 + (px * 10) / mLon, lat: 26 }));
  return new PointLayer(scene as unknown as Scene, {
    id: "sites",
    titleKey: "layer.sites",
    items,
    nameOf: (it) => it.id,
    height: () => 0,
    baseColor: () => Color.CYAN,
    pixelSize: () => 6,
    fields: () => [],
    legend: [],
  });
}

describe("PointLayer.hitTest", () => {
  it("answers the nearest dot whose drawn disc (and pick rectangle) covers the cursor", () => {
    const l = layer();
    const hit = (x: number, y: number) =>
      (l.hitTest(flatQuery(x, y))?.picked.id as { index: number } | undefined)?.index;
    expect(hit(640, 360)).toBe(0);
    expect(hit(643, 360)).toBe(0); // 3 px from dot 0, 5 px from dot 1: the nearer
    expect(hit(645, 360)).toBe(1); // 5 px from 0, 3 px from 1
    expect(hit(656 + 7, 360)).toBe(2); // 7 px right of the last dot: inside 7.19
    expect(hit(656 + 8, 360)).toBeUndefined(); // 8 px: outside
    expect(hit(640, 360 - 7.5)).toBeUndefined();
    expect(l.hitTest(flatQuery(640, 360))?.d2).toBeCloseTo(0, 3);
  });

  it("finds nothing in a hidden layer or a dot outside its display condition, and follows a dot's size", () => {
    const l = layer();
    const prims = (l as unknown as { prims: { distanceDisplayCondition: unknown; pixelSize: number }[] }).prims;
    prims[0].distanceDisplayCondition = new DistanceDisplayCondition(0, 20000);
    expect(l.hitTest(flatQuery(640, 360))).toBeNull();
    prims[0].distanceDisplayCondition = new DistanceDisplayCondition(0, 40000);
    expect(l.hitTest(flatQuery(640, 360))).not.toBeNull();
    // the selected dot is drawn 2.2× larger: 13.2 + 4 outline → radius (17.2 × 1.17217) / 2 + 2.5 = 12.58 px
    l.highlight(2, "select");
    expect((l.hitTest(flatQuery(656 + 12, 360))?.picked.id as { index: number }).index).toBe(2);
    expect(l.hitTest(flatQuery(656 + 13, 360))).toBeNull();
    l.setVisible(false);
    expect(l.hitTest(flatQuery(640, 360))).toBeNull();
    expect(l.maxHitRadiusPx()).toBeCloseTo(((6 * 2.2 + 4) * 1.6) / 2 + 2.5, 6);
  });
});
