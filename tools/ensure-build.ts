/**
 * Build the app (vite build) when dist/ is missing or older than any input: src/ (tests excluded), index.html,
 * public/, vite.config.ts, package.json. `tsx tools/ensure-build.ts [--force]`. Exits non-zero if the build fails.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST_INDEX = path.join(ROOT, "dist", "index.html");
const INPUTS = ["src", "index.html", "public", "vite.config.ts", "package.json"];

/** newest mtime (ms) under a path, and the file that has it */
export function newestInput(p: string): { mtime: number; file: string } {
  let best = { mtime: 0, file: "" };
  const walk = (q: string) => {
    let st;
    try {
      st = statSync(q);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(q)) if (!e.startsWith(".")) walk(path.join(q, e));
    } else if (!/\.test\.ts$/.test(q) && st.mtimeMs > best.mtime) best = { mtime: st.mtimeMs, file: q };
  };
  walk(p);
  return best;
}

export function buildNeeded(root = ROOT): string | null {
  const index = path.join(root, "dist", "index.html");
  if (!existsSync(index)) return "dist/index.html is missing";
  const built = statSync(index).mtimeMs;
  for (const i of INPUTS) {
    const n = newestInput(path.join(root, i));
    if (n.mtime > built) return `${path.relative(root, n.file)} is newer than dist/`;
  }
  return null;
}

export function ensureBuild(force = false): void {
  const why = force ? "--force" : buildNeeded();
  if (!why) {
    console.log("[ensure-build] dist/ is up to date");
    return;
  }
  console.log(`[ensure-build] building (${why})`);
  const vite = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
  const r = spawnSync(process.execPath, [vite, "build"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0 || !existsSync(DIST_INDEX)) throw new Error(`vite build failed (exit ${r.status})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureBuild(process.argv.includes("--force"));
  } catch (e) {
    console.error(`[ensure-build] ${(e as Error).message}`);
    process.exit(1);
  }
}
