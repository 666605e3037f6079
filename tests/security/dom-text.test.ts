// @vitest-environment happy-dom
/**
 * DOM-level proof (no browser, happy-dom) that strings from data stay text: an alarm whose text, object name and
 * id carry markup and script is rendered by the real alarm panel (src/ui/panels/alarms.ts) through the live
 * store; the panel must contain the strings verbatim as text and no element the data tried to inject.
 */
import { describe, expect, it } from "vitest";
import type { Alarm } from "../../src/protocol/live";
import { createLiveModel } from "../../src/state/live-store";
import { h } from "../../src/ui/dom";
import { mountAlarms } from "../../src/ui/panels/alarms";

const EVIL_TEXT = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
const EVIL_NAME = `<b onclick="window.__pwned=3">站点</b>`;

describe("data strings are never parsed as HTML", () => {
  it("the alarm panel shows hostile alarm text and object names as text", () => {
    const model = createLiveModel();
    const alarm: Alarm = {
      id: "I-x-1-injected-5G-00001",
      layer: "sites",
      objectId: "5G-00001",
      objectIndex: 0,
      kind: "injected",
      severity: "critical",
      raisedAt: Date.UTC(2026, 0, 1, 8, 30),
      text_zh: EVIL_TEXT,
      text_en: EVIL_TEXT,
    };
    model.applyAlarmList([alarm]);
    const host = document.createElement("div");
    document.body.append(host);
    const unmount = mountAlarms(host, {
      store: model.store,
      nameOf: () => EVIL_NAME,
      onChoose: () => {},
      ack: () => {},
    });
    const row = host.querySelector(`[data-alarm-id="${alarm.id}"]`)!;
    expect(row).not.toBeNull();
    expect(row.querySelector(".alarm-text")!.textContent).toBe(EVIL_TEXT);
    expect(row.querySelector(".alarm-obj")!.textContent).toBe(EVIL_NAME);
    expect(host.querySelectorAll("img, script, b, [onerror], [onclick]").length).toBe(0);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    unmount();
  });

  it("h() appends strings and numbers as text nodes, attribute values stay attribute values", () => {
    const el = h("div", { title: `"><script>x()</script>` }, EVIL_TEXT, 42);
    expect(el.childNodes.length).toBe(2);
    expect([...el.childNodes].every((n) => n.nodeType === 3)).toBe(true);
    expect(el.textContent).toBe(`${EVIL_TEXT}42`);
    expect(el.getAttribute("title")).toBe(`"><script>x()</script>`);
    expect(el.querySelectorAll("*").length).toBe(0);
  });
});
