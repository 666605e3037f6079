/**
 * The app's public surface for modes (command, planner, kiosk): the app's shape, the role token of this page and
 * the resilience helpers. Modes import from here, never from the app's other internals.
 */
export type { App, Shell } from "./types";
export { takeToken } from "./live-wiring";
export { installResilience, type Resilience } from "./resilience";
