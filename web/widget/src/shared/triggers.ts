// Proactive message triggers of the spec: `time`, `pageview` (with `page`), `scroll` (with
// `percentage`) and `exit_intent`, each followed by its `delay`. A rule fires at most once per
// page load; with `onlyOnce` it never fires again in this browser (the `seen` set is stored).
// A pageview counts while the visitor is on `page`: single-page sites move between pages with
// history.pushState/replaceState (wrapped while rules wait for it) or back/forward (popstate),
// and leaving the page before `delay` is over cancels the message.

import type { ProactiveMessageOption } from '@linktor/shared/options';

type Listeners = Pick<Window, 'addEventListener' | 'removeEventListener'>;

export interface TriggerEnv {
  win: Listeners & Pick<Window, 'scrollY' | 'innerHeight'> & { location: { pathname: string }; history: object };
  doc: Listeners & { documentElement: { scrollHeight: number } };
  setTimeout: (f: () => void, ms: number) => any;
  clearTimeout: (t: any) => void;
}

export interface SeenRules {
  has(key: string): boolean;
  add(key: string): void;
}

/** A rule's identity for `onlyOnce`: its trigger and text (stable when rules are reordered). */
export const ruleKey = (r: ProactiveMessageOption) => r.trigger + ':' + r.message;

/** `page` is a path: exact (a trailing slash aside), or a prefix when it ends with '*'. */
export function pageMatches(page: string, pathname: string): boolean {
  if (page.endsWith('*')) return pathname.startsWith(page.slice(0, -1));
  const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  return trim(page) === trim(pathname);
}

/** Whether the visitor has scrolled `percentage` % of what the page can scroll (never on a page that cannot scroll). */
export const scrolledPast = (percentage: number, scrollY: number, viewport: number, height: number) => height > viewport && (scrollY / (height - viewport)) * 100 >= percentage;

/**
 * Calls `f` after every change of the URL without a page load: `history.pushState` and
 * `replaceState` (each replaced by a wrapper that runs the page's own function first and
 * returns what it returns) and back/forward (`popstate`). The returned function puts the
 * page's functions back; when a script has wrapped ours since, ours stays under theirs, inert.
 */
export function watchNavigation(win: TriggerEnv['win'], f: () => void): () => void {
  const h = win.history as Record<string, any>;
  let on = 1;
  const heard = () => on && f();
  const undo = ['pushState', 'replaceState'].map((k) => {
    const page = h[k];
    const own = h.hasOwnProperty(k);
    const ours = function (this: unknown) {
      const r = page.apply(this, arguments);
      heard();
      return r;
    };
    h[k] = ours;
    return () => h[k] === ours && (own ? (h[k] = page) : delete h[k]);
  });
  win.addEventListener('popstate', heard);
  return () => {
    on = 0;
    undo.forEach((u) => u());
    win.removeEventListener('popstate', heard);
  };
}

/** Starts watching; returns the function that stops every listener and timer. */
export function watchTriggers(rules: ProactiveMessageOption[], env: TriggerEnv, seen: SeenRules, show: (rule: ProactiveMessageOption) => void): () => void {
  const timers = new Set<any>();
  const stops: (() => void)[] = [];
  const pages: (() => void)[] = [];
  // Called unbound: window.setTimeout throws "Illegal invocation" when called on another object.
  const { setTimeout: later, clearTimeout: cancel } = env;
  /** Shows `r` after its delay (then calls `shown`); returns the timer. */
  const fire = (r: ProactiveMessageOption, shown?: () => void) => {
    const t = later(() => {
      timers.delete(t);
      const key = ruleKey(r);
      if (r.onlyOnce) {
        if (seen.has(key)) return; // another rule with the same text fired meanwhile
        seen.add(key);
      }
      shown?.();
      show(r);
    }, r.delay ?? 0);
    timers.add(t);
    return t;
  };
  const listen = (target: Listeners, type: string, f: (e: any) => boolean, r: ProactiveMessageOption) => {
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
      let t: any;
      let done = 0;
      const check = () => {
        if (done) return;
        if (!pageMatches(r.page!, env.win.location.pathname)) {
          cancel(t);
          timers.delete(t);
          t = 0;
        } else t ||= fire(r, () => (done = 1));
      };
      pages.push(check);
      check();
    } else if (r.trigger === 'scroll') {
      const reached = () => scrolledPast(r.percentage!, env.win.scrollY, env.win.innerHeight, env.doc.documentElement.scrollHeight);
      if (reached()) fire(r);
      else listen(env.win, 'scroll', reached, r);
    } else if (r.trigger === 'exit_intent') {
      // The pointer leaves the page through its top edge: towards the tabs or the address bar.
      listen(env.doc, 'mouseout', (e: MouseEvent) => !e.relatedTarget && e.clientY <= 0, r);
    }
  }
  if (pages.length) stops.push(watchNavigation(env.win, () => pages.forEach((c) => c())));
  return () => {
    timers.forEach((t) => cancel(t));
    timers.clear();
    stops.forEach((s) => s());
  };
}
