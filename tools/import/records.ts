/**
 * One table row -> one validated layer record, per layer. Coordinates are converted to WGS84 and the district is
 * found by point-in-polygon (never trusted from the file). A row that cannot be made valid is refused with a
 * reason naming the field and the text; a field the file lacks gets a stated default, counted in the report.
 */
import type { z } from "zod";
import {
  Charger,
  DataCentre,
  Sensor,
  Site,
  type DistrictName,
  type LayerId,
  type LonLat,
  type Road,
} from "../../src/protocol/data";
import { toWgs84, type Crs } from "./crs";
import type { ColumnMap, ImportLayer } from "./columns";
import {
  normaliseBand,
  normaliseOperator,
  parseAzimuths,
  parseBool,
  parseDate,
  parseNumber,
  validId,
} from "./normalise";

export interface RowContext {
  crs: Crs;
  districtAt: (p: LonLat) => DistrictName | null;
  /** roads of the data directory, to attach sensors to by name */
  roads: readonly Road[];
  /** the import date (YYYY-MM-DD) for fields a file does not date */
  today: string;
  /** called once per defaulted field of a row (buildRecord collects them per row) */
  defaulted: (field: string) => void;
}

export type RowResult<T> =
  { ok: true; record: T; raw: LonLat; defaults: string[] } | { ok: false; reason: string; raw?: LonLat };

class Refuse extends Error {}

/** The cells of one row, read by field name through the column map. */
class RowReader {
  constructor(
    private readonly cells: readonly string[],
    private readonly map: ColumnMap,
    private readonly ctx: RowContext,
  ) {}

  text(field: string): string {
    const i = this.map.columns[field];
    return i === undefined ? "" : (this.cells[i] ?? "").trim();
  }

  /** a number, or the default (counted) when the cell is empty; refuses text that is not a number */
  num(field: string, dflt: number): number {
    const t = this.text(field);
    if (!t) {
      this.ctx.defaulted(field);
      return dflt;
    }
    const v = parseNumber(t);
    if (v === null) throw new Refuse(`bad ${field} "${t}"`);
    return v;
  }

  required(field: string): string {
    const t = this.text(field);
    if (!t) throw new Refuse(`missing ${field}`);
    return t;
  }

  /** lon/lat converted to WGS84 */
  position(): { wgs: LonLat; raw: LonLat } {
    const lonT = this.text("lon");
    const latT = this.text("lat");
    if (!lonT || !latT) throw new Refuse("missing coordinate");
    const lon = parseNumber(lonT);
    const lat = parseNumber(latT);
    if (lon === null || lat === null || Math.abs(lon) > 180 || Math.abs(lat) > 90)
      throw new Refuse(`bad coordinate "${lonT}, ${latT}"`);
    const raw: LonLat = [lon, lat];
    return { wgs: toWgs84(raw, this.ctx.crs), raw };
  }
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const ID_PREFIX: Record<LayerId, string> = { sites: "S", datacentres: "DC", chargers: "EV", sensors: "TS" };

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const iss = r.error.issues[0];
  throw new Refuse(`${iss.path.join(".") || "record"}: ${iss.message}`);
}

type Builder<T> = (r: RowReader, base: Base, ctx: RowContext) => T;
interface Base {
  id: string;
  name: string;
  lon: number;
  lat: number;
  district: DistrictName;
}

const buildSite: Builder<Site> = (r, base, ctx) => {
  const opText = r.required("operator");
  const operator = normaliseOperator(opText);
  if (!operator) throw new Refuse(`unknown operator "${opText}" (expected 移动/联通/电信/广电 or CMCC/CUCC/CTCC/CBN)`);
  const bandText = r.required("band");
  const band = normaliseBand(bandText);
  if (!band) throw new Refuse(`bad band "${bandText}" (expected n78/n41/n79/n28, 3.5G, 2.6G, 4.9G, 700M)`);
  const azText = r.text("azimuths");
  const azimuths = azText ? parseAzimuths(azText) : (ctx.defaulted("azimuths"), [0, 120, 240]);
  if (!azimuths) throw new Refuse(`bad azimuths "${azText}" (expected one angle or three, e.g. 0/120/240)`);
  const dateText = r.text("commissioned");
  const commissioned = dateText ? parseDate(dateText) : (ctx.defaulted("commissioned"), ctx.today);
  if (!commissioned) throw new Refuse(`bad commissioned date "${dateText}"`);
  return validate(Site, {
    ...base,
    operator,
    band,
    heightM: r.num("heightM", 30),
    azimuths,
    tiltDeg: r.num("tiltDeg", 6),
    txPowerDbm: r.num("txPowerDbm", band === "n28" ? 48 : 50),
    commissioned,
  });
};

