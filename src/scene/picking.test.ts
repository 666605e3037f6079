/**
 * ScenePicker in Node with a scene double that records what was shown during the pick pass: decorations and the
 * globe take no part in a pick, and everything is shown again afterwards (also when the pick throws).
 */
import type { Scene } from "cesium";
import { describe, expect, it } from "vitest";
import { ScenePicker } from "./picking";

function fakeScene(pickResult: unknown = { id: { layer: "sites", index: 7 } }, throws = false) {
  const globe = { show: true };
  const seen: { globe: boolean; shown: boolean[]; size?: number[] }[] = [];
  const prims = [{ show: true }, { show: true }, { show: false }];
  const scene = {
    globe,
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
});
