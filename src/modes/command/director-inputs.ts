/**
 * What drives the wall's camera director besides its own clock: news (alarms raised while the page is open) and
 * the operator (pointer, wheel, keys, touch). Each is a small unit with a lifecycle: it starts listening when
 * constructed and stops in `destroy`.
 */
import type { LiveConnection } from "../../live/client";
import type { Alarm } from "../../protocol/live";
import type { Director } from "./director";

/**
 * Offers the director the alarms raised while the page is open (the initial list is history, not news): raise
 * events, and — since a raise event can be missed (a lagging socket is taken out of the alarm room and gets the
 * list back on recovery) — alarms that first appear in the list. offer() merges repeats. It keeps the ids of the
 * list as last seen, not every id ever seen: a wall runs for weeks through thousands of alarms.
 */
export class AlarmNews {
  private prevAlarms: readonly Alarm[];
  private known: Set<string>;
  private readonly unsubscribes: (() => void)[];

  constructor(
    conn: Pick<LiveConnection, "store" | "onAlarm">,
    private readonly director: Director,
  ) {
    const store = conn.store;
    this.prevAlarms = store.getState().alarms;
    this.known = new Set(this.prevAlarms.map((a) => a.id));
    this.unsubscribes = [
      conn.onAlarm((e) => {
        if (e.op === "raise") director.offer(e.alarm);
      }),
      store.subscribe((s) => this.listChanged(s.alarms)),
    ];
  }

  readonly destroy = (): void => {
    for (const un of this.unsubscribes.splice(0)) un();
  };

  private listChanged(alarms: readonly Alarm[]): void {
    if (alarms === this.prevAlarms) return;
    this.prevAlarms = alarms;
    const seen = this.known;
    this.known = new Set();
    for (const a of alarms) {
      this.known.add(a.id);
      if (!seen.has(a.id) && !a.clearedAt && !a.ackedAt) this.director.offer(a);
    }
    this.director.alarmsChanged();
  }
}

const INPUT_EVENTS = ["pointerdown", "pointermove", "wheel", "keydown", "touchstart"] as const;

/**
 * Any pointer / key input stops the tour; a pointer or wheel on the globe is manual camera control. Pointer moves
 * count at most every half second.
 */
export class OperatorInput {
  private lastMove = 0;

  constructor(
    /** the globe's canvas (a new one after a scene rebuild) */
    private readonly globe: () => HTMLCanvasElement,
    private readonly director: Director,
  ) {
    for (const ev of INPUT_EVENTS) window.addEventListener(ev, this.onInput, { capture: true, passive: true });
  }

  readonly destroy = (): void => {
    for (const ev of INPUT_EVENTS) window.removeEventListener(ev, this.onInput, { capture: true });
  };

  private readonly onInput = (e: Event): void => {
    if (e.type === "pointermove") {
      const now = performance.now();
      if (now - this.lastMove < 500) return;
      this.lastMove = now;
    }
    const onGlobe = e.target === this.globe() && e.type !== "pointermove";
    this.director.input(onGlobe ? "camera" : "other");
  };
}
