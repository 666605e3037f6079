/** Planner mode — placeholder until its issue lands: the shared scene with the mode's name in the header. */
import type { App } from "../../app/main";

export function startPlanner(app: App): void {
  app.shell.root.dataset.modeReady = "planner";
}
