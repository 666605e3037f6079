/**
 * Mouse / touch picking: hover picks are throttled (picking on every mouse move stalls rendering, cesium #6817) and
 * wait while a button is held or the camera moves (a drag is not a hover: its picks would only delay the frames
 * that follow the camera); clicks pick once. Picks go through the ScenePicker (only pickable primitives take part).
 * Results are resolved to a layer object or a CIM building and written to the ui store.
 */
import {
  Cesium3DTileFeature,
  Color,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  type Cartesian2,
  type Scene,
} from "cesium";
import type { Layer, PickRef } from "../layers/types";
import { buildingFromPick } from "./buildings";
import { select, uiStore, type Selection } from "../state/ui-store";
import type { ScenePicker } from "./picking";

export interface InteractionOptions {
  hoverIntervalMs?: number;
  /** extra click handler (planner mode places candidates); return true to consume the click */
  onClick?: (pos: Cartesian2, picked: unknown) => boolean;
}

export function resolvePick(layers: readonly Layer[], picked: unknown): PickRef | null {
  for (const l of layers) {
    if (!l.visible) continue;
    const r = l.pick(picked);
    if (r) return r;
  }
  return null;
}

export interface Interaction {
  destroy(): void;
  setClickHandler(f: InteractionOptions["onClick"]): void;
}

export function installInteraction(
  scene: Scene,
  layers: readonly Layer[],
  picker: ScenePicker,
  opts: InteractionOptions = {},
): Interaction {
  return new SceneInteraction(scene, layers, picker, opts);
}

const HOVER_B = Color.fromCssColorString("#ffffff").withAlpha(0.95);
const SELECT_B = Color.fromCssColorString("#ffe066");

/** a building's colour back to its tileset style's */
function resetFeature(f: Cesium3DTileFeature): void {
  try {
    const ts = f.tileset;
    f.color = ts.style ? ts.style.color!.evaluateColor(f, new Color()) : Color.WHITE;
  } catch {
    /* the tile may have been unloaded */
  }
}

/**
 * The constructor attaches a screen-space handler (hover, buttons, click), the camera's move events and a store
 * subscription (the selection's highlight); `destroy` removes them and any pending hover.
 */
