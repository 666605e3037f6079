/**
 * Messages between the planner UI thread (coverage-client.ts) and the planner worker (coverage.worker.ts),
 * and the host that executes them (also usable in-process, e.g. in Node tests).
 */
import type { PlannerArea } from "../protocol/scenario";
import type { CandidateDelta } from "./candidates";
import type { CoverageParams } from "./coverage";
import { type PlannerInit, type PlannerSnapshot, PlannerSession } from "./session";
import type { SitingOptions, SitingResult } from "./siting";

/** Every method the worker serves: argument → result. */
export interface PlannerMethods {
  init: { arg: PlannerInit; result: { sites: number; buildings: number; districts: number } };
  setArea: { arg: { area: PlannerArea }; result: PlannerSnapshot };
  setParams: { arg: { params: Partial<CoverageParams> }; result: PlannerSnapshot };
  upsertCandidate: { arg: { candidate: unknown }; result: { snapshot: PlannerSnapshot; delta: CandidateDelta } };
  removeCandidate: { arg: { id: string }; result: PlannerSnapshot };
  setCandidates: { arg: { candidates: readonly unknown[] }; result: PlannerSnapshot };
  candidateDelta: { arg: { id: string }; result: CandidateDelta };
  propose: { arg: { options: Partial<SitingOptions> }; result: SitingResult };
}
export type PlannerMethod = keyof PlannerMethods;

export interface PlannerRequest<M extends PlannerMethod = PlannerMethod> {
  id: number;
  method: M;
  arg: PlannerMethods[M]["arg"];
}
export type PlannerResponse =
  | { id: number; ok: true; result: unknown; ms: number }
  | { id: number; ok: false; error: string };

/** Buffers of the typed arrays inside a result, to transfer rather than copy. */
export function transferablesOf(result: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number) => {
    if (!v || typeof v !== "object" || depth > 4) return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
      return;
    }
    if (Array.isArray(v)) return; // plain arrays hold no typed arrays in our results
    for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(result, 0);
  return [...out];
}

/** Executes planner requests against one PlannerSession. */
export class PlannerHost {
  private session: PlannerSession | null = null;

  handle(req: PlannerRequest): { response: PlannerResponse; transfer: ArrayBuffer[] } {
    const t0 = performance.now();
    try {
      const result = this.dispatch(req);
      return { response: { id: req.id, ok: true, result, ms: performance.now() - t0 }, transfer: transferablesOf(result) };
    } catch (e) {
      return { response: { id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }, transfer: [] };
    }
  }

  private s(): PlannerSession {
    if (!this.session) throw new Error("planner worker: init() first");
    return this.session;
  }

  private dispatch(req: PlannerRequest): unknown {
    switch (req.method) {
      case "init": {
        const a = req.arg as PlannerMethods["init"]["arg"];
        this.session = new PlannerSession(a);
        return { sites: a.sites.length, buildings: a.buildings?.length ?? 0, districts: a.districts?.length ?? 0 };
      }
      case "setArea":
        return this.s().setArea((req.arg as PlannerMethods["setArea"]["arg"]).area);
      case "setParams":
        return this.s().setParams((req.arg as PlannerMethods["setParams"]["arg"]).params);
      case "upsertCandidate":
        return this.s().upsertCandidate((req.arg as PlannerMethods["upsertCandidate"]["arg"]).candidate);
      case "removeCandidate":
        return this.s().removeCandidate((req.arg as PlannerMethods["removeCandidate"]["arg"]).id);
      case "setCandidates":
        return this.s().setCandidates((req.arg as PlannerMethods["setCandidates"]["arg"]).candidates);
      case "candidateDelta":
        return this.s().candidateDelta((req.arg as PlannerMethods["candidateDelta"]["arg"]).id);
      case "propose":
        return this.s().propose((req.arg as PlannerMethods["propose"]["arg"]).options);
      default:
        throw new Error(`planner worker: unknown method ${String((req as { method: unknown }).method)}`);
    }
  }
}
