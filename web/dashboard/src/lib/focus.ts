// After a navigation the new page's heading takes focus, so keyboard and screen-reader users
// start at the top of what changed. The first page load keeps the browser's own focus.

let requested = false;
export const requestFocus = () => void (requested = true);
export function consumeFocusRequest(): boolean {
  const r = requested;
  requested = false;
  return r;
}
