/**
 * The importer on files written the way real ones are: a GBK CSV with Chinese headers in GCJ-02, a UTF-8-BOM CSV,
 * an XLSX with a title row and merged group headers, an OpenCelliD export. Each checks the report's counts, the
 * refused rows' reasons and known coordinates.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChargersFile, DistrictsFile, SitesFile, type LonLat } from "../../src/protocol/data";
import { DistrictIndex } from "../data/geo";
import { normaliseBand, normaliseOperator, parseAzimuths, parseDate } from "./normalise";
import { importLayer } from "./run";
import { decodeText } from "./encoding";
import { mapColumns } from "./columns";

/**
 * Reference pairs: WGS84 points in Fuzhou and their GCJ-02 coordinates from the published forward transform
 * (computed independently of gcoord; the offset here is ~480 m east, ~345 m south).
 */
const REF: { wgs: LonLat; gcj: LonLat; district: string }[] = [
  { wgs: [119.2965, 26.0745], gcj: [119.3012998, 26.071398], district: "鼓楼区" },
  { wgs: [119.3062, 26.0611], gcj: [119.3110149, 26.0580228], district: "台江区" },
  { wgs: [119.5237, 25.9614], gcj: [119.5283079, 25.9582689], district: "长乐区" },
];

function metres(a: LonLat, b: LonLat): number {
  const kx = 111320 * Math.cos((a[1] * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * 110574);
}

let dir: string;
const NOW = new Date("2026-11-30T08:00:00Z");
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "rt-import-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dataDir(name: string): string {
  return path.join(dir, name, "data");
}

describe("value normalisation", () => {
  it("maps operator and band spellings", () => {
    expect(["移动", "中国移动", "CMCC", "China Mobile"].map(normaliseOperator)).toEqual([
      "CMCC",
      "CMCC",
      "CMCC",
      "CMCC",
    ]);
    expect(["联通", "电信", "广电", "铁通"].map(normaliseOperator)).toEqual(["CUCC", "CTCC", "CBN", null]);
    expect(["3.5G", "n78", "N78", "3500MHz", "2.6GHz", "4.9G", "700M", "5G"].map(normaliseBand)).toEqual([
      "n78",
      "n78",
      "n78",
      "n78",
      "n41",
      "n79",
      "n28",
      null,
    ]);
  });
  it("reads azimuth lists and dates", () => {
    expect(parseAzimuths("0/120/240")).toEqual([0, 120, 240]);
    expect(parseAzimuths("30")).toEqual([30, 150, 270]);
    expect(parseAzimuths("350,110，230")).toEqual([350, 110, 230]);
    expect(parseAzimuths("0/120")).toBeNull();
    expect(parseDate("2024/3/5")).toBe("2024-03-05");
    expect(parseDate("2024年11月30日")).toBe("2024-11-30");
    expect(parseDate("20240305")).toBe("2024-03-05");
  });
});

