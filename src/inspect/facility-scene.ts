/**
 * The scene of one facility and its live colouring: builds the model (./facility-models), paints racks, sectors,
 * connectors and the station's battery and solar roof from the detail stream, and frees every geometry, material
 * and texture it made on `dispose`.
 */
import {
  type BufferGeometry,
  Color,
  Fog,
  InstancedMesh,
  type Material,
  type Object3D,
  Scene,
  SRGBColorSpace,
  Texture,
  Vector3,
} from "three";
import { addLights, buildFacility, type FacilityModel, type FacilitySpec } from "./facility-models";
import { connectorColor, loadColor, tempColor, type ConnectorState, type Rgb } from "./layout";

const GREY: Rgb = [0.36, 0.4, 0.47];
export const NAVY = 0x04101f;

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

export class FacilityScene {
  readonly scene = new Scene();
  /** the facility's scale in metres (framing, fog, camera range) */
  readonly size: number;
  /** where the orbit turns around, and where the camera starts */
  readonly target: Vector3;
  readonly eye: Vector3;
  private model: FacilityModel | null;
  private readonly tmp = new Color();

  constructor(readonly spec: FacilitySpec) {
    this.scene.background = new Color(NAVY);
    addLights(this.scene);
    const model = buildFacility(this.scene, spec);
    this.model = model;
    this.size = model.size;
    this.target = new Vector3(...model.target);
    this.eye = new Vector3(...model.eye);
    this.scene.fog = new Fog(NAVY, model.size * 3, model.size * 8);
    this.paintInstances(() => GREY);
  }

  /** data centre: per-rack value (utilisation 0..1 or inlet °C), null = no data yet (grey) */
  paintRacks(values: ArrayLike<number> | null, by: "load" | "temp"): void {
    if (this.spec.kind !== "datacentre") return;
    const f = by === "temp" ? tempColor : loadColor;
    this.paintInstances((i) => (values && i < values.length ? f(values[i]) : GREY));
  }

  /** station: per-connector state, null = no data yet (grey) */
  paintConnectors(states: readonly ConnectorState[] | null): void {
    if (this.spec.kind !== "charger") return;
    this.paintInstances((i) => (states && i < states.length ? connectorColor(states[i]) : GREY));
  }

  /** 5G site: per-sector load 0..1 colours the panel and the beam (a fuller beam for a busier sector) */
  paintSectors(load: ArrayLike<number> | null): void {
    this.model?.sectors.forEach(({ panel, beam }, i) => {
      const v = load && i < load.length ? load[i] : NaN;
      const c = Number.isFinite(v) ? loadColor(v) : GREY;
      panel.color.setRGB(c[0], c[1], c[2], SRGBColorSpace);
      panel.emissive.setRGB(c[0] * 0.35, c[1] * 0.35, c[2] * 0.35, SRGBColorSpace);
      beam.color.setRGB(c[0], c[1], c[2], SRGBColorSpace);
      beam.opacity = Number.isFinite(v) ? 0.1 + 0.3 * clamp01(v) : 0.08;
    });
  }

  /** station: battery state of charge 0..100 and solar output as a fraction of peak */
  paintStation(socPct: number | undefined, solarFrac: number | undefined): void {
    const { socBar, solar } = this.model ?? {};
    if (socBar) {
      const s = socPct === undefined || !Number.isFinite(socPct) ? 0 : Math.min(100, Math.max(0, socPct)) / 100;
      socBar.scale.y = Math.max(0.001, s * 2.2);
      socBar.position.y = 0.1 + (s * 2.2) / 2;
    }
    if (solar)
      solar.emissiveIntensity =
        solarFrac === undefined || !Number.isFinite(solarFrac) ? 0 : 0.15 + 0.85 * clamp01(solarFrac);
  }

  /** CSS colours of the instanced objects (racks or connectors), in index order */
  colors(limit: number): string[] {
    const out: string[] = [];
    const mesh = this.model?.instanced;
    const a = mesh?.instanceColor?.array;
    if (!mesh || !a) return out;
    const c = new Color();
    for (let i = 0; i < Math.min(mesh.count, limit); i++) {
      c.setRGB(a[3 * i], a[3 * i + 1], a[3 * i + 2]); // linear working space
      out.push(`#${c.getHexString(SRGBColorSpace)}`);
    }
    return out;
  }

  /** frees every geometry, material and texture of the scene and empties it; the setters do nothing afterwards */
  dispose(): void {
    const geos = new Set<BufferGeometry>();
    const mats = new Set<Material>();
    this.scene.traverse((o: Object3D) => {
      const part = o as Object3D & {
        geometry?: BufferGeometry;
        material?: Material | Material[];
        dispose?: () => void;
      };
      if (part.geometry) geos.add(part.geometry);
      if (part.material) for (const mm of Array.isArray(part.material) ? part.material : [part.material]) mats.add(mm);
      if (o instanceof InstancedMesh) o.dispose();
      else if (typeof part.dispose === "function" && !(o instanceof Scene)) part.dispose(); // lights
    });
    for (const g of geos) g.dispose();
    for (const mm of mats) {
      for (const v of Object.values(mm)) if (v instanceof Texture) v.dispose();
      mm.dispose();
    }
    for (const t of this.model?.textures ?? []) t.dispose();
    this.scene.clear();
    this.model = null;
  }

  /** sets instance i's colour to colour(i) for every rack or connector, and flags the colours for upload */
  private paintInstances(colour: (i: number) => Rgb): void {
    const mesh = this.model?.instanced;
    if (!mesh) return;
    for (let i = 0; i < mesh.count; i++) {
      const c = colour(i);
      this.tmp.setRGB(c[0], c[1], c[2], SRGBColorSpace);
      mesh.setColorAt(i, this.tmp);
    }
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
  }
}
