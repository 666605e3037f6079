/**
 * `npm run import -- <layer> <file> [options]`: bring your own data into a data directory the gateway serves
 * (DATA_DIR). Prints the report; exits 1 when nothing was written.
 */
import { parseArgs } from "node:util";
import path from "node:path";
import { parseMapArgs } from "./columns";
import { CRS_NAMES, type Crs } from "./crs";
import { ENCODINGS, type Encoding } from "./encoding";
import { terminalProgress } from "./progress";
import { formatReport } from "./report";
import { importBuildings, importLayer, reportPath } from "./run";
import { DEFAULT_DATA_DIR } from "./write";

const LAYERS = ["sites", "datacentres", "chargers", "sensors", "buildings"] as const;

const USAGE = `usage: npm run import -- <${LAYERS.join("|")}> <file.csv|.xlsx|.geojson|.shp> [options]
  --crs wgs84|gcj02|bd09|cgcs2000   coordinate system of the file (default wgs84; AMap/Tencent: gcj02, Baidu: bd09)
  --encoding utf8|gbk|gb18030       text encoding of a CSV (default: detected)
  --sheet NAME                      XLSX sheet (default: the first)
  --map field=column                read a field from a named column (repeatable), e.g. --map name=基站名
  --storey-m M                      buildings: storey height for floors-only footprints (default 3.2)
  --data-dir DIR                    where the layer files go (default $DATA_DIR or var/data)`;

function oneOf<T extends string>(what: string, v: string | undefined, allowed: readonly T[], dflt?: T): T | undefined {
  if (v === undefined) return dflt;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new Error(`${what} "${v}": expected one of ${allowed.join(", ")}`);
}

/** a path relative to the working directory when it is inside it, else absolute */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") ? rel : p;
}

function storeyM(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = Number(v);
  if (!(m >= 2 && m <= 10)) throw new Error(`--storey-m "${v}": expected metres between 2 and 10`);
  return m;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      crs: { type: "string" },
      encoding: { type: "string" },
      sheet: { type: "string" },
      map: { type: "string", multiple: true },
      "data-dir": { type: "string" },
      "storey-m": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length !== 2) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const layer = oneOf("layer", positionals[0], LAYERS)!;
  const dataDir = path.resolve(values["data-dir"] ?? process.env.DATA_DIR ?? DEFAULT_DATA_DIR);
  const file = path.resolve(positionals[1]);
  const crs = oneOf<Crs>("--crs", values.crs, CRS_NAMES, "wgs84")!;
  const progress = terminalProgress();
  const report =
    layer === "buildings"
      ? await importBuildings({ file, dataDir, crs, progress, storeyM: storeyM(values["storey-m"]) })
      : await importLayer({
          layer,
          file,
          dataDir,
          crs,
          encoding: oneOf<Encoding>("--encoding", values.encoding, ENCODINGS),
          sheet: values.sheet,
          map: parseMapArgs(layer, values.map ?? []),
          progress,
        });
  console.log(formatReport(report));
  console.log(`  report: ${shown(reportPath(dataDir, layer))}`);
  if (report.ok) console.log(`  serve it: DATA_DIR=${shown(dataDir)} npm start`);
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
