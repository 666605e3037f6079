/** Starts a mode's own panels and behaviour on top of the shared twin. Each mode is its own lazily loaded chunk. */
import type { App } from "../app/mode-api";
import type { Mode } from "./mode";

export async function startMode(mode: Mode, app: App): Promise<void> {
  switch (mode) {
    case "command":
      return (await import("./command/index")).startCommand(app);
    case "planner":
      return (await import("./planner/index")).startPlanner(app);
    case "kiosk":
      return (await import("./kiosk/index")).startKiosk(app);
    default:
      return;
  }
}
