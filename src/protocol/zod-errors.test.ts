import { describe, expect, it } from "vitest";
import { z } from "zod";
import { issuePath, zodFieldErrors, zodSummary } from "./zod-errors";

const Schema = z.object({ camera: z.object({ presets: z.array(z.object({ lat: z.number().max(90) })) }) });
const bad = Schema.safeParse({ camera: { presets: [{ lat: 10 }, { lat: 120 }, { lat: "x" }] } });
if (bad.success) throw new Error("the example must fail");
const err = bad.error;

describe("zod error text", () => {
  it("writes paths with dots or brackets, and (root) for the whole value", () => {
    expect(issuePath(["camera", "presets", 1, "lat"])).toBe("camera.presets.1.lat");
    expect(issuePath(["camera", "presets", 1, "lat"], "brackets")).toBe("camera.presets[1].lat");
    expect(issuePath([], "brackets")).toBe("(root)");
    expect(issuePath([], "dots", "(row)")).toBe("(row)");
  });

  it("lists every issue as a field error", () => {
    expect(zodFieldErrors(err).map((e) => e.field)).toEqual(["camera.presets.1.lat", "camera.presets.2.lat"]);
  });

  it("summarises in one sentence, bounded in issues and characters", () => {
    const one = zodSummary(err, { max: 1, style: "brackets", countRest: true });
    expect(one).toMatch(/^camera\.presets\[1\]\.lat: .+ \(\+1 more\)$/);
    expect(zodSummary(err).split("; ")).toHaveLength(2);
    expect(zodSummary(err, { maxChars: 10 })).toBe("camera.pre");
  });
});