describe("GBK CSV with Chinese headers in GCJ-02", () => {
  const header = "基站编号,站名,运营商,频段,经度,纬度,挂高(m),方位角,下倾角,开通日期";
  const rows = [
    `FZ-GL-001,鼓楼五四路站,中国移动,2.6G,${REF[0].gcj.join(",")},35,0/120/240,6,2024/3/5`,
    `FZ-TJ-002,台江万达站,联通,3.5G,${REF[1].gcj.join(",")},28.5,30,8,2023-11-02`,
    `FZ-CL-003,长乐机场站,电信,n78,${REF[2].gcj.join(",")},40,,,`,
    `FZ-XX-004,缺坐标站,移动,2.6G,,26.07,30,0/120/240,6,2024-01-01`,
    `FZ-XM-005,厦门站,移动,2.6G,118.0846,24.4775,30,0/120/240,6,2024-01-01`,
    `FZ-GL-006,频段错误站,移动,5G,${REF[0].gcj.join(",")},30,0/120/240,6,2024-01-01`,
    `FZ-GL-001,重复编号站,移动,2.6G,${REF[1].gcj.join(",")},30,0/120/240,6,2024-01-01`,
  ];
  it("decodes, maps, converts to WGS84 within 1 m, refuses with reasons", async () => {
    const file = path.join(dir, "福州基站.csv");
    writeFileSync(file, iconv.encode([header, ...rows].join("\r\n") + "\r\n", "gbk"));
    const r = await importLayer({ layer: "sites", file, dataDir: dataDir("gbk"), crs: "gcj02", now: NOW });
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ ok: true, encoding: "gb18030", headerLine: 1, rowsRead: 7, kept: 3, refused: 4 });
    expect(r.refusedRows).toEqual([
      { line: 5, reason: "missing coordinate" },
      { line: 6, reason: "outside the city" },
      { line: 7, reason: expect.stringMatching(/^bad band "5G"/) },
      { line: 8, reason: "duplicate id FZ-GL-001 (first on line 2)" },
    ]);
    expect(r.refusedByReason).toEqual({
      "missing coordinate": 1,
      "outside the city": 1,
      "bad band": 1,
      "duplicate id": 1,
    });
    expect(r.defaults).toEqual({ azimuths: 1, tiltDeg: 1, commissioned: 1, txPowerDbm: 3 });
    const out = SitesFile.parse(JSON.parse(readFileSync(path.join(dataDir("gbk"), "sites.json"), "utf8")));
    expect(out.sample).toBe(false);
    expect(out.source).toBe("福州基站.csv");
    expect(out.items.map((s) => [s.id, s.name, s.operator, s.band, s.district])).toEqual([
      ["FZ-GL-001", "鼓楼五四路站", "CMCC", "n41", "鼓楼区"],
      ["FZ-TJ-002", "台江万达站", "CUCC", "n78", "台江区"],
      ["FZ-CL-003", "长乐机场站", "CTCC", "n78", "长乐区"],
    ]);
    out.items.forEach((s, i) => expect(metres([s.lon, s.lat], REF[i].wgs)).toBeLessThan(1));
    expect(out.items[1]).toMatchObject({
      heightM: 28.5,
      azimuths: [30, 150, 270],
      tiltDeg: 8,
      commissioned: "2023-11-02",
    });
    expect(out.items[2]).toMatchObject({ azimuths: [0, 120, 240], tiltDeg: 6, commissioned: "2026-11-30" });
  });

  it("warns that a GCJ-02 file read as WGS84 looks like GCJ-02", async () => {
    // a city-wide inventory: 300 sample sites of the interior plus the coastal/edge ones whose GCJ-02 coordinates
    // read as WGS84 leave the city (the inland ones cannot tell the two systems apart)
    const sample = SitesFile.parse(JSON.parse(readFileSync("public/data/sites.json", "utf8"))).items;
    const { default: gcoord } = await import("gcoord");
    const index = new DistrictIndex(
      DistrictsFile.parse(JSON.parse(readFileSync("public/data/districts.geojson", "utf8"))),
    );
    const lines = ["站名,运营商,频段,经度,纬度"];
    let edge = 0;
    sample.forEach((s, i) => {
      const [x, y] = gcoord.transform([s.lon, s.lat], gcoord.WGS84, gcoord.GCJ02);
      const leaves = index.districtAt(x, y) === null;
      if (leaves) edge++;
      if (leaves ? edge <= 30 : i % 100 === 0) lines.push(`${s.id},移动,2.6G,${x.toFixed(7)},${y.toFixed(7)}`);
    });
    expect(edge).toBeGreaterThan(10);
    const file = path.join(dir, "gcj-as-wgs.csv");
    writeFileSync(file, lines.join("\n"));
    const r = await importLayer({ layer: "sites", file, dataDir: dataDir("gcj-warn"), crs: "wgs84", now: NOW });
    expect(r.ok).toBe(true);
    expect(r.refusedByReason["outside the city"]).toBeGreaterThan(0);
    expect(r.warnings.join("\n")).toMatch(/looks like GCJ02; try --crs gcj02/);
    const right = await importLayer({ layer: "sites", file, dataDir: dataDir("gcj-right"), crs: "gcj02", now: NOW });
    expect(right.warnings).toEqual([]);
    expect(right.kept).toBeGreaterThan(r.kept);
  });
});

