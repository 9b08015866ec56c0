// Phones: below 480 px the panel fills the screen (CSS) and becomes modal. This keeps it fitted
// to the visual viewport so the on-screen keyboard never covers the composer, and stops the
// host page from scrolling behind the open panel: the one time the widget touches the page's
// styles, and it puts back exactly what the page had (value and !important) when it closes.

import { useEffect, useState } from 'preact/hooks';

export const NARROW = '(max-width: 479px)';

/** Whether the viewport is a phone's (the panel is full screen and modal), following changes. */
export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const m = matchMedia(NARROW);
    const f = () => setNarrow(m.matches);
    m.addEventListener('change', f);
    return () => m.removeEventListener('change', f);
  }, []);
  return narrow;
}

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

/**
 * Locks the page's scroll (`overflow: hidden !important` on <html> and <body>, so the site's
 * own `!important` rules cannot undo it); returns the function that restores each element's
 * inline overflow-x and overflow-y as they were, priority included, and no style attribute
 * where there was none.
 */
export function lockPageScroll(): () => void {
  const undo = [document.documentElement, document.body].map((el) => {
    const { style } = el;
    const had = el.hasAttribute('style');
    const saved = ['overflow-x', 'overflow-y'].map((p) => [p, style.getPropertyValue(p), style.getPropertyPriority(p)]);
    style.setProperty('overflow', 'hidden', 'important');
    return () => {
      for (const [p, value, priority] of saved) {
        if (value) style.setProperty(p, value, priority);
        else style.removeProperty(p);
      }
      if (!had && !style.length) el.removeAttribute('style');
    };
  });
  return () => undo.forEach((u) => u());
}
