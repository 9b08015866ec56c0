// Keeping keyboard focus inside a box (the full-screen panel on a phone, the image viewer):
// Tab from the last control goes to the first, Shift+Tab from the first (or from the box
// itself) to the last.

const CONTROLS = 'a[href],button:not(:disabled),input:not(:disabled),textarea:not(:disabled),select:not(:disabled),[tabindex]';

/** The controls Tab reaches in `box`, in order: focusable, not taken out of the Tab order, shown. */
export function tabStops(box: Element): HTMLElement[] {
  return Array.from(box.querySelectorAll<HTMLElement>(CONTROLS)).filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0);
}

/** On Tab, wraps focus around inside `box` (only when it would leave it). */
export function keepTabIn(e: KeyboardEvent, box: HTMLElement) {
  const stops = tabStops(box);
  const first = stops[0];
  const last = stops[stops.length - 1];
  const at = document.activeElement;
  const to = !first ? box : e.shiftKey ? (at === first || at === box ? last : null) : at === last ? first : null;
  if (to) {
    e.preventDefault();
    to.focus();
  }
}
