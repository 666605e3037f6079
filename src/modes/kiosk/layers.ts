/** What the kiosk shows: the live layers and the buildings, per chapter or by the visitor's layer buttons. */
import type { App } from "../../app/mode-api";
import { LAYER_IDS, type LayerId } from "../../protocol/data";
import type { Chapter } from "./story";

export type KioskLayerId = LayerId | "buildings";
/** the layer buttons, in order */
export const KIOSK_LAYERS: readonly KioskLayerId[] = [...LAYER_IDS, "buildings"];

export class KioskLayers {
  constructor(private readonly twin: App["twin"]) {}

  isVisible(id: KioskLayerId): boolean {
    return id === "buildings" ? (this.twin.buildings?.show ?? true) : (this.twin.layer(id)?.visible ?? false);
  }

  set(id: KioskLayerId, visible: boolean): void {
    if (id === "buildings") {
      if (this.twin.buildings) this.twin.buildings.show = visible;
    } else this.twin.layer(id)?.setVisible(visible);
  }

  /** the visitor's layer button */
  toggle(id: KioskLayerId): void {
    this.set(id, !this.isVisible(id));
    this.twin.scene.requestRender();
  }

  /** only the layers the chapter is about */
  showChapter(chapter: Chapter): void {
    for (const id of LAYER_IDS) this.set(id, chapter.layers.includes(id));
    this.set("buildings", chapter.buildings);
  }

  showAll(): void {
    for (const id of KIOSK_LAYERS) this.set(id, true);
  }
}
