import { describe, expect, it } from "vitest";
import { snapAxis, snappedAxis } from "./axis";

describe("snapAxis", () => {
  it("snaps a near-flat availability series (99.688..99.694 %) to 99.5..100 in 0.5 steps", () => {
    expect(snapAxis(99.688, 0.5, "down")).toBe(99.5);
    expect(snapAxis(99.694, 0.5, "up")).toBe(100);
  });
  it("keeps an end that is already on a step (floating point: 99.5 / 0.5 and 1.33 / 0.01)", () => {
    expect(snapAxis(99.5, 0.5, "down")).toBe(99.5);
    expect(snapAxis(99.5, 0.5, "up")).toBe(99.5);
    expect(snapAxis(1.33, 0.01, "up")).toBe(1.33);
  });
  it("snaps PUE 1.3291..1.3312 to 1.32..1.34", () => {
    expect(snapAxis(1.3291, 0.01, "down")).toBe(1.32);
    expect(snapAxis(1.3312, 0.01, "up")).toBe(1.34);
  });
});

describe("snappedAxis", () => {
  it("gives ECharts ends for a flat availability series (99.69..99.69 -> 99.5..100)", () => {
    const a = snappedAxis(0.5);
    expect(a.min({ min: 99.69 })).toBe(99.5);
    expect(a.max({ min: 99.69, max: 99.69 })).toBe(100);
    expect(a.max({ min: 99.5, max: 99.5 })).toBe(100); // at least one step apart
  });
});
