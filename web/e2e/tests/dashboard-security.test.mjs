// The dashboard's guards: visitor-controlled text (name, message, metadata) is shown as text,
// never HTML; cookie-authenticated writes need the CSRF token; an agent sees only their own
// account; an agent (not admin) is refused admin endpoints; axe-core finds no accessibility
// violation on the sign-in page, the channel settings and the inbox.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, openChat, say } from '../lib/browser.mjs';
import { snippetPage } from '../lib/host.mjs';
import { axe, createAgent, dashboardWorld, pageFetch, realErrors, setAvailability, signIn } from '../lib/dashboard.mjs';
import { linktorCli } from '../lib/server.mjs';

const w = dashboardWorld();
let admin;
const adminPage = async () => (admin ??= await signIn(w));

const EVIL_NAME = '<img src=x onerror="window.__pwned=1">Mallory';
const EVIL_TEXT = '<script>window.__pwned=2</script><b>bold?</b><img src=y onerror="window.__pwned=3">';

test('script and HTML in a visitor name, message and metadata are shown as text', async () => {
  const { page, errors } = await adminPage();
  await setAvailability(page, 'online');
  const init = `linktor('init', { channelId: '${w.server.channel.id}', offline: { enabled: false }, user: { name: ${JSON.stringify(EVIL_NAME)}, email: 'mallory@example.com', metadata: { note: '<svg onload="window.__pwned=4">', plan: 'pro' } } });`;
  const visitor = await open(w.browser, w.host.page('/evil', snippetPage(w.server.origin, init)));
  await openChat(visitor.page);
  await say(visitor.page, EVIL_TEXT);
  await visitor.page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();

  const item = page.locator('.conv-item', { hasText: 'Mallory' });
  await item.waitFor();
  await item.click();
  const msg = page.locator('.thread .msg-in', { hasText: 'bold?' });
  await msg.waitFor();
  assert.ok((await msg.innerText()).includes(EVIL_TEXT), 'the message as typed');
  assert.ok((await page.locator('#thread-title').innerText()).includes(EVIL_NAME));
  const panel = page.locator('.visitor-panel');
  await panel.getByText('<svg onload="window.__pwned=4">').waitFor();
  assert.ok((await panel.innerText()).includes(EVIL_NAME));
  assert.equal(await page.locator('img[src=x], img[src=y], .thread script, .visitor-panel svg, .thread b, .conv-items img').count(), 0, 'no element injected');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(realErrors(errors), [], 'no dialog, no error');
  await visitor.context.close();
});

test('a POST without the CSRF token is refused with 403; with it, it passes', async () => {
  const { page } = await adminPage();
  const body = { name: 'CSRF probe', allowedDomains: ['example.com'] };
  const refused = await pageFetch(page, 'POST', '/v1/channels', body, { csrf: false });
  assert.equal(refused.status, 403);
  assert.equal(refused.body?.error?.code, 'csrf_failed');
  const wrong = await page.evaluate(async (b) => (await fetch('/v1/channels', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'forged' }, body: JSON.stringify(b) })).status, body);
  assert.equal(wrong, 403);
  const list = await pageFetch(page, 'GET', '/v1/channels', undefined, { csrf: false });
  assert.ok(!list.body.some((c) => c.name === 'CSRF probe'), 'nothing was created');
  const ok = await pageFetch(page, 'POST', '/v1/channels', body);
  assert.equal(ok.status, 201);
});

