import { describe, expect, it } from "vitest";
import { makeCandidate } from "../../planner/candidates";
import {
  analysisFromParams,
  applyCandidateEdit,
  closeDrawnPolygon,
  distanceM,
  fileNameFor,
  fmtDistance,
  fmtInt,
  fmtSigned,
  mergeCandidates,
  parseAnalysisForm,
  parseNumber,
  pickProposals,
  scenarioParams,
} from "./forms";

describe("parseNumber", () => {
  it("accepts numbers in range, typographic minus and thousands separators", () => {
    expect(parseNumber(" −105 ", "goodDbm", -160, -30)).toEqual({ ok: true, value: -105 });
    expect(parseNumber("1,250", "x", 0, 2000)).toEqual({ ok: true, value: 1250 });
  });
  it("names the field and the reason", () => {
    expect(parseNumber("", "heightM", 3, 200)).toEqual({ ok: false, field: "heightM", reason: "required" });
    expect(parseNumber("abc", "heightM", 3, 200)).toMatchObject({
      ok: false,
      field: "heightM",
      reason: 'not a number: "abc"',
    });
    expect(parseNumber("250", "heightM", 3, 200)).toMatchObject({
      ok: false,
      reason: "must be between 3 and 200, got 250",
    });
  });
});

describe("parseAnalysisForm", () => {
  it("parses the defaults", () => {
    expect(parseAnalysisForm({ goodDbm: "-105", weakDbm: "-110", penetrationDb: "20" })).toEqual({
      value: { goodDbm: -105, weakDbm: -110, penetrationDb: 20 },
      errors: [],
    });
  });
  it("rejects weak above good and reports every bad field", () => {
    expect(parseAnalysisForm({ goodDbm: "-110", weakDbm: "-100", penetrationDb: "20" }).errors).toEqual([
      { field: "weakDbm", reason: "weak threshold (-100) must be ≤ good threshold (-110)" },
    ]);
    const r = parseAnalysisForm({ goodDbm: "x", weakDbm: "-110", penetrationDb: "99" });
    expect(r.value).toBeUndefined();
    expect(r.errors.map((e) => e.field)).toEqual(["goodDbm", "penetrationDb"]);
  });
});

describe("applyCandidateEdit", () => {
  const c = makeCandidate(119.3, 26.08, { id: "C-1" });
  it("edits height, tilt, power, band", () => {
    expect(applyCandidateEdit(c, "heightM", "45")).toMatchObject({ ok: true, value: { heightM: 45 } });
    expect(applyCandidateEdit(c, "tiltDeg", "-2")).toMatchObject({ ok: true, value: { tiltDeg: -2 } });
    expect(applyCandidateEdit(c, "txPowerDbm", "49")).toMatchObject({ ok: true, value: { txPowerDbm: 49 } });
    expect(applyCandidateEdit(c, "band", "n41")).toMatchObject({ ok: true, value: { band: "n41" } });
    expect(applyCandidateEdit(c, "band", "n99")).toMatchObject({ ok: false, field: "band" });
    expect(applyCandidateEdit(c, "tiltDeg", "31")).toMatchObject({
      ok: false,
      field: "tiltDeg",
      reason: "must be between -10 and 30, got 31",
    });
  });
  it("normalises azimuths into [0, 360) without touching the others", () => {
    const r = applyCandidateEdit(c, "az1", "-30");
    expect(r).toMatchObject({ ok: true, value: { azimuths: [0, 330, 240] } });
    expect(applyCandidateEdit(c, "az2", "370")).toMatchObject({ ok: true, value: { azimuths: [0, 120, 10] } });
    expect(applyCandidateEdit(c, "az0", "360")).toMatchObject({ ok: true, value: { azimuths: [0, 120, 240] } });
    expect(c.azimuths).toEqual([0, 120, 240]);
  });
  it("sets and clears the name", () => {
    const named = applyCandidateEdit(c, "name", "  屏山 ");
    expect(named).toMatchObject({ ok: true, value: { name: "屏山" } });
    const cleared = applyCandidateEdit((named as { value: typeof c }).value, "name", " ");
    expect(cleared.ok && "name" in cleared.value).toBe(false);
  });
});

describe("closeDrawnPolygon", () => {
  it("drops the double-click duplicate and closes the ring", () => {
    const pts: [number, number][] = [
      [119.29, 26.07],
      [119.31, 26.07],
      [119.31, 26.09],
      [119.31, 26.09000001],
    ];
    const r = closeDrawnPolygon(pts);
    expect(r).toEqual({
      ok: true,
      value: {
        kind: "polygon",
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [119.29, 26.07],
              [119.31, 26.07],
              [119.31, 26.09],
              [119.29, 26.07],
            ],
          ],
        },
      },
    });
  });
  it("needs three distinct vertices", () => {
    expect(
      closeDrawnPolygon([
        [119.29, 26.07],
        [119.29, 26.07],
        [119.3, 26.07],
      ]),
    ).toEqual({ ok: false, field: "polygon", reason: "needs at least 3 distinct vertices, got 2" });
  });
  it("distance: 0.01° of latitude ≈ 1112 m", () => {
    expect(distanceM([119.3, 26.0], [119.3, 26.01])).toBeCloseTo(1111.95, 1);
  });
});

describe("scenario helpers", () => {
  it("round-trips analysis params", () => {
    const p = scenarioParams({ kind: "district", name: "鼓楼区" }, { goodDbm: -100, weakDbm: -112, penetrationDb: 15 });
    expect(p).toEqual({ area: { kind: "district", name: "鼓楼区" }, goodDbm: -100, weakDbm: -112, penetrationDb: 15 });
    expect(analysisFromParams(p)).toEqual({ goodDbm: -100, weakDbm: -112, penetrationDb: 15 });
    expect(analysisFromParams({})).toEqual({ goodDbm: -105, weakDbm: -110, penetrationDb: 20 });
  });
  it("merges imports by id", () => {
    const a = makeCandidate(119.3, 26.0, { id: "A" }),
      b = makeCandidate(119.31, 26.0, { id: "B" });
    const b2 = { ...b, heightM: 50 },
      c = makeCandidate(119.32, 26.0, { id: "C" });
    expect(mergeCandidates([a, b], [b2, c]).map((x) => [x.id, x.heightM])).toEqual([
      ["A", 30],
      ["B", 50],
      ["C", 30],
    ]);
  });
  it("picks checked proposals in rank order", () => {
    const ps = [3, 1, 2].map((rank) => ({ rank, candidate: { id: `P${rank}` } }));
    expect(pickProposals(ps, new Set(["P3", "P1"])).map((p) => p.rank)).toEqual([1, 3]);
  });
  it("makes safe file names and formats numbers", () => {
    expect(fileNameFor(" 鼓楼 A/B: test ", "geojson")).toBe("鼓楼_A_B_test.geojson");
    expect(fileNameFor("///", "csv")).toBe("scenario.csv");
    expect(fmtInt(1234567.4)).toBe("1,234,567");
    expect(fmtSigned(1520)).toBe("+1,520");
    expect(fmtSigned(-3.456, 2)).toBe("-3.46");
    expect(fmtSigned(0.001, 2)).toBe("0.00");
    expect(fmtDistance(845.4)).toBe("845 m");
    expect(fmtDistance(1530)).toBe("1.53 km");
  });
});
