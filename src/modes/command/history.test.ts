import { describe, expect, it } from "vitest";
import { History } from "./history";

describe("History ring buffer", () => {
  it("keeps the newest `capacity` samples in order and maps missing values to null", () => {
    const h = new History(["a", "b"] as const, 3);
    h.push(1, { a: 10, b: 1 });
    h.push(2, { a: 20 });
    expect(h.series("a")).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect(h.series("b")).toEqual([
      [1, 1],
      [2, null],
    ]);
    h.push(3, { a: 30, b: null });
    h.push(4, { a: 40, b: 4 });
    h.push(5, { a: 50, b: 5 });
    expect(h.length).toBe(3);
    expect(h.series("a")).toEqual([
      [3, 30],
      [4, 40],
      [5, 50],
    ]);
    expect(h.series("a", 4)).toEqual([
      [4, 40],
      [5, 50],
    ]);
  });
  it("rejects a silly capacity", () => {
    expect(() => new History(["a"], 1)).toThrow(/capacity/);
  });
});
