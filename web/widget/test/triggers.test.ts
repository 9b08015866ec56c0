import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageMatches, ruleKey, scrolledPast, watchNavigation, watchTriggers, type TriggerEnv } from '../src/shared/triggers';
import type { ProactiveMessageOption } from '@linktor/shared/options';
import { FakeClock } from './fakes';

/** A page: a path, a scroll position, and listeners that tests can fire. */
function page(pathname = '/', height = 3000) {
  const clock = new FakeClock();
  const listeners = new Map<string, Set<(e: any) => void>>();
  const target = {
    addEventListener: (t: string, f: any) => (listeners.get(t) ?? listeners.set(t, new Set()).get(t)!).add(f),
    removeEventListener: (t: string, f: any) => void listeners.get(t)?.delete(f),
  };
  const location = { pathname };
  // The page's own history: its methods on a prototype, as History's are in browsers.
  const calls: unknown[][] = [];
  const proto = {
    pushState(this: unknown, _state: unknown, _title: string, url: string) {
      calls.push([this, url]);
      location.pathname = url;
      return 'page result';
    },
    replaceState(this: unknown, _state: unknown, _title: string, url: string) {
      calls.push([this, url]);
      location.pathname = url;
    },
  };
  const history = Object.create(proto);
  const win = { ...target, scrollY: 0, innerHeight: 1000, location, history };
  const doc = { ...target, documentElement: { scrollHeight: height } };
  const env = { win, doc, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout } as unknown as TriggerEnv;
  const fire = (type: string, e: any = {}) => [...(listeners.get(type) ?? [])].forEach((f) => f(e));
  const count = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  return { clock, win, env, fire, count, history, proto, calls };
}

function seenSet(initial: string[] = []) {
  const s = new Set(initial);
  return { has: (k: string) => s.has(k), add: (k: string) => void s.add(k), s };
}

test('time: shown after its delay, once', () => {
  const p = page();
  const shown: string[] = [];
  watchTriggers([{ trigger: 'time', delay: 30000, message: 'Hi!' }], p.env, seenSet(), (r) => shown.push(r.message));
  p.clock.advance(29999);
  assert.deepEqual(shown, []);
  p.clock.advance(1);
  assert.deepEqual(shown, ['Hi!']);
  p.clock.advance(100000);
  assert.deepEqual(shown, ['Hi!']);
});

test('pageview: only on its page, then after its delay', () => {
  const rule: ProactiveMessageOption = { trigger: 'pageview', page: '/pricing', delay: 10000, message: 'Pricing?' };
  const elsewhere = page('/about');
  const shown: string[] = [];
  watchTriggers([rule], elsewhere.env, seenSet(), (r) => shown.push(r.message));
  elsewhere.clock.advance(60000);
  assert.deepEqual(shown, []);
  // A single-page site navigating back to /pricing.
  elsewhere.win.location.pathname = '/pricing';
  elsewhere.fire('popstate');
  elsewhere.clock.advance(10000);
  assert.deepEqual(shown, ['Pricing?']);

  const there = page('/pricing/');
  const shown2: string[] = [];
  watchTriggers([rule], there.env, seenSet(), (r) => shown2.push(r.message));
  there.clock.advance(10000);
  assert.deepEqual(shown2, ['Pricing?']);
});

test('pageview on a single-page site: pushState and replaceState are heard, and leaving before the delay cancels', () => {
  const rule: ProactiveMessageOption = { trigger: 'pageview', page: '/pricing', delay: 10000, message: 'Pricing?' };
  const p = page('/');
  const shown: string[] = [];
  const stop = watchTriggers([rule], p.env, seenSet(), (r) => shown.push(r.message));
  p.history.pushState({}, '', '/pricing');
  p.clock.advance(5000);
  p.history.replaceState({}, '', '/about'); // gone before the 10 s
  p.clock.advance(60000);
  assert.deepEqual(shown, [], 'not shown on a page it is not for');
  p.history.pushState({}, '', '/pricing/');
  p.clock.advance(10000);
  assert.deepEqual(shown, ['Pricing?']);
  p.history.pushState({}, '', '/');
  p.history.pushState({}, '', '/pricing');
  p.clock.advance(60000);
  assert.deepEqual(shown, ['Pricing?'], 'once per page load');
  stop();
});

test("the page's history functions still run as before, and stop puts them back", () => {
  const p = page('/');
  const heard: string[] = [];
  const stop = watchNavigation(p.win, () => heard.push(p.win.location.pathname));
  assert.ok(Object.hasOwn(p.history, 'pushState'), 'wrapped while watching');
  assert.equal(p.history.pushState({ a: 1 }, '', '/one'), 'page result', "the page's return value");
  p.history.replaceState(null, '', '/two');
  assert.deepEqual(p.calls, [[p.history, '/one'], [p.history, '/two']], "called with the page's this and arguments");
  p.win.location.pathname = '/three';
  p.fire('popstate');
  assert.deepEqual(heard, ['/one', '/two', '/three']);
  stop();
  assert.ok(!Object.hasOwn(p.history, 'pushState') && !Object.hasOwn(p.history, 'replaceState'), "the prototype's functions again");
  assert.equal(p.history.pushState, p.proto.pushState);
  assert.equal(p.count(), 0, 'popstate listener removed');
  p.history.pushState({}, '', '/four');
  assert.deepEqual(heard, ['/one', '/two', '/three'], 'nothing heard after stop');
});