describe("UTF-8 CSV with a BOM", () => {
  it("reads chargers, strips the BOM from the first header, keeps previous data on a failed import", async () => {
    const text =
      "\ufeff充电站名称,类型,经度,纬度,充电枪数,单枪功率(kW),光伏容量(kWp),储能容量(kWh)\n" +
      "仓山万达超充站,超充站,119.30,26.00,12,480,200,400\n" +
      "晋安公交场站,普通,119.35,26.12,20,120,,\n" +
      "功率不明站,普通,119.35,26.12,20,很大,,\n";
    const file = path.join(dir, "chargers-bom.csv");
    writeFileSync(file, text, "utf8");
    expect(decodeText(readFileSync(file))).toMatchObject({ encoding: "utf8", bom: true });
    const dd = dataDir("bom");
    const r = await importLayer({ layer: "chargers", file, dataDir: dd, crs: "wgs84", now: NOW });
    expect(r).toMatchObject({ ok: true, encoding: "utf8", kept: 2, refused: 1, columns: { name: "充电站名称" } });
    expect(r.refusedRows).toEqual([{ line: 4, reason: 'bad connectorKw "很大"' }]);
    const before = readFileSync(path.join(dd, "chargers.json"), "utf8");
    const out = ChargersFile.parse(JSON.parse(before));
    expect(out.items.map((c) => [c.id, c.kind, c.district, c.connectors, c.connectorKw, c.solarKwp])).toEqual([
      ["EV-L2", "super", "仓山区", 12, 480, 200],
      ["EV-L3", "ordinary", "晋安区", 20, 120, 0],
    ]);

    const bad = path.join(dir, "chargers-bad.csv");
    writeFileSync(bad, "\ufeff名称,经度,纬度\n厦门站,118.08,24.48\n");
    const r2 = await importLayer({ layer: "chargers", file: bad, dataDir: dd, crs: "wgs84", now: NOW });
    expect(r2).toMatchObject({
      ok: false,
      kept: 0,
      refused: 1,
      error: expect.stringMatching(/no row could be imported/),
    });
    expect(readFileSync(path.join(dd, "chargers.json"), "utf8")).toBe(before);
  });
});

describe("XLSX with a title row and merged group headers", () => {
  it("finds the header under the title and reads the sheet", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("5G基站");
    ws.addRow(["福州市5G基站清单（截至2026年10月）"]);
    ws.mergeCells("A1:I1");
    ws.addRow(["基站信息", "", "", "", "坐标", "", "天线参数", "", ""]);
    ws.mergeCells("A2:D2");
    ws.mergeCells("E2:F2");
    ws.mergeCells("G2:I2");
    ws.addRow(["站号", "站名", "运营商", "频段", "经度", "纬度", "挂高", "方位角", "下倾角"]);
    ws.addRow(["GL-1", "鼓楼东街口", "中国移动", "2.6GHz", 119.2965, 26.0745, 30, "0/120/240", 6]);
    ws.addRow(["TJ-2", "台江中亭街", "中国电信", "3.5G", 119.3062, 26.0611, 25, "20/140/260", 7]);
    ws.addRow(["CS-3", "仓山广电站", "广电", "700M", 119.3, 26.0, 45, "0", 3]);
    ws.addRow(["CS-4", "无名运营商", "某公司", "n78", 119.3, 26.0, 45, "0", 3]);
    const file = path.join(dir, "sites.xlsx");
    await wb.xlsx.writeFile(file);
    const r = await importLayer({ layer: "sites", file, dataDir: dataDir("xlsx"), crs: "wgs84", now: NOW });
    expect(r).toMatchObject({
      ok: true,
      format: "xlsx",
      sheet: "5G基站",
      headerLine: 3,
      rowsRead: 4,
      kept: 3,
      refused: 1,
    });
    expect(r.refusedRows).toEqual([{ line: 7, reason: expect.stringMatching(/^unknown operator "某公司"/) }]);
    const out = SitesFile.parse(JSON.parse(readFileSync(path.join(dataDir("xlsx"), "sites.json"), "utf8")));
    expect(out.items.map((s) => [s.id, s.operator, s.band, s.azimuths[0], s.district])).toEqual([
      ["GL-1", "CMCC", "n41", 0, "鼓楼区"],
      ["TJ-2", "CTCC", "n78", 20, "台江区"],
      ["CS-3", "CBN", "n28", 0, "仓山区"],
    ]);
  });

  it("maps a column by --map when the header is unusual", () => {
    const rows = [
      { line: 1, cells: ["基站名", "E", "N"] },
      { line: 2, cells: ["a", "119.3", "26.0"] },
    ];
    const m = mapColumns("sites", rows, { name: "基站名", lon: "E", lat: "N" });
    expect(m.columns).toMatchObject({ name: 0, lon: 1, lat: 2 });
    expect(() => mapColumns("sites", rows, {})).toThrow(/no header row found/);
  });
});

