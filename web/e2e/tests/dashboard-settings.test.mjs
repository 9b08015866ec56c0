// The dashboard's account and settings pages against the real server: the session survives a
// reload, password change and sign-out; agents; API keys (shown once, usable, revoked);
// webhooks with their delivery log and Resend; analytics; inbox assignment, resolve, reopen,
// filters and search; attachments from the composer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { open, openChat, say, until } from '../lib/browser.mjs';
import { snippetPage } from '../lib/host.mjs';
import { ADMIN, dashboardWorld, realErrors, setAvailability, signIn } from '../lib/dashboard.mjs';
import { freePort } from '../lib/server.mjs';

const w = dashboardWorld();

test('the session survives a reload; a changed password signs in; sign out ends the session', async () => {
  const { page, context, errors } = await signIn(w);
  await page.reload();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.getByRole('link', { name: /^Account/ }).click();
  await page.getByLabel('Current password').fill('wrong password');
  await page.getByLabel('New password', { exact: true }).fill('a new password 2');
  await page.getByLabel('Repeat the new password').fill('a new password 2');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('The current password is wrong.').waitFor();
  await page.getByLabel('Current password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your password was changed.').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.equal((await context.cookies()).filter((c) => c.name === 'linktor_session' && c.value).length, 0);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The email or the password is wrong.').waitFor();
  await page.getByLabel('Password').fill('a new password 2');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  // Put it back for the other tests.
  const r = await page.evaluate(async (pw) => {
    const { csrfToken } = await (await fetch('/v1/auth/session')).json();
    return (await fetch('/v1/auth/password', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken }, body: JSON.stringify({ currentPassword: 'a new password 2', newPassword: pw }) })).status;
  }, ADMIN.password);
  assert.equal(r, 204);
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('agents: an admin adds an agent who can sign in, and removes them', async () => {
  const { page, context, errors } = await signIn(w);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Agents' }).click();
  await page.getByLabel('Name').fill('Bea Agent');
  await page.getByLabel('Email').fill('bea@example.com');
  await page.getByLabel('Initial password').fill('short');
  await page.getByRole('button', { name: 'Add agent' }).click();
  await page.getByText('Use 10 to 200 characters.').waitFor();
  await page.getByLabel('Initial password').fill('bea password 1');
  await page.getByRole('button', { name: 'Add agent' }).click();
  await page.getByText('Bea Agent can now sign in with bea@example.com.').waitFor();
  await page.getByRole('row', { name: /Bea Agent/ }).waitFor();

  const bea = await signIn(w, { email: 'bea@example.com', password: 'bea password 1' });
  await setAvailability(bea.page, 'away');
  await page.reload();
  await page.getByRole('row', { name: /Bea Agent.*Away/ }).waitFor();

  await page.getByRole('button', { name: 'Remove Bea Agent' }).click();
  await page.getByRole('row', { name: /Bea Agent/ }).waitFor({ state: 'detached' });
  // Her session ended: her next request is refused and she is back at the sign-in form.
  await bea.page.reload();
  await bea.page.getByRole('button', { name: 'Sign in' }).waitFor();
  await bea.context.close();
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('API keys: created and shown once, usable by a backend, revoked', async () => {
  const { page, context, errors } = await signIn(w, { path: '/app/settings/api-keys' });
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await page.getByLabel('Key name').fill('backend');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').innerText()).trim();
  assert.match(key, /^lk_/);
  await page.getByRole('button', { name: 'Copy key' }).waitFor();
  const ok = await fetch(`${w.server.origin}/v1/channels`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(ok.status, 200);
  const row = page.getByRole('row', { name: /backend/ });
  assert.ok(!(await row.innerText()).includes(key), 'the list shows only the prefix');
  await row.getByRole('button', { name: /Revoke/ }).click();
  await row.waitFor({ state: 'detached' });
  const refused = await fetch(`${w.server.origin}/v1/channels`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(refused.status, 401);
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('webhooks: an endpoint with its secret shown once, the delivery log with status codes, Resend', async () => {
  let hits = 0;
  const receiver = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(500).end('nope');
  });
  const port = await freePort();
  await new Promise((r) => receiver.listen(port, '127.0.0.1', r));
  try {
    const { page, context, errors } = await signIn(w, { path: '/app/settings/webhooks' });
    await page.getByLabel('Endpoint URL').fill(`http://127.0.0.1:${port}/hooks`);
    await page.getByLabel('All events').uncheck();
    await page.getByLabel('message.sent').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('new-webhook-secret').innerText()).trim();
    assert.ok(secret.length >= 16);
    await page.getByRole('row', { name: /\/hooks/ }).getByRole('cell', { name: 'message.sent' }).waitFor();

    // An event for it: the business side sends a message.
    const s = await (await fetch(`${w.server.origin}/v1/widget/sessions`, { method: 'POST', headers: { Origin: 'http://localhost', 'Content-Type': 'application/json' }, body: JSON.stringify({ channelId: w.server.channel.id }) })).json();
    await w.server.agentSend(s.visitorId, { type: 'text', text: 'hook me' });
    await until(() => hits > 0, 10_000, 'a delivery attempt');

    await page.getByRole('link', { name: /Deliveries/ }).click();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await until(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return /HTTP 500/.test(await log.innerText().catch(() => ''));
    }, 10_000, 'the failed attempt in the log');
    assert.match(await log.innerText(), /message\.sent/);
    const before = hits;
    await log.getByRole('button', { name: /Resend/ }).first().click();
    await until(() => hits > before, 10_000, 'the resend reached the endpoint');
    assert.deepEqual(realErrors(errors), []);
    await context.close();
  } finally {
    receiver.closeAllConnections?.();
    await new Promise((r) => receiver.close(r));
  }
});

test('inbox: assign to me, filters, search, resolve and reopen; attachments from the composer; analytics', async () => {
  const { page, context, errors } = await signIn(w);
  await setAvailability(page, 'online');
  const init = `linktor('init', { channelId: '${w.server.channel.id}', user: { name: 'Quinn Visitor', email: 'quinn@example.com' } });`;
  const visitor = await open(w.browser, w.host.page('/inbox', snippetPage(w.server.origin, init)));
  await openChat(visitor.page);
  await say(visitor.page, 'I need an invoice');
  const item = page.locator('.conv-item', { hasText: 'Quinn Visitor' });
  await item.waitFor();
  assert.match(await item.locator('.unread-badge').innerText(), /1/);
  await item.click();
  await page.locator('.thread .msg-in', { hasText: 'I need an invoice' }).waitFor();
  await item.locator('.unread-badge').waitFor({ state: 'detached' });

  const filter = async (name) => {
    const list = page.waitForResponse((r) => r.url().includes('/v1/conversations?'));
    await page.getByRole('button', { name, exact: true }).click();
    await list;
  };
  await filter('Unassigned');
  await item.waitFor();
  await page.getByRole('button', { name: 'Assign to me' }).click();
  await page.locator('.thread-head', { hasText: 'Assigned to you' }).waitFor();
  await filter('Mine');
  await item.waitFor();
  await filter('Unassigned');
  await item.waitFor({ state: 'detached' });
  await filter('Mine');
  await page.getByLabel('Search conversations').fill('invoice');
  await item.waitFor();
  await page.getByLabel('Search conversations').fill('no such words at all');
  await page.getByText('No conversation matches.').waitFor();
  await page.getByLabel('Search conversations').fill('');
  await item.waitFor();

  // An image and a file from the composer, as the visitor sees them.
  await page.locator('.composer input[type=file]').setInputFiles([
    { name: 'pixel.png', mimeType: 'image/png', buffer: PNG },
    { name: 'terms.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') },
  ]);
  await page.locator('.thread .msg-image img').waitFor();
  await page.locator('.thread a.msg-file', { hasText: 'terms.pdf' }).waitFor();
  await visitor.page.locator('.linktor-image img').waitFor();
  await visitor.page.locator('a.linktor-file', { hasText: 'terms.pdf' }).waitFor();

  // An emoji from the picker, by keyboard.
  await page.getByRole('button', { name: 'Insert emoji' }).click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.getByLabel('Message', { exact: true }).press('End');
  await page.getByLabel('Message', { exact: true }).press('Enter');
  await visitor.page.locator('.linktor-message-agent', { hasText: '😃' }).waitFor();

  await page.getByRole('button', { name: 'Resolve', exact: true }).click();
  await page.locator('.thread-head .badge', { hasText: 'Resolved' }).waitFor();
  await filter('Open');
  await item.waitFor({ state: 'detached' });
  await filter('Resolved');
  await item.waitFor();
  await page.getByRole('button', { name: 'Reopen' }).click();
  await page.locator('.thread-head .badge', { hasText: 'Open' }).waitFor();

  await page.getByRole('link', { name: 'Analytics' }).click();
  await page.getByRole('img', { name: /Conversations per day/ }).waitFor();
  const tiles = await page.getByRole('list', { name: 'Totals' }).innerText();
  assert.match(tiles, /[1-9]\d*\s+conversations/);
  assert.match(tiles, /\d+ (s|min)\s+mean first response/, 'Quinn was answered');
  await page.getByText('Messages per channel').waitFor();
  assert.deepEqual(realErrors(errors), []);
  assert.deepEqual(visitor.errors, []);
  await visitor.context.close();
  await context.close();
});

test("channel Behavior: the server's 422 beside the field, saved rules reach the widget, the identity secret rotates", async () => {
  // A channel of its own: the pre-chat form turned on here must not reach the other tests' widgets.
  const channel = w.server.newChannel('Behavior test');
  const { page, context, errors } = await signIn(w, { path: `/app/settings/channels/${channel.id}/behavior` });
  await page.getByRole('heading', { name: 'Behavior test', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Add a proactive message' }).click();
  const rule = page.getByRole('group', { name: 'Rule 1' });
  await rule.getByLabel('Trigger').selectOption('scroll');
  await rule.getByLabel('Scrolled (%)').fill('150');
  await rule.getByLabel('Message').fill('Looks like you are interested! Want to chat?');
  await page.getByRole('button', { name: 'Save' }).click();
  await rule.locator('.field-invalid', { hasText: 'a scroll trigger needs a percentage from 1 to 100' }).waitFor();
  assert.equal(await rule.getByLabel('Scrolled (%)').getAttribute('aria-invalid'), 'true');
  await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
  await rule.getByLabel('Scrolled (%)').fill('75');
  await page.getByLabel('Ask for details before the chat starts').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').first().waitFor();
  const config = await (await fetch(`${w.server.origin}/v1/widget/channels/${channel.id}/config`, { headers: { Origin: 'http://localhost' } })).json();
  assert.deepEqual(config.behavior.proactiveMessages, [{ trigger: 'scroll', percentage: 75, message: 'Looks like you are interested! Want to chat?', delay: 30000, onlyOnce: true }]);
  assert.deepEqual(config.behavior.preChatForm.fields.map((f) => f.name), ['name', 'email']);

  const secret = page.getByLabel('Identity secret');
  await page.getByRole('button', { name: 'Show' }).click();
  await until(async () => /^[^\s•]{16,}$/.test(await secret.inputValue()), 5000, 'the secret');
  const before = await secret.inputValue();
  await page.getByRole('button', { name: 'Rotate' }).click();
  await page.getByText('A new secret is in place; update your backend.').waitFor();
  const after = await secret.inputValue();
  assert.notEqual(after, before);
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('notifications: a visitor message while the dashboard is hidden shows a notification and plays a tone', async () => {
  const { page, context, errors } = await signIn(w, {
    init: () => {
      // The browser's notification and audio, recorded; the tab's visibility, in the test's hands.
      window.__notes = [];
      window.__tones = 0;
      window.Notification = class {
        static permission = 'default';
        static async requestPermission() {
          window.Notification.permission = 'granted';
          return 'granted';
        }
        constructor(title, options) {
          window.__notes.push({ title, body: options?.body });
        }
        close() {}
      };
      const osc = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function () {
        window.__tones++;
        return osc.call(this);
      };
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => !!window.__hidden });
    },
  });
  await setAvailability(page, 'online');
  await page.getByRole('link', { name: /^Account/ }).click();
  await page.getByRole('button', { name: 'Turn on desktop notifications' }).click();
  await page.getByText('Desktop notifications are on.').waitFor();
  await page.getByRole('link', { name: 'Inbox' }).click();
  await page.evaluate(() => (window.__hidden = true));

  const visitor = await open(w.browser, w.host.page('/notify', snippetPage(w.server.origin, `linktor('init', { channelId: '${w.server.channel.id}' });`)));
  await openChat(visitor.page);
  await say(visitor.page, 'Anyone there?');
  const note = await until(async () => (await page.evaluate(() => window.__notes)).find((n) => n.body === 'Anyone there?'), 10_000, 'the notification');
  assert.ok(note.title);
  assert.ok((await page.evaluate(() => window.__tones)) > 0, 'a tone');
  await page.evaluate(() => (window.__hidden = false));
  const before = (await page.evaluate(() => window.__notes)).length;
  await say(visitor.page, 'Still there?');
  await page.locator('.conv-item', { hasText: 'Still there?' }).waitFor();
  assert.equal((await page.evaluate(() => window.__notes)).length, before, 'none while the dashboard is in view');
  assert.deepEqual(realErrors(errors), []);
  await visitor.context.close();
  await context.close();
});

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
