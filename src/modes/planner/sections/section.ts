/**
 * The contract every planner desk-panel section implements. A section builds its DOM when constructed (mount),
 * re-renders from the controller's store in `update` only when its slice changed, and releases everything it
 * added (element, listeners, timers) in `destroy`. The panel composes sections; sections never know each other.
 */
import { addBanner } from "../../../state/ui-store";
import type { Candidate } from "../../../protocol/scenario";
import type { PlannerController, PlannerState } from "../controller";

export interface PanelHooks {
  flyToCandidate(c: Candidate): void;
  setHeatVisible(v: boolean): void;
  finishDrawing(): void;
  canWrite: boolean;
}

export interface PanelSection {
  readonly el: HTMLElement;
  /** `prev` is null on the first render after (re)mounting. */
  update(s: PlannerState, prev: PlannerState | null): void;
  destroy(): void;
}

/** What a section is given when mounted. */
export class SectionContext {
  constructor(
    readonly ctl: PlannerController,
    readonly hooks: PanelHooks,
  ) {}

  /** Runs a controller action; a rejection becomes the planner's error banner. */
  act(p: Promise<unknown>): void {
    void p.catch((e: unknown) =>
      addBanner({ id: "planner-action", level: "error", text: e instanceof Error ? e.message : String(e) }),
    );
  }
}

export type SectionFactory = (ctx: SectionContext) => PanelSection;
