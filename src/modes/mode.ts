/** The four ways the app runs: the default overview, the command-centre wall, the planner desk and the kiosk. */
export const MODES = ["default", "command", "planner", "kiosk"] as const;
export type Mode = (typeof MODES)[number];

export function parseMode(v: string | null): Mode {
  return (MODES as readonly string[]).includes(v ?? "") ? (v as Mode) : "default";
}