test("an agent reaches nothing of another account's, and no admin endpoint", async () => {
  // A second account on the same server, made as an operator would (`linktor account create`),
  // with its own channel, API key, visitor and conversation: its ids must be refused here (403).
  const acc = linktorCli(w.server.env, 'account', 'create', '--name', 'Other Co');
  const otherChannel = linktorCli(w.server.env, '--account', acc.id, 'channel', 'create', '--name', 'Other', '--allowed-domains', 'localhost');
  const { key } = linktorCli(w.server.env, '--account', acc.id, 'api-key', 'create', '--name', 'other');
  {
    const s = await (await fetch(`${w.server.origin}/v1/widget/sessions`, { method: 'POST', headers: { Origin: 'http://localhost', 'Content-Type': 'application/json' }, body: JSON.stringify({ channelId: otherChannel.id }) })).json();
    const sent = await fetch(`${w.server.origin}/v1/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ channelId: otherChannel.id, to: s.visitorId, content: { type: 'text', text: 'secret of the other account' } }),
    });
    assert.equal(sent.status, 201);
    const m = await sent.json();
    const other = { channel: otherChannel };
    createAgent(w.server, { email: 'agent@example.com', password: 'agent password 1', name: 'Andy Agent', role: 'agent' });
    const { page, context, errors } = await signIn(w, { email: 'agent@example.com', password: 'agent password 1' });
    for (const path of [`/v1/conversations/${m.conversationId}`, `/v1/conversations/${m.conversationId}/messages`, `/v1/visitors/${s.visitorId}`, `/v1/channels/${other.channel.id}`]) {
      const r = await pageFetch(page, 'GET', path);
      assert.equal(r.status, 403, `${path} → ${r.status}`);
    }
    const post = await pageFetch(page, 'POST', `/v1/conversations/${m.conversationId}/messages`, { content: { type: 'text', text: 'hi' } });
    assert.equal(post.status, 403, `send → ${post.status}`);
    const list = await pageFetch(page, 'GET', '/v1/conversations?status=open');
    assert.ok(!JSON.stringify(list.body).includes('secret of the other account'));

    // The agent role: inbox, own availability and password, the labels (to read) and the saved
    // replies (every agent's); no other settings, no admin endpoints.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Saved replies', level: 1 }).waitFor();
    assert.deepEqual(await page.getByRole('navigation', { name: 'Settings' }).getByRole('link').allInnerTexts(), ['Labels', 'Saved replies']);
    assert.equal(await page.getByRole('link', { name: 'Analytics' }).count(), 0);
    for (const [method, path, body] of [
      ['POST', '/v1/channels', { name: 'x', allowedDomains: ['example.com'] }],
      ['GET', '/v1/api-keys'],
      ['GET', '/v1/webhooks'],
      ['POST', '/v1/agents', { email: 'x@example.com', name: 'x', role: 'admin', password: 'long enough' }],
    ]) {
      const r = await pageFetch(page, method, path, body);
      assert.equal(r.status, 403, `${method} ${path}`);
    }
    assert.equal((await pageFetch(page, 'PUT', '/v1/agents/me/availability', { availability: 'away' })).status, 200);
    await page.goto(`${w.server.origin}/app/settings/channels`);
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    assert.deepEqual(realErrors(errors), []);
    await context.close();
  }
});

test('axe-core: no violation on the sign-in page, the channel settings and the inbox', async () => {
  const context = await w.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const signin = await context.newPage();
  await signin.goto(`${w.server.origin}/app`);
  await signin.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.deepEqual(await axe(signin), [], 'sign-in page');
  await context.close();

  // A conversation of its own, so the inbox test needs no other test.
  const s = await (await fetch(`${w.server.origin}/v1/widget/sessions`, { method: 'POST', headers: { Origin: 'http://localhost', 'Content-Type': 'application/json' }, body: JSON.stringify({ channelId: w.server.channel.id }) })).json();
  await w.server.agentSend(s.visitorId, { type: 'text', text: 'Welcome to the axe test' });
  const { page } = await adminPage();
  for (const tab of ['appearance', 'behavior', 'installation']) {
    await page.goto(`${w.server.origin}/app/settings/channels/${w.server.channel.id}/${tab}`);
    await page.locator('.tabs [aria-current=page]', { hasText: new RegExp(tab, 'i') }).waitFor();
    // The preview settles: the widget is in its frame, or the note says the server refused it.
    if (tab !== 'installation') await page.locator('.preview .linktor-widget .linktor-launcher, .preview-note[data-state=refused]').first().waitFor();
    assert.deepEqual(await axe(page), [], `channel settings: ${tab}`);
    if (tab === 'appearance' && (await page.locator('.preview .linktor-launcher').count())) {
      // And with the preview's chat open, once its opening animation is over.
      await page.locator('.preview .linktor-launcher').click();
      await page.locator('.preview .linktor-panel').waitFor();
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity));
      assert.deepEqual(await axe(page), [], 'channel settings with the preview open');
    }
  }
  await page.goto(`${w.server.origin}/app/inbox`);
  const item = page.locator('.conv-item').first();
  await item.waitFor();
  await item.click();
  await page.locator('.thread .msg-row').first().waitFor();
  await page.locator('.visitor-panel h2').waitFor();
  assert.deepEqual(await axe(page), [], 'inbox');
});

test('the dashboard is served with a CSP that runs only its own scripts and cannot be framed', async () => {
  const r = await fetch(`${w.server.origin}/app/inbox`);
  assert.equal(r.status, 200);
  const csp = r.headers.get('content-security-policy') ?? '';
  for (const directive of ["script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) {
    assert.ok(csp.includes(directive), `${directive} in ${csp}`);
  }
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
});
