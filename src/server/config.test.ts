import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTokens, readEnv } from "./config";

describe("gateway config", () => {
  const dir = mkdtempSync(join(tmpdir(), "rt-cfg-"));
  it("uses dev tokens by default and anonymous viewers", () => {
    const { book, source } = loadTokens({}, join(dir, "none.json"));
    expect(source).toBe("development defaults");
    expect(book.resolve(undefined)).toEqual({ role: "viewer", name: "anonymous" });
    expect(book.resolve("dev-operator-token")?.role).toBe("operator");
    expect(book.resolve("nope")).toBeUndefined();
  });
  it("reads RONGTWIN_TOKENS and rejects a bad config with a clear reason", () => {
    const env = {
      RONGTWIN_TOKENS: JSON.stringify({
        tokens: [{ token: "0123456789abcdef", role: "ingest", name: "feed" }],
        anonymous: null,
      }),
    };
    const { book } = loadTokens(env, join(dir, "none.json"));
    expect(book.resolve(undefined)).toBeUndefined(); // anonymous access off
    expect(book.resolve("0123456789abcdef")).toEqual({ role: "ingest", name: "feed" });
    expect(() => loadTokens({ RONGTWIN_TOKENS: "{bad" }, "x")).toThrow(/^RONGTWIN_TOKENS: not valid JSON/);
    expect(() =>
      loadTokens({ RONGTWIN_TOKENS: JSON.stringify({ tokens: [{ token: "short", role: "root", name: "x" }] }) }, "x"),
    ).toThrow(/tokens\.0\.token: .*tokens\.0\.role/);
  });
  it("generates production tokens once, and ignores a generated file outside production", () => {
    const file = join(dir, "tokens.json");
    const a = loadTokens({ NODE_ENV: "production" }, file);
    expect(a.source).toContain("generated");
    const saved = JSON.parse(readFileSync(file, "utf8")) as { tokens: { token: string; role: string }[] };
    expect(saved.tokens.map((t) => t.role)).toEqual(["operator", "planner", "ingest"]);
    expect(loadTokens({ NODE_ENV: "production" }, file).book.resolve(saved.tokens[0].token)?.role).toBe("operator");
    expect(loadTokens({}, file).source).toBe("development defaults");
    writeFileSync(file, JSON.stringify({ tokens: [{ token: "my-own-token-123", role: "operator", name: "me" }] }));
    expect(loadTokens({}, file).book.resolve("my-own-token-123")?.role).toBe("operator");
  });
  it("parses the environment, naming the bad variable", () => {
    const e = readEnv({ PORT: "9000", SIM_SPEED: "60", REDIS_URL: "redis://x:1" });
    expect(e).toMatchObject({ port: 9000, simSpeed: 60, redisUrl: "redis://x:1", source: "sim" });
    expect(() => readEnv({ PORT: "abc" })).toThrow("PORT=abc: expected a number in [0, 65535]");
    expect(() => readEnv({ SIM_SPEED: "-1" })).toThrow(/^SIM_SPEED=-1/);
    expect(() => readEnv({ LIVE_SOURCE: "kafka" })).toThrow(/^LIVE_SOURCE=kafka/);
    expect(() => readEnv({ SIM_START: "yesterday" })).toThrow(/^SIM_START=yesterday/);
  });
});
