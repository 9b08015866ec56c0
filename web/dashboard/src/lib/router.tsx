// Client-side routes under /app (the server answers index.html for any of them): the path
// lives in location, navigate() pushes it, and usePath() re-renders on every change.

import { useEffect, useState } from 'preact/hooks';
import type { AnchorHTMLAttributes, TargetedMouseEvent } from 'preact';
import { requestFocus } from './focus';

const listeners = new Set<() => void>();
const changed = () => listeners.forEach((l) => l());
addEventListener('popstate', () => {
  requestFocus();
  changed();
});

export function navigate(to: string, { replace = false, focus = !replace }: { replace?: boolean; focus?: boolean } = {}) {
  if (to === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  if (focus) requestFocus();
  changed();
}

/** The current path and query, re-rendering on change. */
export function usePath(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return { path: location.pathname.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) };
}

/** Matches `/app/inbox/:id` against a path; the params, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** An <a> that navigates without reloading (a modified click still opens a new tab). */
export function Link({ focus = true, ...props }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; focus?: boolean }) {
  const onClick = (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    (props.onClick as ((e: unknown) => void) | undefined)?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href, { focus });
  };
  return <a {...props} onClick={onClick} />;
}
