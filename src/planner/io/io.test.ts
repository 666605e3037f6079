import { describe, expect, it } from "vitest";
import type { Candidate } from "../../protocol/scenario";
import { candidatesToCSV, csvToCandidates } from "./csv";
import { geoJSONToCandidates, scenarioToGeoJSON } from "./geojson";

const cands: Candidate[] = [
  {
    id: "C-1",
    name: "东街口, rooftop",
    lon: 119.3,
    lat: 26.087,
    heightM: 33,
    azimuths: [10, 130, 250],
    tiltDeg: 6,
    txPowerDbm: 53,
    band: "n78",
    source: "manual",
  },
  {
    id: "AUTO-2",
    lon: 119.3105,
    lat: 26.044,
    heightM: 28.5,
    azimuths: [0, 120, 240],
    tiltDeg: -2,
    txPowerDbm: 49.5,
    band: "n28",
    source: "auto",
  },
];

describe("GeoJSON", () => {
  it("round-trips a scenario exactly", () => {
    const fc = scenarioToGeoJSON({
      name: "A",
      candidates: cands,
      params: { cellSizeM: 50, area: { kind: "district", name: "鼓楼区" } },
      kpis: { coveredPct: 97.5 },
    });
    expect(fc.features[0].geometry).toEqual({ type: "Point", coordinates: [119.3, 26.087] });
    const back = geoJSONToCandidates(JSON.stringify(fc));
    expect(back.errors).toEqual([]);
    expect(back.items).toEqual(cands);
    expect(back.name).toBe("A");
    expect(back.params?.cellSizeM).toBe(50);
    expect(back.kpis).toEqual({ coveredPct: 97.5 });
  });
  it("rejects bad features by number and field, keeps the good ones, fills defaults", () => {
    const fc = {
      type: "FeatureCollection",
      features: [
        { type: "Feature", geometry: { type: "Point", coordinates: [119.3, 26.08] }, properties: { id: "ok" } },
        {
          type: "Feature",
          geometry: {
            type: "LineString",
            coordinates: [
              [0, 0],
              [1, 1],
            ],
          },
          properties: {},
        },
        { type: "Feature", geometry: { type: "Point", coordinates: [119.3, 126] }, properties: { tiltDeg: 45 } },
        { type: "Feature", geometry: { type: "Point", coordinates: [119.31, 26.08] }, properties: { id: "ok" } },
        {
          type: "Feature",
          id: 7,
          geometry: { type: "Point", coordinates: [119.32, 26.08] },
          properties: { band: "n78" },
        },
      ],
    };
    const r = geoJSONToCandidates(fc);
    expect(r.items.map((c) => c.id)).toEqual(["ok", "7"]);
    expect(r.items[0]).toMatchObject({ heightM: 30, azimuths: [0, 120, 240], band: "n78", source: "import" });
    expect(r.errors).toContainEqual({
      line: 2,
      field: "geometry",
      reason: "expected a Point geometry, got LineString",
    });
    expect(
      r.errors
        .filter((e) => e.line === 3)
        .map((e) => e.field)
        .sort(),
    ).toEqual(["lat", "tiltDeg"]);
    expect(r.errors).toContainEqual({ line: 4, field: "id", reason: "duplicate id ok (first on line 1)" });
    expect(geoJSONToCandidates("{oops").errors[0]).toMatchObject({ line: 0, field: "(file)" });
    expect(geoJSONToCandidates({ type: "Feature" }).errors[0].field).toBe("type");
  });
});

describe("CSV", () => {
  it("round-trips, quoting names with commas", () => {
    const text = candidatesToCSV(cands);
    expect(text.split("\n")[0]).toBe(
      "id,name,lon,lat,heightM,azimuth1,azimuth2,azimuth3,tiltDeg,txPowerDbm,band,source",
    );
    expect(text).toContain('"东街口, rooftop"');
    const back = csvToCandidates(text);
    expect(back.errors).toEqual([]);
    expect(back.items).toEqual(cands);
  });
  it("rejects bad lines with line-level reasons and keeps valid lines (BOM, CRLF, blank lines)", () => {
    const text =
      "\ufeffid,lon,lat,heightM,azimuth1,azimuth2,azimuth3,band,extra\r\n" + // line 1
      "a,119.30,26.08,30,0,120,240,n78,x\r\n" + // 2 ok
      "b,119.31,abc,30,0,120,240,n78,x\r\n" + // 3 lat not a number
      "\r\n" + // 4 blank
      "c,119.32,26.08,500,0,120,240,n78,x\r\n" + // 5 height too big
      "d,119.33,26.08,30,0,120,,n78,x\r\n" + // 6 partial azimuths
      "e,119.34,26.08,30,0,120,240,n99,x\r\n" + // 7 bad band
      "a,119.35,26.08,30,0,120,240,n78,x\r\n" + // 8 duplicate id
      "f,119.36,26.08\r\n" + // 9 too few fields
      ",119.37,26.08,,,,,,\r\n" + // 10 ok: id generated, defaults
      "g,119.38,26.08,30,0,120,400,n41,x\r\n"; // 11 azimuth3 out of range
    const r = csvToCandidates(text);
    expect(r.items.map((c) => c.id)).toEqual(["a", "IMP-10"]);
    expect(r.items[1]).toMatchObject({ lon: 119.37, heightM: 30, band: "n78", source: "import" });
    const by = (line: number) => r.errors.filter((e) => e.line === line);
    expect(by(3)).toEqual([{ line: 3, field: "lat", reason: 'not a number: "abc"' }]);
    expect(by(5).map((e) => e.field)).toEqual(["heightM"]);
    expect(by(6)).toEqual([{ line: 6, field: "azimuth1..3", reason: "give all three azimuths or none" }]);
    expect(by(7).map((e) => e.field)).toEqual(["band"]);
    expect(by(8)).toEqual([{ line: 8, field: "id", reason: "duplicate id a (first on line 2)" }]);
    expect(by(9)[0].field).toBe("(row)");
    expect(by(11).map((e) => e.field)).toEqual(["azimuth3"]);
    expect(r.errors.every((e) => [3, 5, 6, 7, 8, 9, 11].includes(e.line))).toBe(true);
  });
  it("reports a header without lon/lat and an empty file", () => {
    expect(csvToCandidates("id,x,y\na,1,2\n").errors).toContainEqual({
      line: 1,
      field: "lon",
      reason: "missing column in header",
    });
    expect(csvToCandidates("").errors[0]).toMatchObject({ line: 1, field: "(file)" });
  });
});