test('history functions the page had replaced itself are put back, and a later wrapper of the page is left alone', () => {
  const p = page('/');
  const pagesOwn = function (this: unknown, ...a: unknown[]) {
    return (p.proto.pushState as any).apply(this, a);
  };
  p.history.pushState = pagesOwn;
  const heard: string[] = [];
  const stop = watchNavigation(p.win, () => heard.push(p.win.location.pathname));
  // A router loaded after the widget wraps pushState in turn.
  const ours = p.history.pushState;
  const routers: string[] = [];
  const routerWrapper = function (this: unknown, ...a: any[]) {
    routers.push(a[2]);
    return ours.apply(this, a);
  };
  p.history.pushState = routerWrapper;
  stop();
  assert.equal(p.history.pushState, routerWrapper, "the router's wrapper stays");
  assert.equal(p.history.replaceState, p.proto.replaceState);
  p.history.pushState({}, '', '/after');
  assert.deepEqual(routers, ['/after'], 'the router still works');
  assert.equal(p.win.location.pathname, '/after', 'and so does the page');
  assert.deepEqual(heard, [], 'ours is inert');

  const q = page('/');
  q.history.pushState = pagesOwn;
  watchNavigation(q.win, () => undefined)();
  assert.equal(q.history.pushState, pagesOwn, "the page's own function, not the prototype's");
});

test('no pageview rule, no wrapping', () => {
  const p = page('/');
  const stop = watchTriggers([{ trigger: 'time', message: 'x' }], p.env, seenSet(), () => undefined);
  assert.ok(!Object.hasOwn(p.history, 'pushState'));
  stop();
});

test('scroll: when the visitor passes the percentage', () => {
  const p = page('/', 3000);
  const shown: string[] = [];
  watchTriggers([{ trigger: 'scroll', percentage: 75, message: 'Interested?' }], p.env, seenSet(), (r) => shown.push(r.message));
  p.win.scrollY = 1400; // 70 % of the 2000 px that can scroll
  p.fire('scroll');
  p.clock.advance(0);
  assert.deepEqual(shown, []);
  p.win.scrollY = 1500;
  p.fire('scroll');
  p.clock.advance(0);
  assert.deepEqual(shown, ['Interested?']);
  assert.equal(p.count(), 0, 'stops listening once fired');
});

test('exit_intent: the pointer leaving through the top of the page', () => {
  const p = page();
  const shown: string[] = [];
  watchTriggers([{ trigger: 'exit_intent', message: 'Wait!' }], p.env, seenSet(), (r) => shown.push(r.message));
  p.fire('mouseout', { relatedTarget: {}, clientY: -5 });
  p.fire('mouseout', { relatedTarget: null, clientY: 300 });
  p.clock.advance(0);
  assert.deepEqual(shown, []);
  p.fire('mouseout', { relatedTarget: null, clientY: -1 });
  p.clock.advance(0);
  assert.deepEqual(shown, ['Wait!']);
});

test('onlyOnce: remembered across page loads through the seen set', () => {
  const rule: ProactiveMessageOption = { trigger: 'time', delay: 5, message: 'Once', onlyOnce: true };
  const seen = seenSet();
  const first = page();
  const shown: string[] = [];
  watchTriggers([rule], first.env, seen, (r) => shown.push(r.message));
  first.clock.advance(5);
  assert.deepEqual(shown, ['Once']);
  assert.ok(seen.has(ruleKey(rule)));
  const second = page();
  watchTriggers([rule], second.env, seenSet([...seen.s]), (r) => shown.push(r.message));
  second.clock.advance(1000);
  assert.deepEqual(shown, ['Once'], 'not again on the next page');
});

test('stopping removes every timer and listener', () => {
  const p = page('/about');
  const stop = watchTriggers(
    [
      { trigger: 'time', delay: 1000, message: 'a' },
      { trigger: 'scroll', percentage: 50, message: 'b' },
      { trigger: 'exit_intent', message: 'c' },
      { trigger: 'pageview', page: '/x', message: 'd' },
      { trigger: 'pageview', page: '/about', delay: 500, message: 'e' },
    ],
    p.env,
    seenSet(),
    () => assert.fail('nothing shows after stop'),
  );
  assert.equal(p.clock.pending, 2);
  assert.equal(p.count(), 3, 'scroll, mouseout, popstate');
  assert.ok(Object.hasOwn(p.history, 'pushState'));
  stop();
  assert.equal(p.clock.pending, 0);
  assert.equal(p.count(), 0);
  assert.ok(!Object.hasOwn(p.history, 'pushState') && !Object.hasOwn(p.history, 'replaceState'));
  p.history.pushState({}, '', '/x');
  p.clock.advance(5000);
});

test('page paths and scroll arithmetic', () => {
  assert.ok(pageMatches('/pricing', '/pricing/'));
  assert.ok(!pageMatches('/pricing', '/pricing/enterprise'));
  assert.ok(pageMatches('/docs/*', '/docs/a/b'));
  assert.ok(pageMatches('/', '/'));
  assert.ok(scrolledPast(50, 500, 1000, 2000));
  assert.ok(!scrolledPast(51, 500, 1000, 2000));
  assert.ok(scrolledPast(100, 1500, 1000, 2000), 'past the end (overscroll) counts');
  assert.ok(!scrolledPast(0, 0, 1000, 900), 'a page that cannot scroll never reaches any percentage');
});
