import { describe, expect, it } from "vitest";
import { createFrameCost, liveFrameFor } from "./live-wiring";

describe("live frame vs the cost of drawing a frame", () => {
  it("keeps the configured 250 ms while frames are cheap (a real GPU: 5 ms)", () => {
    expect(liveFrameFor(250, 5)).toBe(250);
    expect(liveFrameFor(250, 125)).toBe(250);
  });
  it("stretches to twice the frame cost when drawing is slow (software GL: 500 ms a frame -> 1 s)", () => {
    expect(liveFrameFor(250, 500)).toBe(1000);
  });
  it("never beyond 2 s, and never below the configured frame", () => {
    expect(liveFrameFor(250, 5000)).toBe(2000);
    expect(liveFrameFor(3000, 5000)).toBe(3000);
  });
  it("averages frame costs exponentially (alpha 0.3): 500, then 100 -> 380, then 100 -> 296", () => {
    const c = createFrameCost(0.3);
    expect(c.ms).toBe(0);
    c.sample(500);
    expect(c.ms).toBe(500);
    c.sample(100);
    expect(c.ms).toBeCloseTo(380, 9);
    c.sample(100);
    expect(c.ms).toBeCloseTo(296, 9);
  });
});
