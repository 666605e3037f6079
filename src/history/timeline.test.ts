// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PROTOCOL_VERSION } from "../protocol/live";
import { uiLang } from "../ui/i18n";
import { HistoryApi } from "./history-api";
import { mountTimeline } from "./timeline";

const HOUR = 3600_000;
const T0 = Date.parse("2026-01-01T08:00:00Z");

/** the gateway's history answers, through the real client (fetch replaced by a recorded exchange) */
function gatewayAnswers(range: { from?: number; to?: number; now: number }) {
  const asked: string[] = [];
  vi.stubGlobal("fetch", (url: URL) => {
    asked.push(url.pathname);
    const body =
      url.pathname === "/api/history/range"
        ? { v: PROTOCOL_VERSION, ...range, retentionMs: 24 * HOUR, blockMs: 60_000, store: "sqlite" }
        : { v: PROTOCOL_VERSION, alarms: [] };
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
  });
  return asked;
}

describe("history timeline (live page)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(T0);
    uiLang.setState({ lang: "en" });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const mount = () => {
    const header = document.createElement("header");
    const host = document.createElement("div");
    document.body.append(header, host);
    const went: string[] = [];
    const tl = mountTimeline(header, host, {
      api: new HistoryApi("http://gw.test/"),
      replay: null,
      now: () => Date.now(),
      go: (url) => went.push(url),
    });
    return { header, host, tl, went };
  };

  it("shows LIVE, the recorded range, and a speed enters a replay of the last hour", async () => {
    gatewayAnswers({ from: T0 - 2 * HOUR, to: T0 - 60_000, now: T0 });
    const { header, host, tl, went } = mount();
    expect(header.querySelector<HTMLElement>('[data-testid="time-state"]')!.dataset.state).toBe("live");
    await vi.waitFor(() => expect(host.querySelector<HTMLElement>(".timeline")!.dataset.empty).toBe("0"));
    const scrub = host.querySelector<HTMLInputElement>('[data-testid="timeline-scrubber"]')!;
    expect(Number(scrub.max)).toBe(T0); // the range runs to the last event recorded
    expect(host.querySelector<HTMLButtonElement>('[data-testid="timeline-live"]')!.disabled).toBe(true);
    host.querySelector<HTMLButtonElement>('[data-speed="600"]')!.click();
    const u = new URL(went[0]);
    expect(Number(u.searchParams.get("replay"))).toBe(T0 - HOUR);
    expect(u.searchParams.get("speed")).toBe("600");
    tl.destroy();
  });

  it("destroy stops the refresh timers and removes the badge and the bar", async () => {
    const asked = gatewayAnswers({ now: T0 });
    const before = vi.getTimerCount();
    const { header, host, tl } = mount();
    await vi.waitFor(() => expect(asked).toContain("/api/history/range"));
    expect(host.querySelector<HTMLElement>(".timeline")!.dataset.empty).toBe("1");
    expect(vi.getTimerCount()).toBe(before + 3);
    vi.advanceTimersByTime(10_000);
    expect(asked.filter((p) => p === "/api/history/range")).toHaveLength(2);
    tl.destroy();
    expect(vi.getTimerCount()).toBe(before);
    expect(header.children).toHaveLength(0);
    expect(host.children).toHaveLength(0);
    vi.advanceTimersByTime(60_000);
    expect(asked.filter((p) => p === "/api/history/range")).toHaveLength(2);
  });
});
