/**
 * The three.js models of the drill-down's facilities, one builder per kind (only ./facility-scene imports this, and
 * only ./view imports that: three stays in the lazily loaded chunk). Each builder adds its objects to the scene and
 * returns the handles the live data recolours and the camera framing.
 *
 * Data centre = halls of racks (one InstancedMesh, one instance per rack); 5G site = mast + three sector antennas at
 * their true azimuth and downtilt with a beam per sector; super-charging station = canopy, solar roof, storage
 * battery with its state-of-charge gauge, one post per connector.
 */
import {
  AmbientLight,
  BoxGeometry,
  BufferGeometry,
  CanvasTexture,
  CircleGeometry,
  Color,
  ConeGeometry,
  CylinderGeometry,
  DirectionalLight,
  DoubleSide,
  DynamicDrawUsage,
  EdgesGeometry,
  Float32BufferAttribute,
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
  type Scene,
  SRGBColorSpace,
  Sprite,
  SpriteMaterial,
  type Texture,
} from "three";
import { RACK, connectorLayout, rackLayout, sectorDirection, type HallRect } from "./layout";

export type FacilitySpec =
  | { kind: "datacentre"; halls: number; racks: number }
  | { kind: "site"; heightM: number; azimuths: readonly number[]; tiltDeg: number }
  | { kind: "charger"; connectors: number; solarKwp: number; storageKwh: number };

type Xyz = readonly [number, number, number];

/** one sector antenna's panel and beam materials (coloured by the sector's load) */
export interface SectorMaterials {
  panel: MeshLambertMaterial;
  beam: MeshBasicMaterial;
}

export interface FacilityModel {
  /** the facility's scale in metres (framing, fog, camera range) */
  size: number;
  /** where the orbit turns around, and where the camera starts */
  target: Xyz;
  eye: Xyz;
  /** racks or connector posts, one coloured instance each (instanced.count of them) */
  instanced: InstancedMesh | null;
  sectors: SectorMaterials[];
  /** station: the battery's state-of-charge gauge and the solar roof's material */
  socBar: Mesh | null;
  solar: MeshLambertMaterial | null;
  /** textures made for the model (the north label) */
  textures: Texture[];
}

export function addLights(scene: Scene): void {
  scene.add(new HemisphereLight(0xbfe8ff, 0x0b1a30, 1.6));
  scene.add(new AmbientLight(0x2ad4ff, 0.25));
  const sun = new DirectionalLight(0xffffff, 1.6);
  sun.position.set(40, 80, 30);
  scene.add(sun);
}

export function buildFacility(scene: Scene, spec: FacilitySpec): FacilityModel {
  if (spec.kind === "datacentre") return buildDataCentre(scene, spec);
  if (spec.kind === "site") return buildSite(scene, spec);
  return buildCharger(scene, spec);
}

// ------------------------------------------------------------------ ground

/** the ground disc with a grid, a north arrow and an "N" label; returns the label's texture */
function addGround(scene: Scene, radius: number): Texture {
  const g = new Mesh(new CircleGeometry(radius, 48), new MeshLambertMaterial({ color: 0x0a2038 }));
  g.rotation.x = -Math.PI / 2;
  scene.add(g);
  const grid = new GridHelper(radius * 2, Math.max(4, Math.round(radius / 5)), 0x2ad4ff, 0x16405e);
  (grid.material as Material).transparent = true;
  (grid.material as Material).opacity = 0.35;
  grid.position.y = 0.02;
  scene.add(grid);
  const r = radius * 0.92;
  scene.add(northArrow(radius, r));
  const tex = northTexture();
  const label = new Sprite(new SpriteMaterial({ map: tex, transparent: true, depthWrite: false }));
  label.position.set(0, radius * 0.05, -r - radius * 0.14);
  label.scale.setScalar(radius * 0.1);
  scene.add(label);
  return tex;
}

