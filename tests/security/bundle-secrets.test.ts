/**
 * No secret in the client bundle: scans every text file of the built app (dist/, produced by
 * `npx tsx tools/ensure-build.ts` / `npm run build`; npm run test:e2e builds it) for
 *   - the gateway's token values: the development defaults, var/tokens.json and $RONGTWIN_TOKENS when present,
 *   - known secret shapes: private keys, cloud/API keys, credentials inside URLs (redis://user:pass@),
 *     Authorization headers with a literal bearer token, .env files.
 * Allowed: the evaluation ion token CesiumJS itself ships in every release (JWT payload sub "CesiumJS", iss
 * https://api.cesium.com, aud "<version> Release - Delete on …") — public, not ours, and the app sets
 * Ion.defaultAccessToken = "" at start (src/scene/viewer.ts), so it is never used.
 * When dist/ is absent (a unit run before any build) the test is skipped with a message, not silently passed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEV_TOKENS, TokensConfig } from "../../src/server/config";

const DIST = "dist";
const hasDist = existsSync(join(DIST, "index.html"));
if (!hasDist) console.warn("[bundle-secrets] SKIPPED: dist/ missing — run `npx tsx tools/ensure-build.ts` first");

const TEXT = /\.(js|mjs|cjs|css|html|json|map|txt|xml|svg|geojson|env)$/i;
function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    if (st.isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

function tokenValues(): string[] {
  const vals = DEV_TOKENS.tokens.map((t) => t.token);
  const add = (raw: string) => {
    const r = TokensConfig.safeParse(JSON.parse(raw));
    if (r.success) vals.push(...r.data.tokens.map((t) => t.token));
  };
  if (existsSync("var/tokens.json")) add(readFileSync("var/tokens.json", "utf8"));
  if (process.env.RONGTWIN_TOKENS) add(process.env.RONGTWIN_TOKENS);
  return vals;
}

const PATTERNS: [string, RegExp][] = [
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["AWS access key", /\bAKIA[0-9A-Z]{16}\b/],
  ["GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ["Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ["OpenAI-style key", /\bsk-[A-Za-z0-9]{32,}\b/],
  ["Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["JWT (e.g. a Cesium ion token)", /\beyJhbGciOi[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/g],
  ["credentials in a URL", /\b(?:redis|rediss|postgres|mysql|mongodb|amqp|https?):\/\/[^\s"'/:@]+:[^\s"'/@]+@/],
  ["literal bearer token", /Bearer [A-Za-z0-9._~+/-]{16,}/],
];

/** CesiumJS's own per-release evaluation token (public, shipped inside the library) */
function cesiumReleaseToken(s: string): boolean {
  if (!s.startsWith("eyJ")) return false;
  try {
    const p = JSON.parse(Buffer.from(s.split(".")[1], "base64url").toString("utf8")) as {
      sub?: string;
      iss?: string;
      aud?: string;
    };
    return p.sub === "CesiumJS" && p.iss === "https://api.cesium.com" && /^\d+\.\d+ Release\b/.test(p.aud ?? "");
  } catch {
    return false;
  }
}

describe.skipIf(!hasDist)("client bundle (dist/) carries no secret", () => {
  const all = hasDist ? files(DIST) : [];
  const texts = all.filter((f) => TEXT.test(f));

  it("has something to scan", () => {
    expect(texts.some((f) => f.endsWith(".js"))).toBe(true);
    expect(all.filter((f) => /(^|\/)\.env/.test(f))).toEqual([]);
  });

  it("contains no gateway token value and no known secret pattern", () => {
    const tokens = tokenValues();
    const hits: string[] = [];
    for (const f of texts) {
      const s = readFileSync(f, "utf8");
      for (const t of tokens) if (s.includes(t)) hits.push(`${f}: token of the gateway config (${t.slice(0, 6)}…)`);
      for (const [what, re] of PATTERNS) {
        for (const m of s.matchAll(new RegExp(re.source, "g")))
          if (!cesiumReleaseToken(m[0])) hits.push(`${f}: ${what}: ${m[0].slice(0, 40)}`);
      }
    }
    expect(hits).toEqual([]);
  });

  it("the scanner itself finds a planted token", () => {
    const planted = `const t = "${DEV_TOKENS.tokens[1].token}"; fetch(u, { headers: { authorization: "Bearer abcdefghijklmnop1234" } }); const r = "redis://user:hunter2@db:6379";`;
    expect(tokenValues().some((t) => planted.includes(t))).toBe(true);
    expect(PATTERNS.filter(([, re]) => re.test(planted)).map(([w]) => w)).toEqual([
      "credentials in a URL",
      "literal bearer token",
    ]);
  });
});
