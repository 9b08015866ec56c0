// Proactive message triggers of the spec: `time`, `pageview` (with `page`), `scroll` (with
// `percentage`) and `exit_intent`, each followed by its `delay`. A rule fires at most once per
// page load; with `onlyOnce` it never fires again in this browser (the `seen` set is stored).

import type { ProactiveRule } from './options';

export interface TriggerEnv {
  win: Pick<Window, 'addEventListener' | 'removeEventListener' | 'scrollY' | 'innerHeight'> & { location: { pathname: string } };
  doc: { documentElement: { scrollHeight: number }; addEventListener: Document['addEventListener']; removeEventListener: Document['removeEventListener'] };
  setTimeout: (f: () => void, ms: number) => any;
  clearTimeout: (t: any) => void;
}

export interface SeenRules {
  has(key: string): boolean;
  add(key: string): void;
}

/** A rule's identity for `onlyOnce`: its trigger and text (stable when rules are reordered). */
export const ruleKey = (r: ProactiveRule) => r.trigger + ':' + r.message;

/** `page` is a path: exact (a trailing slash aside), or a prefix when it ends with '*'. */
export function pageMatches(page: string, pathname: string): boolean {
  if (page.endsWith('*')) return pathname.startsWith(page.slice(0, -1));
  const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  return trim(page) === trim(pathname);
}

/** How far down the page the visitor has scrolled, 0–100; null when the page cannot scroll. */
export function scrolledPercent(scrollY: number, viewport: number, height: number): number | null {
  const max = height - viewport;
  return max > 0 ? Math.min(100, (scrollY / max) * 100) : null;
}

/** Starts watching; returns the function that stops every listener and timer. */
export function watchTriggers(rules: ProactiveRule[], env: TriggerEnv, seen: SeenRules, show: (rule: ProactiveRule) => void): () => void {
  const timers = new Set<any>();
  const stops: (() => void)[] = [];
  // Called unbound: window.setTimeout throws "Illegal invocation" when called on another object.
  const { setTimeout: later, clearTimeout: cancel } = env;
  const fire = (r: ProactiveRule) => {
    const key = ruleKey(r);
    if (r.onlyOnce && seen.has(key)) return;
    const t = later(() => {
      timers.delete(t);
      if (r.onlyOnce) {
        if (seen.has(key)) return; // another rule with the same text fired meanwhile
        seen.add(key);
      }
      show(r);
    }, r.delay ?? 0);
    timers.add(t);
  };
  const listen = (target: TriggerEnv['win'] | TriggerEnv['doc'], type: string, f: (e: any) => boolean, r: ProactiveRule) => {
    const handler = (e: Event) => {
      if (f(e)) {
        target.removeEventListener(type, handler);
        fire(r);
      }
    };
    target.addEventListener(type, handler);
    stops.push(() => target.removeEventListener(type, handler));
  };

  for (const r of rules) {
    if (r.onlyOnce && seen.has(ruleKey(r))) continue;
    if (r.trigger === 'time') fire(r);
    else if (r.trigger === 'pageview') {
      if (pageMatches(r.page ?? '', env.win.location.pathname)) fire(r);
      // Single-page sites change the path without a load; back/forward is what we can hear.
      else listen(env.win, 'popstate', () => pageMatches(r.page ?? '', env.win.location.pathname), r);
    } else if (r.trigger === 'scroll') {
      const reached = () => (scrolledPercent(env.win.scrollY, env.win.innerHeight, env.doc.documentElement.scrollHeight) ?? -1) >= (r.percentage ?? 0);
      if (reached()) fire(r);
      else listen(env.win, 'scroll', reached, r);
    } else if (r.trigger === 'exit_intent') {
      // The pointer leaves the page through its top edge: towards the tabs or the address bar.
      listen(env.doc, 'mouseout', (e: MouseEvent) => !e.relatedTarget && e.clientY <= 0, r);
    }
  }
  return () => {
    timers.forEach((t) => cancel(t));
    timers.clear();
    stops.forEach((s) => s());
  };
}