describe("OpenCelliD export", () => {
  it("groups LTE/NR cells into sites, refuses GSM/UMTS, foreign networks and cells outside the city", async () => {
    const h = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal";
    const rows = [
      "GSM,460,0,22801,10231,0,119.2965,26.0745,1000,5,1,1500000000,1700000000,0",
      "UMTS,460,1,22801,555001,0,119.2966,26.0746,1000,5,1,1500000000,1700000000,0",
      "LTE,460,0,22801,130001,0,119.2965,26.0745,500,12,1,1600000000,1700000000,-95",
      "LTE,460,0,22801,130002,0,119.29655,26.07455,500,12,1,1610000000,1700000000,-95", // same site, ~7 m away
      "NR,460,0,22801,5000001,0,119.2966,26.0744,300,3,1,1650000000,1700000000,-90", // same site
      "LTE,460,11,22802,140001,0,119.2965,26.0745,500,12,1,1600000000,1700000000,-95", // CTCC at the same place
      "NR,460,1,22803,6000001,0,119.5237,25.9614,300,3,1,1650000000,1700000000,-90",
      "LTE,460,0,22804,130099,0,118.0846,24.4775,500,12,1,1600000000,1700000000,-95", // Xiamen
      "LTE,310,260,1,1,0,119.30,26.00,500,1,1,1600000000,1700000000,-95",
    ];
    const file = path.join(dir, "460.csv");
    writeFileSync(file, [h, ...rows].join("\n") + "\n");
    const r = await importLayer({ layer: "sites", file, dataDir: dataDir("ocid"), crs: "wgs84", now: NOW });
    expect(r).toMatchObject({ ok: true, kind: "opencellid", rowsRead: 9, kept: 3, refused: 4 });
    expect(r.refusedRows.map((x) => [x.line, x.reason])).toEqual([
      [2, "GSM cell (only LTE and NR cells make sites)"],
      [3, "UMTS cell (only LTE and NR cells make sites)"],
      [9, "outside the city"],
      [10, "MCC 310 is not mainland China"],
    ]);
    const out = SitesFile.parse(JSON.parse(readFileSync(path.join(dataDir("ocid"), "sites.json"), "utf8")));
    expect(out.items.map((s) => [s.id, s.operator, s.band, s.district, s.commissioned])).toEqual([
      ["OCID-460-0-22801-130001", "CMCC", "n41", "鼓楼区", "2020-09-13"],
      ["OCID-460-11-22802-140001", "CTCC", "n78", "鼓楼区", "2020-09-13"],
      ["OCID-460-1-22803-6000001", "CUCC", "n78", "长乐区", "2022-04-15"],
    ]);
    expect(out.items[0].name).toBe("NR 22801-130001 (3 cells)");
  });
});
