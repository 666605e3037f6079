/**
 * Planner-mode state and actions (no DOM, no Cesium): drives the coverage worker (CoverageClient) and the
 * scenario REST API, keeps the latest snapshot, the last candidate delta, siting proposals, the scenario list
 * and import reports in one zustand store the panel and the globe layers subscribe to.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { CoverageClient } from "../../planner/coverage-client";
import { type CandidateDelta, makeCandidate } from "../../planner/candidates";
import type { CoverageKpis } from "../../planner/demand";
import { DEFAULT_LOSSES } from "../../planner/radio";
import type { RestoreOptions, RestoreResult } from "../../planner/restore";
import type { PlannerSnapshot, WeakSpot } from "../../planner/session";
import type { SitingProposal, SitingResult } from "../../planner/siting";
import { type KpiComparisonRow, compareScenarioKpis, flattenKpis } from "../../planner/scenario-kpis";
import type { ScenarioApi } from "../../planner/scenario-api";
import type { PlannerInit } from "../../planner/session";
import { scenarioToGeoJSON, geoJSONToCandidates } from "../../planner/io/geojson";
import { candidatesToCSV, csvToCandidates } from "../../planner/io/csv";
import type { ImportError } from "../../planner/io/common";
import type { Candidate, PlannerArea, ScenarioSummary } from "../../protocol/scenario";
import { type AnalysisForm, DEFAULT_ANALYSIS, analysisFromParams, mergeCandidates, scenarioParams } from "./forms";

export interface ImportReport {
  file: string;
  accepted: number;
  errors: ImportError[];
}

export interface PlannerState {
  ready: boolean;
  /** requests in flight (computing indicator) */
  busy: number;
  error: string | null;
  area: PlannerArea | null;
  analysis: AnalysisForm;
  snap: PlannerSnapshot | null;
  /** area KPIs before the last candidate edit (for the deltas) */
  before: CoverageKpis | null;
  lastDelta: CandidateDelta | null;
  selected: string | null;
  siting: { result: SitingResult; checked: string[] } | null;
  scenarios: ScenarioSummary[];
  current: { id: number; name: string } | null;
  compare: { a: string; b: string; rows: KpiComparisonRow[] } | null;
  importReport: ImportReport | null;
  /** vertices of a polygon being drawn, null when not drawing */
  drawing: [number, number][] | null;
  placeOnClick: boolean;
  /** last worker time, ms */
  workerMs: number;
  /** sites in fault / offline now (the live status), by id */
  outages: string[];
  /** sites out of service in the analysis (a restore run or a loaded outage scenario) */
  outOfService: string[];
  /** the last "restore coverage" answer (proposals scored against the outage) */
  restore: RestoreResult | null;
}

export interface DataUrls {
  sites: string;
  buildings: string;
  districts: string;
}

export type Store = StoreApi<PlannerState>;

/** The scenario REST client as the controller uses it (ScenarioApi, or an in-memory stand-in in tests). */
export type ScenarioStore = Pick<ScenarioApi, "list" | "get" | "create" | "update" | "remove">;

export class PlannerController {
  readonly store: Store;

  constructor(
    private client: CoverageClient,
    private api: ScenarioStore,
  ) {
    this.store = createStore<PlannerState>(() => ({
      ready: false,
      busy: 0,
      error: null,
      area: null,
      analysis: { ...DEFAULT_ANALYSIS },
      snap: null,
      before: null,
      lastDelta: null,
      selected: null,
      siting: null,
      scenarios: [],
      current: null,
      compare: null,
      importReport: null,
      drawing: null,
      placeOnClick: true,
      workerMs: 0,
      outages: [],
      outOfService: [],
      restore: null,
    }));
  }

  get state(): PlannerState {
    return this.store.getState();
  }
  private set(p: Partial<PlannerState>): void {
    this.store.setState(p);
  }

