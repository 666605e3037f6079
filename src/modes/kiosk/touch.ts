/** Block the browser gestures a public touch screen must not allow; returns a remover. */
export function hardenTouch(root: HTMLElement): () => void {
  const offs: Array<() => void> = [];
  const on = <K extends keyof WindowEventMap>(
    target: Window | Document,
    type: K | string,
    fn: (e: Event) => void,
    opts: AddEventListenerOptions = { passive: false, capture: true },
  ) => {
    target.addEventListener(type, fn, opts);
    offs.push(() => target.removeEventListener(type, fn, opts));
  };
  const prevent = (e: Event) => e.preventDefault();
  on(document, "contextmenu", prevent);
  on(document, "selectstart", prevent);
  on(document, "dragstart", prevent);
  on(document, "dblclick", prevent);
  for (const g of ["gesturestart", "gesturechange", "gestureend"]) on(document, g, prevent);
  // trackpad pinch arrives as ctrl+wheel; keyboard zoom as ctrl +/-/0
  on(window, "wheel", (e) => (e as WheelEvent).ctrlKey && e.preventDefault());
  on(window, "keydown", (e) => {
    const k = e as KeyboardEvent;
    if ((k.ctrlKey || k.metaKey) && ["+", "-", "=", "0", "_"].includes(k.key)) k.preventDefault();
  });
  // multi-finger gestures outside the globe canvas (the globe handles its own pinch as camera zoom)
  const multi = (e: Event) => {
    const te = e as TouchEvent;
    if (te.touches.length > 1 && !(te.target instanceof HTMLCanvasElement)) te.preventDefault();
  };
  on(document, "touchstart", multi);
  on(document, "touchmove", multi);
  root.classList.add("kiosk-hardened");
  document.documentElement.classList.add("kiosk-doc");
  return () => {
    for (const f of offs) f();
    root.classList.remove("kiosk-hardened");
    document.documentElement.classList.remove("kiosk-doc");
  };
}
