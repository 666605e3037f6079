/**
 * The three.js scene of one facility (loaded lazily: this module is the only one that imports three).
 * Data centre = halls of racks (one InstancedMesh, coloured per rack); 5G site = mast + three sector antennas at
 * their true azimuth and downtilt with a beam per sector; super-charging station = canopy, solar roof, storage
 * battery with its state of charge, one post per connector coloured by state.
 *
 * Renders on demand (orbit moves, data updates, resizes), never in a free-running loop. `dispose()` frees every
 * geometry, material and texture, the renderer and its WebGL context, the controls and the observers.
 */
import {
  AmbientLight,
  BoxGeometry,
  BufferGeometry,
  CanvasTexture,
  Color,
  ConeGeometry,
  CylinderGeometry,
  DirectionalLight,
  DynamicDrawUsage,
  EdgesGeometry,
  Float32BufferAttribute,
  Fog,
  GridHelper,
  Group,
  HemisphereLight,
  InstancedBufferAttribute,
  InstancedMesh,
  LineBasicMaterial,
  LineSegments,
  type Material,
  Matrix4,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  type Object3D,
  PerspectiveCamera,
  Scene,
  SRGBColorSpace,
  Sprite,
  SpriteMaterial,
  Texture,
  Vector3,
  WebGLRenderer,
  DoubleSide,
  CircleGeometry,
} from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import {
  RACK,
  connectorColor,
  connectorLayout,
  loadColor,
  rackLayout,
  sectorDirection,
  tempColor,
  type ConnectorState,
  type Rgb,
} from "./layout";

export type FacilitySpec =
  | { kind: "datacentre"; halls: number; racks: number }
  | { kind: "site"; heightM: number; azimuths: readonly number[]; tiltDeg: number }
  | { kind: "charger"; connectors: number; solarKwp: number; storageKwh: number };

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

const GREY: Rgb = [0.36, 0.4, 0.47];
const NAVY = 0x04101f;

