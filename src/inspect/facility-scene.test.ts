// @vitest-environment happy-dom
/**
 * The drill-down's scene without WebGL: what each facility kind is built of, how live data colours it, and that
 * dispose frees every geometry, material and texture the scene made (three fires "dispose" on each).
 */
import { describe, expect, it } from "vitest";
import {
  type BufferGeometry,
  ConeGeometry,
  InstancedMesh,
  type Material,
  Mesh,
  type MeshBasicMaterial,
  type Object3D,
  Texture,
} from "three";
import { FacilityScene } from "./facility-scene";
import { CONNECTOR_CSS, toCss, loadColor } from "./layout";

const GREY = "#5c6678";

/** every geometry, material and texture reachable from the scene (materials' maps included) */
function resources(s: FacilityScene): Set<BufferGeometry | Material | Texture> {
  const out = new Set<BufferGeometry | Material | Texture>();
  s.scene.traverse((o: Object3D) => {
    const m = o as Object3D & { geometry?: BufferGeometry; material?: Material | Material[] };
    if (m.geometry) out.add(m.geometry);
    for (const mat of m.material ? [m.material].flat() : []) {
      out.add(mat);
      for (const v of Object.values(mat)) if (v instanceof Texture) out.add(v);
    }
  });
  return out;
}

describe("FacilityScene", () => {
  it("a data centre: one instance per rack, grey until data comes, coloured by load or temperature", () => {
    const s = new FacilityScene({ kind: "datacentre", halls: 2, racks: 30 });
    expect(s.colors(64)).toEqual(Array(30).fill(GREY));
    const util = Array.from({ length: 20 }, (_, i) => i / 19);
    s.paintRacks(util, "load");
    const byLoad = s.colors(64);
    expect(byLoad[0]).toBe(toCss(loadColor(0)));
    expect(byLoad[19]).toBe(toCss(loadColor(1)));
    expect(byLoad.slice(20)).toEqual(Array(10).fill(GREY)); // racks without a value stay grey
    s.paintRacks(Array(30).fill(24), "temp");
    expect(new Set(s.colors(64)).size).toBe(1);
    expect(s.colors(64)[0]).not.toBe(GREY);
    expect(s.colors(5)).toHaveLength(5);
    s.paintConnectors(["fault"]); // not a station: nothing changes
    expect(s.colors(1)[0]).not.toBe(CONNECTOR_CSS.fault);
    s.paintRacks(null, "load");
    expect(s.colors(64)).toEqual(Array(30).fill(GREY));
    expect(s.size).toBeGreaterThan(6);
  });

  it("a station: one post per connector coloured by state, a battery gauge and a solar roof", () => {
    const s = new FacilityScene({ kind: "charger", connectors: 6, solarKwp: 120, storageKwh: 400 });
    expect(s.colors(64)).toEqual(Array(6).fill(GREY));
    s.paintConnectors(["charging", "idle", "fault", "offline"]);
    expect(s.colors(64)).toEqual([
      CONNECTOR_CSS.charging,
      CONNECTOR_CSS.idle,
      CONNECTOR_CSS.fault,
      CONNECTOR_CSS.offline,
      GREY,
      GREY,
    ]);
    s.paintRacks([1, 1, 1, 1, 1, 1], "load"); // not a data centre: nothing changes
    expect(s.colors(1)[0]).toBe(CONNECTOR_CSS.charging);
    // the gauge grows with the state of charge
    const gauge = () => {
      let y = NaN;
      s.scene.traverse((o) => {
        if (o instanceof Mesh && o.scale.y !== 1) y = o.scale.y;
      });
      return y;
    };
    expect(gauge()).toBeCloseTo(0.001);
    s.paintStation(50, 0.5);
    expect(gauge()).toBeCloseTo(1.1);
    s.paintStation(undefined, undefined);
    expect(gauge()).toBeCloseTo(0.001);
  });

  it("a 5G site: one beam per sector, fuller for a busier sector, faint without data", () => {
    const s = new FacilityScene({ kind: "site", heightM: 35, azimuths: [0, 120, 240], tiltDeg: 6 });
    const beams: MeshBasicMaterial[] = [];
    s.scene.traverse((o) => {
      if (o instanceof Mesh && o.geometry instanceof ConeGeometry) beams.push(o.material as MeshBasicMaterial);
    });
    expect(beams).toHaveLength(3);
    s.paintSectors([0, 1]);
    expect(beams.map((b) => b.opacity)).toEqual([0.1, 0.4, 0.08]);
    expect(s.colors(64)).toEqual([]); // nothing instanced
  });

  it("dispose frees every geometry, material and texture and empties the scene", () => {
    for (const spec of [
      { kind: "datacentre", halls: 3, racks: 120 },
      { kind: "site", heightM: 30, azimuths: [10, 130, 250], tiltDeg: 4 },
      { kind: "charger", connectors: 8, solarKwp: 200, storageKwh: 500 },
    ] as const) {
      const s = new FacilityScene(spec);
      const all = resources(s);
      expect(all.size).toBeGreaterThan(8);
      const freed = new Set<unknown>();
      for (const r of all) r.addEventListener("dispose", () => freed.add(r));
      let instanced = 0;
      s.scene.traverse((o) => void (o instanceof InstancedMesh && instanced++));
      expect(instanced).toBe(spec.kind === "site" ? 0 : spec.kind === "charger" ? 2 : 1);
      s.dispose();
      expect([...all].filter((r) => !freed.has(r))).toEqual([]);
      expect(s.scene.children).toHaveLength(0);
      expect(s.colors(64)).toEqual([]);
      s.paintRacks([1], "load"); // harmless after dispose
    }
  });
});