function northArrow(radius: number, r: number): Mesh {
  const arrow = new BufferGeometry();
  const a = radius * 0.03;
  const tip = [0, 0.05, -r - radius * 0.06];
  arrow.setAttribute("position", new Float32BufferAttribute([...tip, -a, 0.05, -r + a, a, 0.05, -r + a], 3));
  return new Mesh(arrow, new MeshBasicMaterial({ color: 0x2ad4ff, side: DoubleSide }));
}

/** the "N" label: the one canvas texture of the view */
function northTexture(): CanvasTexture {
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
  return tex;
}

function emptyModel(size: number, target: Xyz, eye: Xyz, textures: Texture[]): FacilityModel {
  return { size, target, eye, instanced: null, sectors: [], socBar: null, solar: null, textures };
}

/** instance colours the live data rewrites (a fresh attribute, updated often) */
function dynamicColors(mesh: InstancedMesh, capacity: number): void {
  mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(capacity * 3), 3);
  mesh.instanceColor.setUsage(DynamicDrawUsage);
}

// ------------------------------------------------------------------ data centre

function buildDataCentre(scene: Scene, spec: Extract<FacilitySpec, { kind: "datacentre" }>): FacilityModel {
  const n = Math.max(0, spec.racks);
  const lay = rackLayout(n, spec.halls);
  const size = lay.extent + 6;
  const label = addGround(scene, size * 1.25);
  for (const hall of lay.halls) addHall(scene, hall);
  const racks = new InstancedMesh(
    new BoxGeometry(RACK.w * 0.92, RACK.h, RACK.d * 0.95),
    new MeshLambertMaterial({ color: 0xffffff }),
    Math.max(1, n),
  );
  racks.count = n;
  racks.instanceMatrix.setUsage(DynamicDrawUsage);
  const m = new Matrix4();
  for (let i = 0; i < n; i++) {
    m.makeTranslation(lay.xz[2 * i], 0.2 + RACK.h / 2, lay.xz[2 * i + 1]);
    racks.setMatrixAt(i, m);
  }
  dynamicColors(racks, Math.max(1, n));
  scene.add(racks);
  const model = emptyModel(size, [0, 1, 0], [size * 0.75, size * 1.05, size * 1.35], [label]);
  model.instanced = racks;
  return model;
}

