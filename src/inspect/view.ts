/**
 * The three.js view of one facility (loaded lazily: this module and the scene modules it imports are the only ones
 * that import three). The scene itself — the model of a data centre, a 5G site or a super-charging station and its
 * live colouring — is ./facility-scene's; this is the renderer, the orbiting camera and the render scheduling.
 *
 * Renders on demand (orbit moves, data updates, resizes), never in a free-running loop. `dispose()` frees every
 * geometry, material and texture, the renderer and its WebGL context, the controls and the observers.
 */
import { PerspectiveCamera, SRGBColorSpace, WebGLRenderer } from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { FacilityScene } from "./facility-scene";
import type { FacilitySpec } from "./facility-models";
import type { ConnectorState } from "./layout";

export type { FacilitySpec } from "./facility-models";

export interface ViewInfo {
  memory: { geometries: number; textures: number };
  render: { frame: number; calls: number; triangles: number; lines: number; points: number };
  programs: number;
}

export interface FacilityView {
  readonly kind: FacilitySpec["kind"];
  /** data centre: per-rack value (utilisation 0..1 or inlet °C), null = no data yet (grey) */
  setRacks(values: ArrayLike<number> | null, by: "load" | "temp"): void;
  /** 5G site: per-sector load 0..1 */
  setSectors(load: ArrayLike<number> | null): void;
  /** station: per-connector state */
  setConnectors(states: readonly ConnectorState[] | null): void;
  /** station: battery state of charge 0..100 and solar output as a fraction of peak */
  setStation(socPct: number | undefined, solarFrac: number | undefined): void;
  info(): ViewInfo;
  /** CSS colours of the instanced objects (racks or connectors), in index order */
  colors(limit?: number): string[];
  /** frames actually rendered so far */
  frames(): number;
  /** free everything; returns renderer.info.memory measured after the scene was disposed and before the renderer was */
  dispose(): { geometries: number; textures: number };
}

export function createFacilityView(host: HTMLElement, spec: FacilitySpec): FacilityView {
  return new ThreeFacilityView(host, spec);
}

/**
 * Lifecycle: the constructor puts the canvas in `host`, builds the scene, the orbit controls and the resize
 * observer and asks for the first frame; the setters recolour the scene and ask for a frame; `dispose` undoes it all.
 */
class ThreeFacilityView implements FacilityView {
  readonly kind: FacilitySpec["kind"];
  private readonly renderer: WebGLRenderer;
  private readonly world: FacilityScene;
  private readonly camera = new PerspectiveCamera(45, 1, 0.5, 5000);
  private readonly controls: OrbitControls;
  private readonly resizer: ResizeObserver;
  private raf = 0;
  private drawn = 0;
  private disposed = false;

  constructor(
    private readonly host: HTMLElement,
    spec: FacilitySpec,
  ) {
    this.kind = spec.kind;
    this.renderer = this.createRenderer();
    this.world = new FacilityScene(spec);
    this.controls = this.createControls();
    this.resizer = new ResizeObserver(this.resize);
    this.resizer.observe(host);
    this.resize();
  }

  setRacks(values: ArrayLike<number> | null, by: "load" | "temp"): void {
    this.world.paintRacks(values, by);
    this.requestRender();
  }

  setSectors(load: ArrayLike<number> | null): void {
    this.world.paintSectors(load);
    this.requestRender();
  }

  setConnectors(states: readonly ConnectorState[] | null): void {
    this.world.paintConnectors(states);
    this.requestRender();
  }

  setStation(socPct: number | undefined, solarFrac: number | undefined): void {
    this.world.paintStation(socPct, solarFrac);
    this.requestRender();
  }

  info(): ViewInfo {
    const i = this.renderer.info;
    return {
      memory: { geometries: i.memory.geometries, textures: i.memory.textures },
      render: {
        frame: i.render.frame,
        calls: i.render.calls,
        triangles: i.render.triangles,
        lines: i.render.lines,
        points: i.render.points,
      },
      programs: i.programs?.length ?? 0,
    };
  }

  colors(limit = 64): string[] {
    return this.world.colors(limit);
  }

  frames(): number {
    return this.drawn;
  }

  dispose(): { geometries: number; textures: number } {
    if (this.disposed) return { geometries: 0, textures: 0 };
    this.disposed = true;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.resizer.disconnect();
    this.controls.removeEventListener("change", this.requestRender);
    this.controls.dispose();
    this.world.dispose();
    const { renderer } = this;
    const left = { geometries: renderer.info.memory.geometries, textures: renderer.info.memory.textures };
    renderer.renderLists.dispose();
    renderer.dispose();
    renderer.forceContextLoss();
    renderer.domElement.remove();
    return left;
  }

  private createRenderer(): WebGLRenderer {
    const renderer = new WebGLRenderer({
      antialias: false,
      powerPreference: "low-power",
      preserveDrawingBuffer: false,
    });
    renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 1.5));
    renderer.outputColorSpace = SRGBColorSpace;
    const canvas = renderer.domElement;
    canvas.className = "inspect-canvas";
    canvas.dataset.testid = "inspect-canvas";
    this.host.append(canvas);
    return renderer;
  }

  /** the camera at the model's viewpoint, orbiting its target (no pan, never below the ground) */
  private createControls(): OrbitControls {
    const { camera, world } = this;
    camera.position.copy(world.eye);
    camera.far = world.size * 12;
    const controls = new OrbitControls(camera, this.renderer.domElement);
    controls.target.copy(world.target);
    controls.enableDamping = false;
    controls.enablePan = false;
    controls.minDistance = world.size * 0.3;
    controls.maxDistance = world.size * 4;
    controls.maxPolarAngle = Math.PI * 0.48;
    controls.update();
    controls.addEventListener("change", this.requestRender);
    return controls;
  }

  /** one frame on the next animation frame (at most one pending) */
  private readonly requestRender = (): void => {
    if (!this.raf && !this.disposed) this.raf = requestAnimationFrame(this.renderNow);
  };

  private readonly renderNow = (): void => {
    this.raf = 0;
    if (this.disposed) return;
    this.renderer.render(this.world.scene, this.camera);
    this.drawn++;
  };

  private readonly resize = (): void => {
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  };
}
