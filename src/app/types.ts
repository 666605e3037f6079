/** What the booted app is made of: the shared twin, the page shell and the live binding, handed to modes. */
import type { SceneConfig } from "../config/schema";
import type { Mode } from "../modes/mode";
import type { LiveBinding } from "./live-wiring";
import type { Twin } from "./twin";
import type { Drawers } from "../ui/panels/drawers";

export interface App {
  mode: Mode;
  config: SceneConfig;
  twin: Twin;
  shell: Shell;
  live: LiveBinding | null;
}

export interface Shell {
  root: HTMLElement;
  globe: HTMLElement;
  top: HTMLElement;
  left: HTMLElement;
  right: HTMLElement;
  bottom: HTMLElement;
  overlay: HTMLElement;
  /** side panels as drawers on narrow screens (overview and planner; unused by the wall and the kiosk) */
  drawers: Drawers;
}
