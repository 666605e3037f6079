/**
 * ScenePicker in Node with a scene double that records what was shown during the pick pass: decorations and the
 * globe take no part in a pick, and everything is shown again afterwards (also when the pick throws).
 */
import { Cartesian3, Ellipsoid, type Scene } from "cesium";
import type { ScreenHitQuery } from "../layers/types";
import { describe, expect, it } from "vitest";
import { ScenePicker } from "./picking";

function fakeScene(pickResult: unknown = { id: { layer: "sites", index: 7 } }, throws = false) {
  const globe = { show: true };
  const seen: { globe: boolean; shown: boolean[]; size?: number[] }[] = [];
  const prims = [{ show: true }, { show: true }, { show: false }];
  const scene = {
    globe: Object.assign(globe, { ellipsoid: Ellipsoid.WGS84 }),
    drawingBufferWidth: 2560,
    // straight down from 30 km over (119.3, 26); the sky above y < 0
    camera: {
      positionWC: Cartesian3.fromDegrees(119.3, 26, 30000),
      pickEllipsoid: (p: { x: number; y: number }) =>
        p.y < 0 ? undefined : Cartesian3.fromDegrees(119.3 + (p.x - 640) * 1e-4, 26 - (p.y - 360) * 1e-4),
    },
    canvas: { clientWidth: 1280, clientHeight: 720 },
    isDestroyed: () => false,
    pick(pos: { x: number; y: number }, width?: number, height?: number) {
      seen.push({ globe: globe.show, shown: prims.map((p) => p.show), ...(width ? { size: [width, height!] } : {}) });
      if (throws) throw new Error("context lost");
      return { ...(pickResult as object), at: [pos.x, pos.y] };
    },
  };
  return { scene: scene as unknown as Scene, globe, prims, seen };
}

describe("ScenePicker", () => {
  it("hides excluded primitives and the globe for the pick pass only", () => {
    const f = fakeScene();
    const picker = new ScenePicker(f.scene);
    picker.exclude(f.prims[0], f.prims[2], null);
    const r = picker.pick({ x: 10, y: 20 } as never) as { id: unknown; at: number[] };
    expect(r.id).toEqual({ layer: "sites", index: 7 });
    expect(r.at).toEqual([10, 20]);
    // during the pass: globe hidden, prims[0] hidden, prims[1] (pickable) shown, prims[2] stays hidden
    expect(f.seen).toEqual([{ globe: false, shown: [false, true, false] }]);
    // afterwards: exactly as before
    expect(f.globe.show).toBe(true);
    expect(f.prims.map((p) => p.show)).toEqual([true, true, false]);
  });

  it("restores what it hid when the pick throws", () => {
    const f = fakeScene(undefined, true);
    const picker = new ScenePicker(f.scene);
    picker.exclude(...f.prims);
    expect(() => picker.pick({ x: 0, y: 0 } as never)).toThrow("context lost");
    expect(f.globe.show).toBe(true);
    expect(f.prims.map((p) => p.show)).toEqual([true, true, false]);
  });

  it("warm() picks once over the whole canvas and swallows failures; released primitives take part again", () => {
    const f = fakeScene();
    const picker = new ScenePicker(f.scene);
    picker.exclude(f.prims[0]);
    picker.release(f.prims[0]);
    picker.warm();
    expect(f.seen).toEqual([{ globe: false, shown: [true, true, false], size: [1280, 720] }]);
    const g = fakeScene(undefined, true);
    expect(() => new ScenePicker(g.scene).warm()).not.toThrow();
  });

  it("warmSoon() merges calls and does nothing after destroy()", async () => {
    const f = fakeScene();
    const picker = new ScenePicker(f.scene);
    picker.warmSoon(5);
    picker.warmSoon(5);
    await new Promise((r) => setTimeout(r, 60));
    expect(f.seen.length).toBe(1);
    picker.warmSoon(5);
    picker.destroy();
    await new Promise((r) => setTimeout(r, 60));
    expect(f.seen.length).toBe(1);
  });

  it("answers a dot under the cursor without a pick pass, and falls back to the pass elsewhere", () => {
    const f = fakeScene();
    const picker = new ScenePicker(f.scene, true, true);
    const queries: ScreenHitQuery[] = [];
    const dot = { primitive: "dot", id: { layer: "chargers", index: 3 } };
    picker.addHitTesters(
      { maxHitRadiusPx: () => 12, hitTest: (q) => (queries.push(q), q.x === 100 ? { picked: dot, d2: 4 } : null) },
      {
        maxHitRadiusPx: () => 5,
        hitTest: (q) => (q.x === 100 ? { picked: { primitive: "far", id: 1 }, d2: 9 } : null),
      },
      {},
    );
    expect(picker.pick({ x: 100, y: 200 } as never)).toBe(dot); // the nearer of the two layers' hits
    expect(f.seen).toEqual([]); // no pick pass
    const q = queries[0];
    // the ground under (100, 200): 1 px = 1e-4° here; 12 px left/right = 0.0012° of longitude = 120.1 m at 26° N,
    // up/down 0.0012° of latitude = 132.7 m: the footprint is the farther. That ground is 5403 m east-west and
    // 1769 m north-south of the point under the camera, 30 km below it: a dot h m high shows h × 5685 / 30000 away
    expect(q.lon).toBeCloseTo(119.3 - 540e-4, 9);
    expect(q.lat).toBeCloseTo(26 + 160e-4, 9);
    expect(q.radiusPx).toBe(12);
    expect(q.footprintM).toBeGreaterThan(132);
    expect(q.footprintM).toBeLessThan(134);
    expect(q.heightShift).toBeCloseTo(0.19, 2);
    expect(q.pixelRatio).toBe(2);
    // nothing under the cursor, the sky, a pick of an area, or the CPU path turned off: the pick pass
    expect((picker.pick({ x: 300, y: 200 } as never) as { id: unknown }).id).toEqual({ layer: "sites", index: 7 });
    picker.pick({ x: 100, y: -5 } as never);
    picker.pick({ x: 100, y: 200 } as never, 5, 5);
    new ScenePicker(f.scene, true, false).pick({ x: 100, y: 200 } as never);
    expect(f.seen.length).toBe(4);
  });
});
