// What the widget costs a host page, measured in Chromium against the real server (not a
// timed test: it prints figures for BENCHMARKS.md).
//  - bytes: every response from the linktor origin, gzipped here at level 9, before the
//    visitor opens the chat and in total after opening it (and as transferred);
//  - main thread: Chromium's TaskDuration for a blank page and for the same page with the
//    spec's snippet (median of runs), and the longest task (PerformanceObserver 'longtask').
// Usage: node bench/weight.mjs [runs]   (LINKTOR_BIN, CHROMIUM as for the e2e tests)

import { gzipSync } from 'node:zlib';
import { cpus, loadavg } from 'node:os';
import { launch, open } from '../../e2e/lib/browser.mjs';
import { pageHtml, snippetPage } from '../../e2e/lib/host.mjs';
import { startHost } from '../../e2e/lib/host.mjs';
import { startServer } from '../../e2e/lib/server.mjs';

const RUNS = Number(process.argv[2] ?? 7);
const server = await startServer();
const host = await startHost();
const browser = await launch();
const body = '<main><h1>Acme Store</h1><p>' + 'Welcome to our store. '.repeat(200) + '</p></main>';
const blankUrl = host.page('/blank', pageHtml('', { body }));
const widgetUrl = host.page('/widget', snippetPage(server.origin, `linktor('init', {\n    channelId: '${server.channel.id}'\n  });`, { body }));

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bytes() {
  const { page, context } = await open(browser, null);
  const seen = [];
  page.on('response', async (r) => {
    if (!r.url().startsWith(server.origin) || r.request().method() === 'OPTIONS') return;
    const buf = await r.body().catch(() => Buffer.alloc(0));
    const sizes = await r.request().sizes().catch(() => ({ responseBodySize: buf.length }));
    seen.push({ path: new URL(r.url()).pathname, raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length, transferred: sizes.responseBodySize });
  });
  await page.goto(widgetUrl);
  await page.locator('.linktor-launcher').waitFor();
  await page.waitForTimeout(2000); // idle: nothing more should load for a new visitor
  const before = seen.splice(0);
  await page.locator('.linktor-launcher').click();
  await page.locator('.linktor-panel').waitFor({ state: 'visible' });
  await page.waitForTimeout(1500);
  const after = seen.splice(0);
  await context.close();
  return { before, after };
}

/**
 * The tasks in which the widget's code ran (a trace of the page's main thread: every
 * top-level task holding a script evaluation or a call into /v1/linktor*.js).
 */
async function widgetTasks(throttle) {
  const { page, context } = await open(browser, null);
  const cdp = await context.newCDPSession(page);
  if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await page.goto(widgetUrl, { waitUntil: 'load' });
  await new Promise((r) => setTimeout(r, 2000));
  await cdp.send('Tracing.end');
  await done;
  await context.close();
  const ours = events.filter((e) => (e.name === 'EvaluateScript' || e.name === 'FunctionCall' || e.name === 'v8.compile') && /\/v1\/linktor[\w.-]*\.js/.test(e.args?.data?.url ?? ''));
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X');
  const mine = new Set();
  for (const o of ours) for (const t of tasks) if (t.pid === o.pid && t.tid === o.tid && t.ts <= o.ts && o.ts <= t.ts + t.dur) mine.add(t);
  const durations = [...mine].map((t) => t.dur / 1000);
  return { count: durations.length, total: durations.reduce((a, b) => a + b, 0), longest: Math.max(0, ...durations) };
}

async function mainThread(url, throttle) {
  const { page, context } = await open(browser, null, {
    init: () => {
      window.__long = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration))).observe({ type: 'longtask', buffered: true });
    },
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await page.goto(url, { waitUntil: 'load' });
  // A plain wait, the same for both pages: Playwright's own polling would run on the page's
  // main thread and be counted.
  await new Promise((r) => setTimeout(r, 2000));
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  const long = await page.evaluate(() => window.__long);
  await context.close();
  return { task: m.TaskDuration * 1000, script: m.ScriptDuration * 1000, longest: Math.max(0, ...long) };
}

try {
  console.log(`Chromium ${browser.version()}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)} at start (timings grow with load)`);
  const { before, after } = await bytes();
  const sum = (xs, k) => xs.reduce((n, x) => n + x[k], 0);
  console.log('Bytes from the linktor server (gzip -9 of each body; "as served" is what went over the wire)');
  for (const [label, list] of [['before opening', before], ['on opening', after]]) {
    console.log(`  ${label}:`);
    for (const r of list) console.log(`    ${r.path.padEnd(52)} ${kb(r.gzip).padStart(9)} gzip  ${kb(r.raw).padStart(9)} raw  ${kb(r.transferred).padStart(9)} as served`);
  }
  const scripts = (xs) => xs.filter((r) => r.path.endsWith('.js') || /linktor-\w+\.json$/.test(r.path));
  console.log(`  before opening: ${kb(sum(before, 'gzip'))} gzip in all, of which widget code ${kb(sum(scripts(before), 'gzip'))} (budget 6 KB)`);
  console.log(`  after opening:  ${kb(sum(before, 'gzip') + sum(after, 'gzip'))} gzip in all, of which widget code ${kb(sum(scripts(before), 'gzip') + sum(scripts(after), 'gzip'))} (budget 30 KB)`);

  for (const throttle of [1, 4]) {
    const blank = [];
    const widget = [];
    for (let i = 0; i < RUNS; i++) {
      blank.push(await mainThread(blankUrl, throttle));
      widget.push(await mainThread(widgetUrl, throttle));
    }
    const t = (xs, k) => median(xs.map((x) => x[k]));
    console.log(`Main thread during load, median of ${RUNS}${throttle > 1 ? `, CPU slowed ${throttle}×` : ''}:`);
    console.log(`  blank page:        tasks ${t(blank, 'task').toFixed(1)} ms, script ${t(blank, 'script').toFixed(1)} ms`);
    console.log(`  with the widget:   tasks ${t(widget, 'task').toFixed(1)} ms, script ${t(widget, 'script').toFixed(1)} ms`);
    const longest = (xs) => Math.max(...xs.map((x) => x.longest)).toFixed(0);
    console.log(`  added by widget:   ${(t(widget, 'task') - t(blank, 'task')).toFixed(1)} ms of tasks, ${(t(widget, 'script') - t(blank, 'script')).toFixed(1)} ms of script`);
    console.log(`  long tasks (≥ 50 ms) during load: blank page ${longest(blank)} ms, with the widget ${longest(widget)} ms (0 = none)`);
    const traced = [];
    for (let i = 0; i < RUNS; i++) traced.push(await widgetTasks(throttle));
    console.log(`  tasks running widget code: ${median(traced.map((x) => x.count))}, ${median(traced.map((x) => x.total)).toFixed(1)} ms in all, longest ${median(traced.map((x) => x.longest)).toFixed(1)} ms (worst run ${Math.max(...traced.map((x) => x.longest)).toFixed(1)} ms)`);
  }
} finally {
  await browser.close();
  await host.stop();
  await server.stop();
}
