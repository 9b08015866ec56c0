import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageMatches, ruleKey, scrolledPercent, watchTriggers, type TriggerEnv } from '../src/shared/triggers';
import type { ProactiveRule } from '../src/shared/options';
import { FakeClock } from './fakes';

/** A page: a path, a scroll position, and listeners that tests can fire. */
function page(pathname = '/', height = 3000) {
  const clock = new FakeClock();
  const listeners = new Map<string, Set<(e: any) => void>>();
  const target = {
    addEventListener: (t: string, f: any) => (listeners.get(t) ?? listeners.set(t, new Set()).get(t)!).add(f),
    removeEventListener: (t: string, f: any) => void listeners.get(t)?.delete(f),
  };
  const win = { ...target, scrollY: 0, innerHeight: 1000, location: { pathname } };
  const doc = { ...target, documentElement: { scrollHeight: height } };
  const env = { win, doc, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout } as unknown as TriggerEnv;
  const fire = (type: string, e: any = {}) => [...(listeners.get(type) ?? [])].forEach((f) => f(e));
  const count = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  return { clock, win, env, fire, count };
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
  const rule: ProactiveRule = { trigger: 'pageview', page: '/pricing', delay: 10000, message: 'Pricing?' };
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
  const rule: ProactiveRule = { trigger: 'time', delay: 5, message: 'Once', onlyOnce: true };
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
    ],
    p.env,
    seenSet(),
    () => assert.fail('nothing shows after stop'),
  );
  assert.equal(p.clock.pending, 1);
  assert.equal(p.count(), 3);
  stop();
  assert.equal(p.clock.pending, 0);
  assert.equal(p.count(), 0);
  p.clock.advance(5000);
});

test('page paths and scroll arithmetic', () => {
  assert.ok(pageMatches('/pricing', '/pricing/'));
  assert.ok(!pageMatches('/pricing', '/pricing/enterprise'));
  assert.ok(pageMatches('/docs/*', '/docs/a/b'));
  assert.ok(pageMatches('/', '/'));
  assert.equal(scrolledPercent(500, 1000, 2000), 50);
  assert.equal(scrolledPercent(0, 1000, 900), null);
});
