// Phones: below 480 px the panel fills the screen (CSS), and this keeps it fitted to the
// visual viewport so the on-screen keyboard never covers the composer, and stops the host
// page from scrolling behind the open panel (the one time the widget touches the page's
// styles: it puts back exactly what was there when the panel closes).

export const NARROW = '(max-width: 479px)';

export function fitToViewport(panel: HTMLElement): () => void {
  const vv = window.visualViewport;
  if (!vv) return () => undefined;
  const fit = () => {
    panel.style.setProperty('--linktor-vh', `${vv.height}px`);
    panel.style.setProperty('--linktor-vt', `${vv.offsetTop}px`);
  };
  fit();
  vv.addEventListener('resize', fit);
  vv.addEventListener('scroll', fit);
  return () => {
    vv.removeEventListener('resize', fit);
    vv.removeEventListener('scroll', fit);
  };
}

/** Locks the page's scroll; returns the function that restores it. */
export function lockPageScroll(): () => void {
  const html = document.documentElement;
  const body = document.body;
  const saved = [html.style.overflow, body.style.overflow];
  html.style.overflow = body.style.overflow = 'hidden';
  return () => {
    [html.style.overflow, body.style.overflow] = saved;
  };
}
