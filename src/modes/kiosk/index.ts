/** Kiosk mode — placeholder until its issue lands: the shared scene with the mode's name in the header. */
import type { App } from "../../app/main";

export function startKiosk(app: App): void {
  app.shell.root.dataset.modeReady = "kiosk";
}
