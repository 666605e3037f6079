import { describe, expect, it, vi } from "vitest";
import { AttractLoop, secondsFlag, type KioskClock } from "./attract";
import { UrlFlags } from "../../ui/url-flags";
import { CHAPTERS, PLAN_SOURCE } from "./story";

/** A fake clock: advance(ms) fires due timers in order. */
function fakeClock() {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: KioskClock = {
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  };
  return { clock, advance, pending: () => timers.size };
}

describe("AttractLoop", () => {
  it("plays chapters every dwell, wrapping: 5 chapters, 6 s dwell -> after 31 s it has shown 0,1,2,3,4,0", () => {
    const c = fakeClock();
    const shown: number[] = [];
    const loop = new AttractLoop({
      chapters: 5,
      dwellMs: 6000,
      idleMs: 8000,
      show: (i) => shown.push(i),
      reset: () => {},
      clock: c.clock,
    });
    loop.start();
    c.advance(31_000);
    expect(shown).toEqual([0, 1, 2, 3, 4, 0]);
    expect(loop.state.autoChanges).toBe(6);
    expect(loop.state.mode).toBe("attract");
  });

  it("a touch stops the loop; after idleMs without touches it resets and restarts at chapter 0", () => {
    const c = fakeClock();
    const shown: number[] = [];
    const reset = vi.fn();
    const loop = new AttractLoop({
      chapters: 5,
      dwellMs: 6000,
      idleMs: 8000,
      show: (i) => shown.push(i),
      reset,
      clock: c.clock,
    });
    loop.start();
    c.advance(7000); // chapter 1 showing
    loop.activity();
    expect(loop.state.mode).toBe("explore");
    c.advance(7999); // no chapter change while exploring, not yet idle
    expect(shown).toEqual([0, 1]);
    expect(reset).not.toHaveBeenCalled();
    loop.activity(); // another touch at t=14999 pushes the idle deadline to 22999
    c.advance(7999);
    expect(reset).not.toHaveBeenCalled();
    c.advance(1);
    expect(reset).toHaveBeenCalledTimes(1);
    expect(loop.state.mode).toBe("attract");
    expect(loop.state.starts).toBe(2);
    expect(shown).toEqual([0, 1, 0]);
    c.advance(6000);
    expect(shown).toEqual([0, 1, 0, 1]);
  });

  it("choosing a chapter shows it manually and enters explore", () => {
    const c = fakeClock();
    const calls: Array<[number, boolean]> = [];
    const loop = new AttractLoop({
      chapters: 5,
      dwellMs: 6000,
      idleMs: 8000,
      show: (i, auto) => calls.push([i, auto]),
      reset: () => {},
      clock: c.clock,
    });
    loop.start();
    loop.choose(3);
    loop.choose(99); // ignored
    expect(calls).toEqual([
      [0, true],
      [3, false],
    ]);
    expect(loop.state).toMatchObject({ mode: "explore", chapter: 3 });
    c.advance(60_000);
    // idle at 8 s restarts at chapter 0, then one chapter per 6 s: 0@8 1@14 2@20 3@26 4@32 0@38 1@44 2@50 3@56
    expect(calls.at(-1)).toEqual([3, true]);
    expect(calls.filter(([, auto]) => auto)).toHaveLength(1 + 9);
  });

  it("keeps looping when show() or reset() throws", () => {
    const c = fakeClock();
    let n = 0;
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    const loop = new AttractLoop({
      chapters: 3,
      dwellMs: 2000,
      idleMs: 2000,
      show: () => {
        n++;
        throw new Error("boom");
      },
      reset: () => {
        throw new Error("reset boom");
      },
      clock: c.clock,
    });
    loop.start();
    c.advance(4000);
    expect(n).toBe(3);
    loop.activity();
    c.advance(2000);
    expect(loop.state.mode).toBe("attract");
    expect(err).toHaveBeenCalled();
    err.mockRestore();
  });

  it("rapid touches leave exactly one idle timer pending", () => {
    const c = fakeClock();
    const loop = new AttractLoop({
      chapters: 5,
      dwellMs: 6000,
      idleMs: 8000,
      show: () => {},
      reset: () => {},
      clock: c.clock,
    });
    loop.start();
    for (let i = 0; i < 200; i++) loop.activity();
    expect(c.pending()).toBe(1);
    loop.destroy();
    expect(c.pending()).toBe(0);
  });

  it("rejects bad timings with a clear message", () => {
    expect(() => new AttractLoop({ chapters: 5, dwellMs: 10, idleMs: 8000, show: () => {}, reset: () => {} })).toThrow(
      /dwell/,
    );
    expect(
      () => new AttractLoop({ chapters: 0, dwellMs: 6000, idleMs: 8000, show: () => {}, reset: () => {} }),
    ).toThrow(/chapter/);
  });
});

describe("secondsFlag", () => {
  it("reads seconds with bounds and falls back on bad input", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const p = new UrlFlags(new URLSearchParams("idle=8&chapter=abc&fly=0.5&res=5"));
    expect(secondsFlag(p, "idle", 90, 3, 3600)).toBe(8);
    expect(secondsFlag(p, "chapter", 20, 3, 600)).toBe(20);
    expect(secondsFlag(p, "fly", 4, 1, 30)).toBe(4);
    expect(secondsFlag(p, "missing", 90, 3, 3600)).toBe(90);
    expect(warn).toHaveBeenCalledTimes(2);
    // the command wall's rule: out of range clamps to the bounds, silently
    expect(p.number("res", 1, { min: 0.1, max: 2 })).toBe(2);
    expect(p.number("chapter", 1, { min: 0.1, max: 2 })).toBe(1);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });
});

describe("story", () => {
  it("covers the plan's themes in order with bilingual captions and plan figures", () => {
    expect(CHAPTERS.map((c) => c.id)).toEqual(["networks", "computing", "charging", "traffic", "city"]);
    for (const c of CHAPTERS) {
      expect(c.title.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(c.title.en).toMatch(/[A-Za-z]/);
      expect(c.caption.zh.length).toBeGreaterThan(10);
      expect(c.figures.length).toBeGreaterThan(0);
      expect(c.layers.length).toBeGreaterThan(0);
    }
    // spot-check transcriptions against the plan (榕政办〔2023〕86号)
    expect(CHAPTERS[0].figures[0].value).toBe("30,000");
    expect(CHAPTERS[1].figures.map((f) => f.value)).toContain("800");
    expect(CHAPTERS[2].figures[0].value).toBe("100");
    expect(PLAN_SOURCE.zh).toContain("榕政办〔2023〕86号");
  });
});
