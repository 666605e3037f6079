/**
 * `npm run deps:list`: writes the production dependency tree (`npm ls --omit=dev --all`, name@version) into
 * SECURITY.md between the `deps:start` / `deps:end` markers, so an operator can audit exactly what the gateway
 * runs where `npm audit` works (the registry mirror here does not answer audit requests). `--check` exits 1 when
 * SECURITY.md is out of date instead of writing it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const FILE = "SECURITY.md";
const START = "<!-- deps:start (npm run deps:list) -->";
const END = "<!-- deps:end -->";

function productionTree(): string {
  const out = execFileSync("npm", ["ls", "--omit=dev", "--all"], { encoding: "utf8", maxBuffer: 16 * 2 ** 20 });
  // the first line is "<name>@<version> <absolute path>": drop the machine-specific path
  const [head, ...rest] = out.trimEnd().split("\n");
  return [head.split(" ")[0], ...rest].join("\n");
}

function main(): void {
  const doc = readFileSync(FILE, "utf8");
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${FILE}: markers ${START} ... ${END} not found`);
  const tree = productionTree();
  const lines = tree.split("\n").length - 1;
  const block = `${START}\n${lines} packages in the production tree:\n\n\`\`\`text\n${tree}\n\`\`\`\n`;
  const next = doc.slice(0, a) + block + doc.slice(b);
  if (process.argv.includes("--check")) {
    if (next !== doc) {
      console.error(`${FILE}: production dependency list is out of date; run npm run deps:list`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(FILE, next);
  console.log(`${FILE}: ${lines} production packages listed`);
}

main();
