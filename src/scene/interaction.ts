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
import { select, uiStore } from "../state/ui-store";
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

export function installInteraction(
  scene: Scene,
  layers: readonly Layer[],
  picker: ScenePicker,
  opts: InteractionOptions = {},
): { destroy(): void; setClickHandler(f: InteractionOptions["onClick"]): void } {
  const handler = new ScreenSpaceEventHandler(scene.canvas);
  let buttonDown = false;
  let cameraMoving = false;
  const offMoveStart = scene.camera.moveStart.addEventListener(() => (cameraMoving = true));
  const offMoveEnd = scene.camera.moveEnd.addEventListener(() => (cameraMoving = false));
  const interval = opts.hoverIntervalMs ?? 150;
  let onClick = opts.onClick;
  let lastHover = 0;
  let pending: Cartesian2 | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let hovered: PickRef | null = null;
  let hoveredFeature: Cesium3DTileFeature | null = null;
  let selectedFeature: Cesium3DTileFeature | null = null;
  const HOVER_B = Color.fromCssColorString("#ffffff").withAlpha(0.95);
  const SELECT_B = Color.fromCssColorString("#ffe066");

  const layerById = (id: string) => layers.find((l) => l.id === id);

  const doHover = () => {
    timer = null;
    if (!pending) return;
    if (buttonDown || cameraMoving) {
      // hover again once the drag or flight is over (the pending position is kept)
      timer = setTimeout(doHover, interval);
      return;
    }
    lastHover = performance.now();
    const pos = pending;
    pending = null;
    const picked = picker.pick(pos);
    const ref = resolvePick(layers, picked);
    if (hovered && (!ref || ref.layer !== hovered.layer || ref.index !== hovered.index))
      layerById(hovered.layer)?.highlight(null, "hover");
    if (ref) layerById(ref.layer)?.highlight(ref.index, "hover");
    hovered = ref;
    const feat = !ref && picked instanceof Cesium3DTileFeature ? picked : null;
    if (hoveredFeature !== feat) {
      if (hoveredFeature && hoveredFeature !== selectedFeature) resetFeature(hoveredFeature);
      if (feat && feat !== selectedFeature) feat.color = HOVER_B;
      hoveredFeature = feat;
    }
    scene.canvas.style.cursor = ref || feat ? "pointer" : "";
    scene.requestRender();
  };

  const resetFeature = (f: Cesium3DTileFeature) => {
    try {
      // restore the tileset style's colour
      const ts = f.tileset;
      f.color = ts.style ? ts.style.color!.evaluateColor(f, new Color()) : Color.WHITE;
    } catch {
      /* the tile may have been unloaded */
    }
  };

  handler.setInputAction((m: { endPosition: Cartesian2 }) => {
    pending = m.endPosition.clone();
    if (timer) return;
    const wait = Math.max(0, interval - (performance.now() - lastHover));
    timer = setTimeout(doHover, wait);
  }, ScreenSpaceEventType.MOUSE_MOVE);

  for (const [down, up] of [
    [ScreenSpaceEventType.LEFT_DOWN, ScreenSpaceEventType.LEFT_UP],
    [ScreenSpaceEventType.RIGHT_DOWN, ScreenSpaceEventType.RIGHT_UP],
    [ScreenSpaceEventType.MIDDLE_DOWN, ScreenSpaceEventType.MIDDLE_UP],
  ] as const) {
    handler.setInputAction(() => (buttonDown = true), down);
    handler.setInputAction(() => (buttonDown = false), up);
  }

  handler.setInputAction((m: { position: Cartesian2 }) => {
    const picked = picker.pick(m.position);
    if (onClick && onClick(m.position, picked)) return;
    const ref = resolvePick(layers, picked);
    if (selectedFeature) {
      resetFeature(selectedFeature);
      selectedFeature = null;
    }
    if (ref) {
      select({ kind: "object", layer: ref.layer, index: ref.index });
      return;
    }
    const b = buildingFromPick(picked);
    if (b && picked instanceof Cesium3DTileFeature) {
      selectedFeature = picked;
      picked.color = SELECT_B;
      select({ kind: "building", props: b });
      return;
    }
    select(null);
  }, ScreenSpaceEventType.LEFT_CLICK);

  // the selected object's highlight follows the store (search and alarms select too)
  let prevSel = uiStore.getState().selection;
  const unsub = uiStore.subscribe((s) => {
    const sel = s.selection;
    if (sel === prevSel) return;
    if (prevSel?.kind === "object") layerById(prevSel.layer)?.highlight(null, "select");
    if (sel?.kind === "object") layerById(sel.layer)?.highlight(sel.index, "select");
    if (sel?.kind !== "building" && selectedFeature) {
      resetFeature(selectedFeature);
      selectedFeature = null;
    }
    prevSel = sel;
    scene.requestRender();
  });

  return {
    destroy() {
      if (timer) clearTimeout(timer);
      offMoveStart();
      offMoveEnd();
      unsub();
      handler.destroy();
    },
    setClickHandler(f) {
      onClick = f;
    },
  };
}