const DC_KINDS = {
  government: /政务|政府|gov/i,
  carrier: /运营商|电信|移动|联通|carrier/i,
  "ai-computing": /智算|ai|算力/i,
  edge: /边缘|edge/i,
} as const;

const buildDataCentre: Builder<DataCentre> = (r, base, ctx) => {
  const kindText = r.text("kind");
  let kind: DataCentre["kind"] = "enterprise";
  if (!kindText) ctx.defaulted("kind");
  for (const [k, re] of Object.entries(DC_KINDS)) if (re.test(kindText)) kind = k as DataCentre["kind"];
  const racks = r.num("racks", 100);
  const pf = r.text("pflops");
  const inParkText = r.text("inPark");
  const inPark = inParkText ? parseBool(inParkText) : (ctx.defaulted("inPark"), false);
  if (inPark === null) throw new Refuse(`bad inPark "${inParkText}" (expected 是/否)`);
  const nameEn = r.text("nameEn") || (ctx.defaulted("nameEn"), base.name);
  return validate(DataCentre, {
    ...base,
    nameEn,
    inPark,
    kind,
    racks: Math.round(racks),
    itCapacityMw: r.num("itCapacityMw", Math.round(racks * 6) / 1000),
    designPue: r.num("designPue", 1.4),
    pflops: pf ? parseNumber(pf) : null,
    halls: Math.round(r.num("halls", 1)),
  });
};

const buildCharger: Builder<Charger> = (r, base, ctx) => {
  const kindText = r.text("kind");
  const connectorKw = r.num("connectorKw", 60);
  const kind = kindText
    ? /超|super|快/i.test(kindText)
      ? "super"
      : "ordinary"
    : connectorKw >= 250
      ? "super"
      : "ordinary";
  if (!kindText) ctx.defaulted("kind");
  return validate(Charger, {
    ...base,
    kind,
    connectors: Math.round(r.num("connectors", 4)),
    connectorKw,
    solarKwp: r.num("solarKwp", 0),
    storageKwh: r.num("storageKwh", 0),
  });
};

const buildSensor: Builder<Sensor> = (r, base, ctx) => {
  const kindText = r.text("kind");
  const kind = /ai|智能/i.test(kindText) ? "ai-video" : /视频|video|卡口|摄像/i.test(kindText) ? "video" : "loop";
  if (!kindText) ctx.defaulted("kind");
  const roadName = r.text("road") || (ctx.defaulted("road"), "未知道路");
  const known = ctx.roads.find((x) => x.name === roadName || x.nameEn === roadName || x.id === r.text("roadId"));
  const roadId = known?.id ?? (validId(r.text("roadId")) || (ctx.defaulted("roadId"), "unassigned"));
  return validate(Sensor, { ...base, kind, roadId, road: known?.name ?? roadName, chainageM: r.num("chainageM", 0) });
};

const BUILDERS: { [K in ImportLayer]: Builder<unknown> } = {
  sites: buildSite,
  datacentres: buildDataCentre,
  chargers: buildCharger,
  sensors: buildSensor,
};

/** Build one record from a row. `seenIds` maps id -> first line, to refuse duplicates. */
export function buildRecord(
  layer: ImportLayer,
  cells: readonly string[],
  line: number,
  map: ColumnMap,
  ctx: RowContext,
  seenIds: Map<string, number>,
): RowResult<unknown> {
  const defaults: string[] = [];
  ctx = { ...ctx, defaulted: (f) => defaults.push(f) };
  const r = new RowReader(cells, map, ctx);
  let raw: LonLat | undefined;
  try {
    const pos = r.position();
    raw = pos.raw;
    const idText = r.text("id");
    const id = idText ? validId(idText) : `${ID_PREFIX[layer]}-L${line}`;
    if (!id) throw new Refuse(`bad id "${idText}" (ids use letters, digits and _ . : - only)`);
    const first = seenIds.get(id);
    if (first !== undefined) throw new Refuse(`duplicate id ${id} (first on line ${first})`);
    const district = ctx.districtAt(pos.wgs);
    if (!district) throw new Refuse("outside the city");
    const name = r.text("name") || (ctx.defaulted("name"), id);
    const base: Base = { id, name, lon: round6(pos.wgs[0]), lat: round6(pos.wgs[1]), district };
    const record = BUILDERS[layer](r, base, ctx);
    seenIds.set(id, line);
    return { ok: true, record, raw, defaults };
  } catch (e) {
    if (e instanceof Refuse) return { ok: false, reason: e.message, raw };
    throw e;
  }
}