export function createFacilityView(host: HTMLElement, spec: FacilitySpec): FacilityView {
  const renderer = new WebGLRenderer({ antialias: false, powerPreference: "low-power", preserveDrawingBuffer: false });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 1.5));
  renderer.outputColorSpace = SRGBColorSpace;
  const canvas = renderer.domElement;
  canvas.className = "inspect-canvas";
  canvas.dataset.testid = "inspect-canvas";
  host.append(canvas);

  const scene = new Scene();
  scene.background = new Color(NAVY);
  const camera = new PerspectiveCamera(45, 1, 0.5, 5000);
  const textures: Texture[] = [];

  scene.add(new HemisphereLight(0xbfe8ff, 0x0b1a30, 1.6));
  scene.add(new AmbientLight(0x2ad4ff, 0.25));
  const sun = new DirectionalLight(0xffffff, 1.6);
  sun.position.set(40, 80, 30);
  scene.add(sun);

  let instanced: InstancedMesh | null = null;
  let instanceCount = 0;
  let sectorMats: MeshLambertMaterial[] = [];
  let beamMats: MeshBasicMaterial[] = [];
  let socBar: Mesh | null = null;
  let solarMat: MeshLambertMaterial | null = null;
  let size = 50;
  const target = new Vector3();

  const tmpColor = new Color();
  const setInstance = (i: number, c: Rgb) => {
    if (!instanced) return;
    tmpColor.setRGB(c[0], c[1], c[2], SRGBColorSpace);
    instanced.setColorAt(i, tmpColor);
  };

  const ground = (radius: number) => {
    const g = new Mesh(new CircleGeometry(radius, 48), new MeshLambertMaterial({ color: 0x0a2038 }));
    g.rotation.x = -Math.PI / 2;
    scene.add(g);
    const grid = new GridHelper(radius * 2, Math.max(4, Math.round(radius / 5)), 0x2ad4ff, 0x16405e);
    (grid.material as Material).transparent = true;
    (grid.material as Material).opacity = 0.35;
    grid.position.y = 0.02;
    scene.add(grid);
    // a north arrow and an "N" label (the label is the one canvas texture of the view)
    const arrow = new BufferGeometry();
    const r = radius * 0.92;
    arrow.setAttribute(
      "position",
      new Float32BufferAttribute(
        [
          0,
          0.05,
          -r - radius * 0.06,
          -radius * 0.03,
          0.05,
          -r + radius * 0.03,
          radius * 0.03,
          0.05,
          -r + radius * 0.03,
        ],
        3,
      ),
    );
    scene.add(new Mesh(arrow, new MeshBasicMaterial({ color: 0x2ad4ff, side: DoubleSide })));
    const c = document.createElement("canvas");
    c.width = c.height = 64;
    const ctx = c.getContext("2d");
    if (ctx) {
      ctx.fillStyle = "#2ad4ff";
      ctx.font = "bold 44px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText("N", 32, 34);
    }
    const tex = new CanvasTexture(c);
    tex.colorSpace = SRGBColorSpace;
    textures.push(tex);
    const label = new Sprite(new SpriteMaterial({ map: tex, transparent: true, depthWrite: false }));
    label.position.set(0, radius * 0.05, -r - radius * 0.14);
    label.scale.setScalar(radius * 0.1);
    scene.add(label);
  };

  if (spec.kind === "datacentre") {
    const n = Math.max(0, spec.racks);
    const lay = rackLayout(n, spec.halls);
    size = lay.extent + 6;
    ground(size * 1.25);
    for (const hall of lay.halls) {
      const slab = new Mesh(new BoxGeometry(hall.w, 0.2, hall.d), new MeshLambertMaterial({ color: 0x123a5c }));
      slab.position.set(hall.x, 0.1, hall.z);
      scene.add(slab);
      const box = new BoxGeometry(hall.w, 3.6, hall.d);
      const edges = new LineSegments(
        new EdgesGeometry(box),
        new LineBasicMaterial({ color: 0x2ad4ff, transparent: true, opacity: 0.7 }),
      );
      box.dispose();
      edges.position.set(hall.x, 1.9, hall.z);
      scene.add(edges);
    }
    const geo = new BoxGeometry(RACK.w * 0.92, RACK.h, RACK.d * 0.95);
    instanced = new InstancedMesh(geo, new MeshLambertMaterial({ color: 0xffffff }), Math.max(1, n));
    instanced.count = n;
    instanced.instanceMatrix.setUsage(DynamicDrawUsage);
    const m = new Matrix4();
    for (let i = 0; i < n; i++) {
      m.makeTranslation(lay.xz[2 * i], 0.2 + RACK.h / 2, lay.xz[2 * i + 1]);
      instanced.setMatrixAt(i, m);
    }
    instanced.instanceColor = new InstancedBufferAttribute(new Float32Array(Math.max(1, n) * 3), 3);
    instanced.instanceColor.setUsage(DynamicDrawUsage);
    instanceCount = n;
    for (let i = 0; i < n; i++) setInstance(i, GREY);
    scene.add(instanced);
    target.set(0, 1, 0);
    camera.position.set(size * 0.75, size * 1.05, size * 1.35);
  } else if (spec.kind === "site") {
    const h = Math.max(6, spec.heightM);
    size = Math.max(30, h * 1.1);
    ground(size);
    const mastMat = new MeshLambertMaterial({ color: 0x9fb6c8 });
    const mast = new Mesh(new CylinderGeometry(0.35, 0.6, h, 12), mastMat);
    mast.position.y = h / 2;
    scene.add(mast);
    const cab = new Mesh(new BoxGeometry(2.4, 2, 1.6), new MeshLambertMaterial({ color: 0x35516b }));
    cab.position.set(2.6, 1, 1.6);
    scene.add(cab);
    const ring = new Mesh(new CylinderGeometry(1.4, 1.4, 0.15, 24), mastMat);
    ring.position.y = h - 1.2;
    scene.add(ring);
    const beamLen = Math.max(18, h * 0.9);
    spec.azimuths.forEach((az) => {
      const g = new Group();
      g.rotation.order = "YXZ";
      g.rotation.y = (-az * Math.PI) / 180;
      g.rotation.x = (-spec.tiltDeg * Math.PI) / 180;
      const d = sectorDirection(az, 0);
      g.position.set(d[0] * 1.3, h - 1.2, d[2] * 1.3);
      const mat = new MeshLambertMaterial({ color: 0xffffff, emissive: new Color(0x000000) });
      const panel = new Mesh(new BoxGeometry(0.5, 2.2, 0.22), mat);
      g.add(panel);
      // the beam: a translucent cone along the boresight (local -z), apex at the panel
      const beamMat = new MeshBasicMaterial({
        color: 0xffffff,
        transparent: true,
        opacity: 0.22,
        depthWrite: false,
        side: DoubleSide,
      });
      const cone = new Mesh(
        new ConeGeometry(beamLen * Math.tan((32.5 * Math.PI) / 180), beamLen, 24, 1, true),
        beamMat,
      );
      cone.rotation.x = Math.PI / 2; // cone tip (+y) -> +z: the tip sits at the panel, the cone opens along -z
      cone.position.z = -beamLen / 2 - 0.2;
      g.add(cone);
      scene.add(g);
      sectorMats.push(mat);
      beamMats.push(beamMat);
    });
    target.set(0, h * 0.55, 0);
    camera.position.set(size * 1.2, h * 1.15, size * 1.5);
  } else {
    const n = Math.max(1, spec.connectors);
    const xz = connectorLayout(n);
    const perRow = Math.ceil(n / 2);
    const W = perRow * 3.2 + 4;
    const D = 10;
    size = Math.max(24, W * 0.8);
    ground(size * 1.2);
    const postMat = new MeshLambertMaterial({ color: 0x9fb6c8 });
    const postGeo = new CylinderGeometry(0.18, 0.18, 5.4, 8);
    for (const [px, pz] of [
      [-W / 2 + 0.5, -D / 2 + 0.5],
      [W / 2 - 0.5, -D / 2 + 0.5],
      [-W / 2 + 0.5, D / 2 - 0.5],
      [W / 2 - 0.5, D / 2 - 0.5],
    ]) {
      const p = new Mesh(postGeo, postMat);
      p.position.set(px, 2.7, pz);
      scene.add(p);
    }
    const canopy = new Mesh(new BoxGeometry(W, 0.35, D), new MeshLambertMaterial({ color: 0xd8e6f0 }));
    canopy.position.y = 5.55;
    scene.add(canopy);
    // solar roof: panels on the canopy, glowing with the share of peak output
    solarMat = new MeshLambertMaterial({ color: 0x1b3f8f, emissive: new Color(0x2a6cff), emissiveIntensity: 0 });
    const pw = 1.7;
    const pd = 1.0;
    const nx = Math.max(1, Math.floor((W - 1) / (pw + 0.15)));
    const nz = Math.max(1, Math.floor((D - 1) / (pd + 0.15)));
    const panels = new InstancedMesh(new BoxGeometry(pw, 0.08, pd), solarMat, nx * nz);
    const m = new Matrix4();
    let k = 0;
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < nz; j++) {
        m.makeTranslation(
          -((nx - 1) * (pw + 0.15)) / 2 + i * (pw + 0.15),
          5.77,
          -((nz - 1) * (pd + 0.15)) / 2 + j * (pd + 0.15),
        );
        panels.setMatrixAt(k++, m);
      }
    scene.add(panels);
    // storage battery container beside the canopy with a state-of-charge gauge
    const bx = W / 2 + 5;
    const batt = new Mesh(
      new BoxGeometry(6, 2.6, 2.4),
      new MeshLambertMaterial({ color: 0x3d5a73, transparent: true, opacity: 0.55 }),
    );
    batt.position.set(bx, 1.3, 0);
    scene.add(batt);
    socBar = new Mesh(
      new BoxGeometry(5.6, 1, 2.0),
      new MeshLambertMaterial({ color: 0x22d3a6, emissive: new Color(0x0a4a3a) }),
    );
    socBar.position.set(bx, 0.5, 0);
    socBar.scale.y = 0.001;
    scene.add(socBar);
    // connector posts (instanced, coloured by state) with their parking bays
    instanced = new InstancedMesh(new BoxGeometry(0.5, 1.8, 0.4), new MeshLambertMaterial({ color: 0xffffff }), n);
    instanced.instanceColor = new InstancedBufferAttribute(new Float32Array(n * 3), 3);
    instanced.instanceColor.setUsage(DynamicDrawUsage);
    const bayPos: number[] = [];
    for (let i = 0; i < n; i++) {
      m.makeTranslation(xz[2 * i], 0.9, xz[2 * i + 1]);
      instanced.setMatrixAt(i, m);
      const x0 = xz[2 * i] - 1.3;
      const x1 = xz[2 * i] + 1.3;
      const zIn = xz[2 * i + 1];
      const zOut = zIn + (zIn < 0 ? -5.2 : 5.2);
      bayPos.push(x0, 0.04, zIn, x0, 0.04, zOut, x1, 0.04, zIn, x1, 0.04, zOut);
    }
    instanceCount = n;
    for (let i = 0; i < n; i++) setInstance(i, GREY);
    scene.add(instanced);
    const bays = new BufferGeometry();
    bays.setAttribute("position", new Float32BufferAttribute(bayPos, 3));
    scene.add(new LineSegments(bays, new LineBasicMaterial({ color: 0xd8e6f0, transparent: true, opacity: 0.6 })));
    target.set(2, 2, 0);
    camera.position.set(size * 0.9, size * 0.75, size * 1.25);
  }
  scene.fog = new Fog(NAVY, size * 3, size * 8);
  camera.far = size * 12;

  const controls = new OrbitControls(camera, canvas);
  controls.target.copy(target);
  controls.enableDamping = false;
  controls.enablePan = false;
  controls.minDistance = size * 0.3;
  controls.maxDistance = size * 4;
  controls.maxPolarAngle = Math.PI * 0.48;
  controls.update();

  let raf = 0;
  let frames = 0;
  let disposed = false;
  const renderNow = () => {
    raf = 0;
    if (disposed) return;
    renderer.render(scene, camera);
    frames++;
  };
  const requestRender = () => {
    if (!raf && !disposed) raf = requestAnimationFrame(renderNow);
  };
  controls.addEventListener("change", requestRender);

  const resize = () => {
    const w = Math.max(1, host.clientWidth);
    const h = Math.max(1, host.clientHeight);
    renderer.setSize(w, h, false);
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
    requestRender();
  };
  const ro = new ResizeObserver(resize);
  ro.observe(host);
  resize();

  const view: FacilityView = {
    kind: spec.kind,
    setRacks(values, by) {
      if (!instanced || spec.kind !== "datacentre") return;
      const f = by === "temp" ? tempColor : loadColor;
      for (let i = 0; i < instanceCount; i++) setInstance(i, values && i < values.length ? f(values[i]) : GREY);
      if (instanced.instanceColor) instanced.instanceColor.needsUpdate = true;
      requestRender();
    },
    setSectors(load) {
      sectorMats.forEach((mat, i) => {
        const v = load && i < load.length ? load[i] : NaN;
        const c = Number.isFinite(v) ? loadColor(v) : GREY;
        mat.color.setRGB(c[0], c[1], c[2], SRGBColorSpace);
        mat.emissive.setRGB(c[0] * 0.35, c[1] * 0.35, c[2] * 0.35, SRGBColorSpace);
        beamMats[i].color.setRGB(c[0], c[1], c[2], SRGBColorSpace);
        beamMats[i].opacity = Number.isFinite(v) ? 0.1 + 0.3 * Math.min(1, Math.max(0, v)) : 0.08;
      });
      requestRender();
    },
    setConnectors(states) {
      if (!instanced || spec.kind !== "charger") return;
      for (let i = 0; i < instanceCount; i++)
        setInstance(i, states && i < states.length ? connectorColor(states[i]) : GREY);
      if (instanced.instanceColor) instanced.instanceColor.needsUpdate = true;
      requestRender();
    },
    setStation(soc, solarFrac) {
      if (socBar) {
        const s = soc === undefined || !Number.isFinite(soc) ? 0 : Math.min(100, Math.max(0, soc)) / 100;
        socBar.scale.y = Math.max(0.001, s * 2.2);
        socBar.position.y = 0.1 + (s * 2.2) / 2;
      }
      if (solarMat)
        solarMat.emissiveIntensity =
          solarFrac === undefined || !Number.isFinite(solarFrac)
            ? 0
            : 0.15 + 0.85 * Math.min(1, Math.max(0, solarFrac));
      requestRender();
    },
    info() {
      const i = renderer.info;
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
    },
    colors(limit = 64) {
      const out: string[] = [];
      const a = instanced?.instanceColor?.array;
      if (!a) return out;
      const c = new Color();
      for (let i = 0; i < Math.min(instanceCount, limit); i++) {
        c.setRGB(a[3 * i], a[3 * i + 1], a[3 * i + 2]); // linear working space
        out.push(`#${c.getHexString(SRGBColorSpace)}`);
      }
      return out;
    },
    frames: () => frames,
    dispose() {
      if (disposed) return { geometries: 0, textures: 0 };
      disposed = true;
      if (raf) cancelAnimationFrame(raf);
      raf = 0;
      ro.disconnect();
      controls.removeEventListener("change", requestRender);
      controls.dispose();
      const geos = new Set<BufferGeometry>();
      const mats = new Set<Material>();
      scene.traverse((o: Object3D) => {
        const any = o as Object3D & {
          geometry?: BufferGeometry;
          material?: Material | Material[];
          dispose?: () => void;
        };
        if (any.geometry) geos.add(any.geometry);
        if (any.material) for (const mm of Array.isArray(any.material) ? any.material : [any.material]) mats.add(mm);
        if (o instanceof InstancedMesh) o.dispose();
        else if (typeof any.dispose === "function" && !(o instanceof Scene)) any.dispose(); // lights
      });
      for (const g of geos) g.dispose();
      for (const mm of mats) {
        for (const v of Object.values(mm)) if (v instanceof Texture) v.dispose();
        mm.dispose();
      }
      for (const t of textures) t.dispose();
      scene.clear();
      instanced = null;
      sectorMats = [];
      beamMats = [];
      socBar = null;
      solarMat = null;
      const left = { geometries: renderer.info.memory.geometries, textures: renderer.info.memory.textures };
      renderer.renderLists.dispose();
      renderer.dispose();
      renderer.forceContextLoss();
      canvas.remove();
      return left;
    },
  };
  return view;
}