class SceneInteraction implements Interaction {
  private readonly handler: ScreenSpaceEventHandler;
  private readonly interval: number;
  private onClick: InteractionOptions["onClick"];
  private buttonDown = false;
  private cameraMoving = false;
  private lastHover = 0;
  private pending: Cartesian2 | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private hovered: PickRef | null = null;
  private hoveredFeature: Cesium3DTileFeature | null = null;
  private selectedFeature: Cesium3DTileFeature | null = null;
  private prevSel = uiStore.getState().selection;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly scene: Scene,
    private readonly layers: readonly Layer[],
    private readonly picker: ScenePicker,
    opts: InteractionOptions,
  ) {
    this.interval = opts.hoverIntervalMs ?? 150;
    this.onClick = opts.onClick;
    this.handler = new ScreenSpaceEventHandler(scene.canvas);
    this.offs.push(
      scene.camera.moveStart.addEventListener(() => (this.cameraMoving = true)),
      scene.camera.moveEnd.addEventListener(() => (this.cameraMoving = false)),
      // the selected object's highlight follows the store (search and alarms select too)
      uiStore.subscribe((st) => this.followSelection(st.selection)),
    );
    this.installInputs();
  }

  setClickHandler(f: InteractionOptions["onClick"]): void {
    this.onClick = f;
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const off of this.offs) off();
    this.handler.destroy();
  }

  private installInputs(): void {
    const { handler } = this;
    handler.setInputAction(
      (m: { endPosition: Cartesian2 }) => this.queueHover(m.endPosition),
      ScreenSpaceEventType.MOUSE_MOVE,
    );
    for (const [down, up] of [
      [ScreenSpaceEventType.LEFT_DOWN, ScreenSpaceEventType.LEFT_UP],
      [ScreenSpaceEventType.RIGHT_DOWN, ScreenSpaceEventType.RIGHT_UP],
      [ScreenSpaceEventType.MIDDLE_DOWN, ScreenSpaceEventType.MIDDLE_UP],
    ] as const) {
      handler.setInputAction(() => (this.buttonDown = true), down);
      handler.setInputAction(() => (this.buttonDown = false), up);
    }
    handler.setInputAction((m: { position: Cartesian2 }) => this.click(m.position), ScreenSpaceEventType.LEFT_CLICK);
  }

  private layerById(id: string): Layer | undefined {
    return this.layers.find((l) => l.id === id);
  }

  /** hover picks are throttled to one per interval; the latest position wins */
  private queueHover(pos: Cartesian2): void {
    this.pending = pos.clone();
    if (this.timer) return;
    const wait = Math.max(0, this.interval - (performance.now() - this.lastHover));
    this.timer = setTimeout(() => this.hover(), wait);
  }

  private hover(): void {
    this.timer = null;
    if (!this.pending) return;
    if (this.buttonDown || this.cameraMoving) {
      // hover again once the drag or flight is over (the pending position is kept)
      this.timer = setTimeout(() => this.hover(), this.interval);
      return;
    }
    this.lastHover = performance.now();
    const pos = this.pending;
    this.pending = null;
    const picked = this.picker.pick(pos);
    const ref = resolvePick(this.layers, picked);
    const { hovered } = this;
    const sameObject = hovered && ref && ref.layer === hovered.layer && ref.index === hovered.index;
    if (hovered && !sameObject) this.layerById(hovered.layer)?.highlight(null, "hover");
    if (ref) this.layerById(ref.layer)?.highlight(ref.index, "hover");
    this.hovered = ref;
    const feat = !ref && picked instanceof Cesium3DTileFeature ? picked : null;
    const changed = (hovered !== null || ref !== null) && !sameObject;
    const featureChanged = this.hoveredFeature !== feat;
    this.hoverFeature(feat);
    this.scene.canvas.style.cursor = ref || feat ? "pointer" : "";
    // a hover over the same object (or over nothing, again) changes nothing on screen: no frame for it
    if (changed || featureChanged) this.scene.requestRender();
  }

  private hoverFeature(feat: Cesium3DTileFeature | null): void {
    if (this.hoveredFeature === feat) return;
    if (this.hoveredFeature && this.hoveredFeature !== this.selectedFeature) resetFeature(this.hoveredFeature);
    if (feat && feat !== this.selectedFeature) feat.color = HOVER_B;
    this.hoveredFeature = feat;
  }

  private click(pos: Cartesian2): void {
    const picked = this.picker.pick(pos);
    if (this.onClick && this.onClick(pos, picked)) return;
    const ref = resolvePick(this.layers, picked);
    this.clearSelectedFeature();
    if (ref) {
      select({ kind: "object", layer: ref.layer, index: ref.index });
      return;
    }
    const b = buildingFromPick(picked);
    if (b && picked instanceof Cesium3DTileFeature) {
      this.selectedFeature = picked;
      picked.color = SELECT_B;
      select({ kind: "building", props: b });
      return;
    }
    select(null);
  }

  private clearSelectedFeature(): void {
    if (!this.selectedFeature) return;
    resetFeature(this.selectedFeature);
    this.selectedFeature = null;
  }

  private followSelection(sel: Selection): void {
    const prev = this.prevSel;
    if (sel === prev) return;
    if (prev?.kind === "object") this.layerById(prev.layer)?.highlight(null, "select");
    if (sel?.kind === "object") this.layerById(sel.layer)?.highlight(sel.index, "select");
    if (sel?.kind !== "building") this.clearSelectedFeature();
    this.prevSel = sel;
    this.scene.requestRender();
  }
}
