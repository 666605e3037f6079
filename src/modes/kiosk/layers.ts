/**
 * What the kiosk shows: the live layers and the buildings, per chapter or by the visitor's layer buttons. The
 * kiosk's choice is kept here, so a scene rebuilt after a lost WebGL context shows the same layers (`reapply`).
 */
import type { App } from "../../app/mode-api";
import { LAYER_IDS, type LayerId } from "../../protocol/data";
import { uiStore } from "../../state/ui-store";
import type { Chapter } from "./story";

export type KioskLayerId = LayerId | "buildings";
/** the layer buttons, in order */
export const KIOSK_LAYERS: readonly KioskLayerId[] = [...LAYER_IDS, "buildings"];

type Twin = App["twin"];

export class KioskLayers {
  private readonly chosen = new Map<KioskLayerId, boolean>();

  /** `twin`: the app's current twin (a rebuild swaps it) */
  constructor(private readonly twin: () => Twin) {}

  isVisible(id: KioskLayerId): boolean {
    const chosen = this.chosen.get(id);
    if (chosen !== undefined) return chosen;
    const twin = this.twin();
    return id === "buildings" ? (twin.buildings?.show ?? true) : (twin.layer(id)?.visible ?? false);
  }

  set(id: KioskLayerId, visible: boolean): void {
    this.chosen.set(id, visible);
    show(this.twin(), id, visible);
  }

  /** the visitor's layer button */
  toggle(id: KioskLayerId): void {
    this.set(id, !this.isVisible(id));
    this.twin().scene.requestRender();
  }

  /** only the layers the chapter is about */
  showChapter(chapter: Chapter): void {
    for (const id of LAYER_IDS) this.set(id, chapter.layers.includes(id));
    this.set("buildings", chapter.buildings);
  }

  showAll(): void {
    for (const id of KIOSK_LAYERS) this.set(id, true);
  }

  /** after a rebuild: the new twin shows what the chapter or the visitor chose */
  reapply(): void {
    const twin = this.twin();
    for (const [id, visible] of this.chosen) show(twin, id, visible);
    twin.scene.requestRender();
  }
}

function show(twin: Twin, id: KioskLayerId, visible: boolean): void {
  if (id === "buildings") {
    // the tileset loads after the scene: it starts with the ui store's choice
    uiStore.setState({ buildingsVisible: visible });
    if (twin.buildings) twin.buildings.show = visible;
  } else twin.layer(id)?.setVisible(visible);
}