  /** Run one worker/API job with the computing indicator; errors go to `error` (and are rethrown). */
  private async run<T>(job: () => Promise<T>): Promise<T> {
    this.set({ busy: this.state.busy + 1, error: null });
    try {
      return await job();
    } catch (e) {
      this.set({ error: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      this.set({ busy: this.state.busy - 1, workerMs: this.client.lastWorkerMs });
    }
  }

  async init(urls: DataUrls): Promise<void> {
    await this.run(() => this.client.initFromUrls({ ...urls, params: this.coverageParams(this.state.analysis) }));
    this.set({ ready: true });
    void this.refreshScenarios().catch(() => undefined);
  }

  /** Initialise from data already in memory (tests; the app uses init(urls)). */
  async initData(data: PlannerInit): Promise<void> {
    await this.run(() =>
      this.client.init({ ...data, params: { ...data.params, ...this.coverageParams(this.state.analysis) } }),
    );
    this.set({ ready: true });
    void this.refreshScenarios().catch(() => undefined);
  }

  private coverageParams(a: AnalysisForm) {
    return {
      thresholds: { goodDbm: a.goodDbm, weakDbm: a.weakDbm },
      losses: { ...DEFAULT_LOSSES, penetrationDb: a.penetrationDb },
    };
  }

  private applySnap(snap: PlannerSnapshot, extra: Partial<PlannerState> = {}): void {
    const ids = new Set(snap.candidates.map((c) => c.id));
    const selected = this.state.selected && ids.has(this.state.selected) ? this.state.selected : null;
    this.set({ snap, selected, ...extra });
  }

  candidates(): Candidate[] {
    return this.state.snap?.candidates ?? [];
  }

  // ------------------------------------------------------------ area and parameters

  async setArea(area: PlannerArea): Promise<PlannerSnapshot> {
    const snap = await this.run(() => this.client.setArea(area));
    this.applySnap(snap, { area, before: null, lastDelta: null, siting: null, drawing: null, restore: null });
    return snap;
  }

  async setAnalysis(a: AnalysisForm): Promise<void> {
    this.set({ analysis: a });
    if (!this.state.area) return;
    const snap = await this.run(() => this.client.setParams(this.coverageParams(a)));
    this.applySnap(snap, { before: null, lastDelta: null, siting: null });
  }

  // ------------------------------------------------------------ candidates

  async place(lon: number, lat: number): Promise<Candidate> {
    const n = this.candidates().length + 1;
    const c = makeCandidate(lon, lat, { name: `C${n}` });
    await this.upsert(c);
    this.set({ selected: c.id });
    return c;
  }

  async upsert(c: Candidate): Promise<void> {
    const before = this.state.snap?.kpis.area ?? null;
    const { snapshot, delta } = await this.run(() => this.client.upsertCandidate(c));
    this.applySnap(snapshot, { before, lastDelta: delta });
  }

  /** A drag step: coalesced in the client; a superseded step resolves to nothing. */
  async drag(c: Candidate, before: CoverageKpis | null): Promise<void> {
    const r = await this.client.dragCandidate(c);
    if (r) this.applySnap(r.snapshot, { before, lastDelta: r.delta, workerMs: this.client.lastWorkerMs });
  }

  async remove(id: string): Promise<void> {
    const before = this.state.snap?.kpis.area ?? null;
    const snap = await this.run(() => this.client.removeCandidate(id));
    this.applySnap(snap, { before, lastDelta: null });
  }

  async replaceCandidates(list: readonly Candidate[]): Promise<void> {
    const before = this.state.snap?.kpis.area ?? null;
    const snap = await this.run(() => this.client.setCandidates(list));
    this.applySnap(snap, { before, lastDelta: null });
  }

  select(id: string | null): void {
    this.set({ selected: id });
  }

  async weakSpots(n = 10): Promise<WeakSpot[]> {
    return this.client.weakSpots(n);
  }

  // ------------------------------------------------------------ automatic siting

  async propose(o: { count: number; targetCoveredPct?: number }): Promise<SitingResult> {
    const result = await this.run(() => this.client.propose(o));
    this.set({ siting: { result, checked: result.proposals.map((p) => p.candidate.id) } });
    return result;
  }

  setChecked(id: string, on: boolean): void {
    const s = this.state.siting;
    if (!s) return;
    const checked = s.checked.filter((x) => x !== id);
    if (on) checked.push(id);
    this.set({ siting: { ...s, checked } });
  }

  /** Accept proposals into the scenario (they become candidates); the rest stay listed. */
  async accept(props: readonly SitingProposal[]): Promise<void> {
    const s = this.state.siting;
    if (!props.length) return;
    await this.replaceCandidates([...this.candidates(), ...props.map((p) => p.candidate)]);
    const taken = new Set(props.map((p) => p.candidate.id));
    const rest = s ? s.result.proposals.filter((p) => !taken.has(p.candidate.id)) : [];
    this.set({
      siting:
        s && rest.length
          ? { result: { ...s.result, proposals: rest }, checked: s.checked.filter((x) => !taken.has(x)) }
          : null,
    });
  }

  dismissProposals(): void {
    this.set({ siting: null });
  }

  // ------------------------------------------------------------ outages: restore coverage

  /** The live down set (fault / offline sites), kept current by the mode from the live store. */
  setOutages(ids: readonly string[]): void {
    const cur = this.state.outages;
    if (cur.length === ids.length && cur.every((x, i) => x === ids[i])) return;
    this.set({ outages: [...ids] });
  }

  /**
   * Restore coverage for the current outages: they go out of service, the area becomes the outage area and the
   * siting proposals (scored against the outage) are listed and drawn like any others.
   */
  async restoreCoverage(o: Partial<RestoreOptions> = {}): Promise<RestoreResult> {
    const down = this.state.outages;
    if (!down.length) throw new Error("restore coverage: no site is in fault or offline now");
    const { snapshot, restore } = await this.run(() => this.client.restoreCoverage(down, o));
    this.applySnap(snapshot, {
      area: restore.area,
      outOfService: [...down],
      restore,
      siting: {
        result: { ...restore.siting, proposals: restore.proposals },
        checked: restore.proposals.map((p) => p.candidate.id),
      },
      before: null,
      lastDelta: null,
      drawing: null,
    });
    return restore;
  }

  /** Take sites out of service (or back: []) in the current analysis. */
  async setOutOfService(ids: readonly string[]): Promise<void> {
    if (!this.state.area) throw new Error("choose an analysis area first");
    const snap = await this.run(() => this.client.setOutOfService(ids));
    this.applySnap(snap, { outOfService: [...ids], before: null, lastDelta: null, siting: null, restore: null });
  }

  /** Save the current outages as a scenario: those sites out of service (the outage area when no area is chosen). */
  async outagesToScenario(name: string): Promise<number> {
    const down = this.state.outages;
    if (!down.length) throw new Error("no site is in fault or offline now");
    if (!this.state.area) await this.restoreCoverage();
    else if (!sameIds(this.state.outOfService, down)) await this.setOutOfService(down);
    return this.save(name);
  }

  // ------------------------------------------------------------ scenarios

  async refreshScenarios(): Promise<ScenarioSummary[]> {
    const scenarios = await this.api.list();
    this.set({ scenarios });
    return scenarios;
  }

  async save(name: string): Promise<number> {
    const snap = this.state.snap;
    if (!snap || !this.state.area) throw new Error("choose an analysis area before saving a scenario");
    const oos = this.state.outOfService;
    const body = {
      name: name.trim(),
      candidates: snap.candidates,
      params: { ...scenarioParams(this.state.area, this.state.analysis), ...(oos.length ? { outOfService: oos } : {}) },
      kpis: flattenKpis(snap.kpis),
    };
    const cur = this.state.current;
    const rec = await this.run(() =>
      cur && cur.name === body.name ? this.api.update(cur.id, body) : this.api.create(body),
    );
    this.set({ current: { id: rec.id, name: rec.name } });
    await this.refreshScenarios();
    return rec.id;
  }

  /** Load a saved scenario: its area, thresholds and indoor loss, then its candidates. */
  async load(id: number): Promise<void> {
    const rec = await this.run(() => this.api.get(id));
    const analysis = analysisFromParams(rec.params);
    const area = rec.params.area ?? this.state.area;
    if (!area) throw new Error(`scenario ${rec.name} has no analysis area`);
    const a0 = this.state.analysis;
    if (!this.state.area || JSON.stringify(area) !== JSON.stringify(this.state.area)) await this.setArea(area);
    if (
      analysis.goodDbm !== a0.goodDbm ||
      analysis.weakDbm !== a0.weakDbm ||
      analysis.penetrationDb !== a0.penetrationDb
    )
      await this.setAnalysis(analysis);
    const oos = rec.params.outOfService ?? [];
    if (!sameIds(oos, this.state.outOfService)) await this.setOutOfService(oos);
    const snap = await this.run(() => this.client.setCandidates(rec.candidates));
    this.applySnap(snap, {
      current: { id: rec.id, name: rec.name },
      before: null,
      lastDelta: null,
      siting: null,
      selected: null,
    });
  }

  async deleteScenario(id: number): Promise<void> {
    await this.run(() => this.api.remove(id));
    if (this.state.current?.id === id) this.set({ current: null });
    await this.refreshScenarios();
  }

  async compare(a: number, b: number): Promise<KpiComparisonRow[]> {
    const [ra, rb] = await this.run(() => Promise.all([this.api.get(a), this.api.get(b)]));
    const rows = compareScenarioKpis(ra.kpis, rb.kpis);
    this.set({ compare: { a: ra.name, b: rb.name, rows } });
    return rows;
  }

  closeCompare(): void {
    this.set({ compare: null });
  }

  // ------------------------------------------------------------ import / export

  exportText(kind: "geojson" | "csv", name: string): string {
    const snap = this.state.snap;
    const candidates = snap?.candidates ?? [];
    if (kind === "csv") return candidatesToCSV(candidates);
    const fc = scenarioToGeoJSON({
      name,
      candidates,
      params: scenarioParams(this.state.area, this.state.analysis),
      kpis: snap ? flattenKpis(snap.kpis) : undefined,
    });
    return JSON.stringify(fc, null, 1);
  }

  /** Import GeoJSON or CSV text: valid candidates are merged (same id replaces), bad lines reported. */
  async importText(fileName: string, text: string): Promise<ImportReport> {
    const isCsv = /\.csv$/i.test(fileName) || (!/^\s*[{[]/.test(text) && /,/.test(text.split("\n")[0] ?? ""));
    const r = isCsv ? csvToCandidates(text) : geoJSONToCandidates(text);
    const report: ImportReport = { file: fileName, accepted: r.items.length, errors: r.errors };
    if (r.items.length) await this.replaceCandidates(mergeCandidates(this.candidates(), r.items));
    this.set({ importReport: report });
    return report;
  }

  dismissImport(): void {
    this.set({ importReport: null });
  }

  // ------------------------------------------------------------ drawing and clicks

  setPlaceOnClick(v: boolean): void {
    this.set({ placeOnClick: v });
  }
  startDrawing(): void {
    this.set({ drawing: [] });
  }
  addVertex(lon: number, lat: number): void {
    const d = this.state.drawing;
    if (d) this.set({ drawing: [...d, [lon, lat]] });
  }
  cancelDrawing(): void {
    this.set({ drawing: null });
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}
