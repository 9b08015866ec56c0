// Builds a framework's example app with esbuild and serves it from the host site (another
// origin than the server, as on a customer's site), then checks what the issue asks of every
// package: the widget appears (once), opens, a message sent through the REST API reaches the
// example's onMessage, a changed user reaches the server, unmounting removes every node.

import * as esbuild from 'esbuild';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { open, nextSession, until, launcher, panel } from '../../e2e/lib/browser.mjs';
import { pageHtml } from '../../e2e/lib/host.mjs';
import { vuePlugin } from './vue-plugin.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles `entry` (under apps/) for the browser. In its sources, the spec's 'ch_webchat_123'
 * becomes the real channel and LINKTOR_BASE_URL our server: the only differences from the spec.
 * `root`: the project whose apps/ and node_modules are used (default this one).
 */
export async function bundle(entry, { channelId, baseUrl, define = {}, nodePaths = [], alias = {}, root = here }) {
  const replace = {
    name: 'spec-ids',
    setup(b) {
      b.onLoad({ filter: /apps\/.*\.(tsx?|js)$/ }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        const src = (await readFile(args.path, 'utf8')).replaceAll('ch_webchat_123', channelId);
        return { contents: src, loader: args.path.endsWith('.tsx') ? 'tsx' : args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
  const r = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [`apps/${entry}`],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    logLevel: 'warning',
    // Angular's decorators (JIT reads them at run time); .html templates as text.
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    loader: { '.html': 'text' },
    nodePaths,
    alias,
    // Development builds: React's StrictMode then mounts, unmounts and mounts again.
    define: { 'process.env.NODE_ENV': '"development"', LINKTOR_BASE_URL: JSON.stringify(baseUrl), ...define },
    // In .vue templates LINKTOR_BASE_URL is text, so it is replaced as text.
    plugins: [vuePlugin((s) => s.replaceAll('ch_webchat_123', channelId).replaceAll('LINKTOR_BASE_URL', baseUrl)), replace],
  });
  return r.outputFiles[0].text;
}

/** Registers the app's page on the host site; returns its URL. */
export function servePage(host, name, js) {
  host.page(`/${name}.js`, js, {}, 'text/javascript; charset=utf-8');
  return host.page(`/${name}.html`, pageHtml(`<div id="app"></div><app-root></app-root><script type="module" src="/${name}.js"></script>`, { body: '' }));
}

/** Every `console.log('New message:', message)` of the spec's example, as the message object. */
export function specMessages(page) {
  const got = [];
  page.on('console', async (m) => {
    if (m.type() === 'log' && m.text().startsWith('New message:')) got.push(await m.args()[1].jsonValue());
  });
  return got;
}

/**
 * The checks every framework passes. `setUser(page, user)` and `unmount(page)` drive the
 * app's own harness (window.__app).
 */
export async function checkExample({ world, url, initialUser, setUser = (p, u) => p.evaluate((u) => window.__app.setUser(u), u), unmount = (p) => p.evaluate(() => window.__app.unmount()) }) {
  const { server, browser } = world;
  const { page, errors, context } = await open(browser);
  const messages = specMessages(page);
  const session = nextSession(page);
  session.catch(() => undefined); // awaited below; a failure before then is reported instead
  await page.goto(url);

  // The widget appears, exactly once (StrictMode mounts twice), with the example's options.
  await launcher(page)
    .waitFor({ state: 'visible' })
    .catch((e) => assert.fail(`no launcher: ${e.message}; page errors: ${JSON.stringify(errors)}`));
  await page.waitForTimeout(500); // a second widget would show up by now
  assert.equal(await page.locator('.linktor-widget').count(), 1, 'exactly one widget');
  const primary = await page.locator('.linktor-widget').evaluate((el) => getComputedStyle(el).getPropertyValue('--linktor-primary').trim().toLowerCase());
  assert.equal(primary, '#0066ff');
  assert.equal(await page.locator('.linktor-widget.linktor-left').count(), 0, "position 'bottom-right'");

  // Opens, and the visitor session carries the example's user.
  await launcher(page).click();
  await panel(page).waitFor({ state: 'visible' });
  const { visitorId } = await session;
  const visitor = await server.api('GET', `/v1/visitors/${visitorId}`);
  assert.equal(visitor.user.id, initialUser.id);
  assert.equal(visitor.user.name, initialUser.name);
  assert.equal(visitor.user.email, initialUser.email);

  // A message through the REST API reaches onMessage.
  const sent = await server.agentSend(visitorId, { type: 'text', text: 'Hello from the API' });
  await until(() => messages.some((m) => m.id === sent.id), 10_000, 'the API message in onMessage');
  const got = messages.find((m) => m.id === sent.id);
  assert.deepEqual(got.content, { type: 'text', text: 'Hello from the API' });
  await page.locator('.linktor-message-agent', { hasText: 'Hello from the API' }).waitFor();

  // The package's programmatic API (useLinktor / LinktorService), through the app's harness.
  await page.evaluate(() => window.__app.controls.close());
  await panel(page).waitFor({ state: 'hidden' });
  await page.evaluate(() => window.__app.controls.open());
  await panel(page).waitFor({ state: 'visible' });
  await page.evaluate(() => window.__app.controls.sendMessage({ text: 'Sent by the app' }));
  await until(async () => (await server.api('GET', `/v1/conversations/${sent.conversationId}/messages`)).data.some((m) => m.direction === 'inbound' && m.content.text === 'Sent by the app'), 10_000, 'the visitor message on the server');
  await until(() => messages.some((m) => m.content.text === 'Sent by the app'), 10_000, "the visitor's own message in onMessage");

  // A changed user reaches the server.
  await setUser(page, { ...initialUser, name: 'Jane Roe', email: 'jane@example.com' });
  await until(async () => (await server.api('GET', `/v1/visitors/${visitorId}`)).user.name === 'Jane Roe', 10_000, 'the new user on the server');
  assert.equal((await server.api('GET', `/v1/visitors/${visitorId}`)).user.email, 'jane@example.com');

  // Unmounting removes every node (and the widget's styles).
  await unmount(page);
  await until(async () => (await page.locator('.linktor-widget').count()) === 0, 5_000, 'no .linktor-widget');
  assert.equal(await page.locator('[class*="linktor-"]').count(), 0);
  assert.equal(await page.locator('style[data-linktor]').count(), 0);

  assert.deepEqual(errors, []);
  await context.close();
  return { visitorId };
}

/**
 * The callbacks besides onMessage, and option changes, through an app that records events in
 * window.__events and whose harness can re-render (`rerender()`: same options, new callback
 * functions) and change the colour (`recolor(hex)`).
 */
export async function checkEvents({ world, url }) {
  const { page, errors, context } = await open(world.browser);
  await page.goto(url);
  const events = () => page.evaluate(() => window.__events);
  await until(async () => (await events()).includes('ready'), 10_000, 'ready');
  await launcher(page).click();
  await until(async () => (await events()).includes('open'), 10_000, 'open');
  await launcher(page).click();
  await until(async () => (await events()).includes('close'), 10_000, 'close');
  assert.deepEqual(await events(), ['ready', 'open', 'close']);

  // New callback functions (a re-render) keep the same widget; they are the ones called.
  await page.evaluate(() => (document.querySelector('.linktor-widget').__mark = 1));
  await page.evaluate(() => window.__app.rerender());
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.querySelector('.linktor-widget')?.__mark), 1, 'the same widget');
  await launcher(page).click();
  await until(async () => (await events()).includes('open#2'), 10_000, 'open through the new callback');

  // Another option re-creates the widget with it.
  await page.evaluate(() => window.__app.recolor('#AA0000'));
  await until(
    () => page.evaluate(() => getComputedStyle(document.querySelector('.linktor-widget') ?? document.body).getPropertyValue('--linktor-primary').trim().toLowerCase() === '#aa0000'),
    10_000,
    'the new colour',
  );
  assert.equal(await page.locator('.linktor-widget').count(), 1);
  assert.equal(await page.evaluate(() => document.querySelector('.linktor-widget').__mark), undefined, 'a new widget');
  assert.deepEqual(errors, []);
  await context.close();
}