/** a hall's floor slab and the outline of its walls */
function addHall(scene: Scene, hall: HallRect): void {
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

// ------------------------------------------------------------------ 5G site

function buildSite(scene: Scene, spec: Extract<FacilitySpec, { kind: "site" }>): FacilityModel {
  const h = Math.max(6, spec.heightM);
  const size = Math.max(30, h * 1.1);
  const label = addGround(scene, size);
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
  const model = emptyModel(size, [0, h * 0.55, 0], [size * 1.2, h * 1.15, size * 1.5], [label]);
  for (const az of spec.azimuths) {
    const { group, materials } = sectorAntenna(az, spec.tiltDeg, h, beamLen);
    scene.add(group);
    model.sectors.push(materials);
  }
  return model;
}

/** one sector: the panel at its azimuth and downtilt, and its beam */
function sectorAntenna(
  az: number,
  tiltDeg: number,
  h: number,
  beamLen: number,
): { group: Group; materials: SectorMaterials } {
  const g = new Group();
  g.rotation.order = "YXZ";
  g.rotation.y = (-az * Math.PI) / 180;
  g.rotation.x = (-tiltDeg * Math.PI) / 180;
  const d = sectorDirection(az, 0);
  g.position.set(d[0] * 1.3, h - 1.2, d[2] * 1.3);
  const panel = new MeshLambertMaterial({ color: 0xffffff, emissive: new Color(0x000000) });
  g.add(new Mesh(new BoxGeometry(0.5, 2.2, 0.22), panel));
  // the beam: a translucent cone along the boresight (local -z), apex at the panel
  const beam = new MeshBasicMaterial({
    color: 0xffffff,
    transparent: true,
    opacity: 0.22,
    depthWrite: false,
    side: DoubleSide,
  });
  const cone = new Mesh(new ConeGeometry(beamLen * Math.tan((32.5 * Math.PI) / 180), beamLen, 24, 1, true), beam);
  cone.rotation.x = Math.PI / 2; // cone tip (+y) -> +z: the tip sits at the panel, the cone opens along -z
  cone.position.z = -beamLen / 2 - 0.2;
  g.add(cone);
  return { group: g, materials: { panel, beam } };
}

// ------------------------------------------------------------------ super-charging station

const CANOPY_D = 10;

function buildCharger(scene: Scene, spec: Extract<FacilitySpec, { kind: "charger" }>): FacilityModel {
  const n = Math.max(1, spec.connectors);
  const W = Math.ceil(n / 2) * 3.2 + 4;
  const size = Math.max(24, W * 0.8);
  const label = addGround(scene, size * 1.2);
  addCanopy(scene, W, CANOPY_D);
  const model = emptyModel(size, [2, 2, 0], [size * 0.9, size * 0.75, size * 1.25], [label]);
  model.solar = addSolarRoof(scene, W, CANOPY_D);
  model.socBar = addBattery(scene, W / 2 + 5);
  model.instanced = addConnectorPosts(scene, n);
  return model;
}

/** four posts and the canopy roof */
function addCanopy(scene: Scene, W: number, D: number): void {
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
}

/** solar roof: panels on the canopy, glowing with the share of peak output; returns their material */
function addSolarRoof(scene: Scene, W: number, D: number): MeshLambertMaterial {
  const mat = new MeshLambertMaterial({ color: 0x1b3f8f, emissive: new Color(0x2a6cff), emissiveIntensity: 0 });
  const pw = 1.7;
  const pd = 1.0;
  const nx = Math.max(1, Math.floor((W - 1) / (pw + 0.15)));
  const nz = Math.max(1, Math.floor((D - 1) / (pd + 0.15)));
  const panels = new InstancedMesh(new BoxGeometry(pw, 0.08, pd), mat, nx * nz);
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
  return mat;
}

/** storage battery container beside the canopy; returns its state-of-charge gauge (empty) */
function addBattery(scene: Scene, x: number): Mesh {
  const batt = new Mesh(
    new BoxGeometry(6, 2.6, 2.4),
    new MeshLambertMaterial({ color: 0x3d5a73, transparent: true, opacity: 0.55 }),
  );
  batt.position.set(x, 1.3, 0);
  scene.add(batt);
  const gauge = new Mesh(
    new BoxGeometry(5.6, 1, 2.0),
    new MeshLambertMaterial({ color: 0x22d3a6, emissive: new Color(0x0a4a3a) }),
  );
  gauge.position.set(x, 0.5, 0);
  gauge.scale.y = 0.001;
  scene.add(gauge);
  return gauge;
}

/** connector posts (instanced, coloured by state) with their parking bays; returns the posts */
function addConnectorPosts(scene: Scene, n: number): InstancedMesh {
  const xz = connectorLayout(n);
  const posts = new InstancedMesh(new BoxGeometry(0.5, 1.8, 0.4), new MeshLambertMaterial({ color: 0xffffff }), n);
  dynamicColors(posts, n);
  const m = new Matrix4();
  const bayPos: number[] = [];
  for (let i = 0; i < n; i++) {
    m.makeTranslation(xz[2 * i], 0.9, xz[2 * i + 1]);
    posts.setMatrixAt(i, m);
    const x0 = xz[2 * i] - 1.3;
    const x1 = xz[2 * i] + 1.3;
    const zIn = xz[2 * i + 1];
    const zOut = zIn + (zIn < 0 ? -5.2 : 5.2);
    bayPos.push(x0, 0.04, zIn, x0, 0.04, zOut, x1, 0.04, zIn, x1, 0.04, zOut);
  }
  scene.add(posts);
  const bays = new BufferGeometry();
  bays.setAttribute("position", new Float32BufferAttribute(bayPos, 3));
  scene.add(new LineSegments(bays, new LineBasicMaterial({ color: 0xd8e6f0, transparent: true, opacity: 0.6 })));
  return posts;
}
