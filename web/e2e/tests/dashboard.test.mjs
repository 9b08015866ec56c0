// The agent dashboard end to end: an admin signs in, creates a WebChat channel through the
// form, puts the Installation tab's embed code on a site, and answers a visitor from the inbox
// (typing and read receipts on both sides); rich messages from the builders; availability
// switching the widget's offline mode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, openChat, say, until } from '../lib/browser.mjs';
import { pageHtml, snippetPage } from '../lib/host.mjs';
import { dashboardWorld, realErrors, setAvailability, signIn } from '../lib/dashboard.mjs';

const w = dashboardWorld();
let agent; // the signed-in admin's page, shared by the tests of this file
let channelId;

async function agentPage() {
  if (!agent) {
    agent = await signIn(w);
    await setAvailability(agent.page, 'online');
  }
  return agent;
}

/** A channel allowed on the host site, made through the API when the form test did not run. */
async function channel() {
  channelId ??= w.server.newChannel('Shop chat').id;
  return channelId;
}

/** The conversation of the visitor in the inbox, opened. */
async function openConversation(page, text) {
  await page.getByRole('link', { name: 'Inbox' }).click();
  const item = page.locator('.conv-item', { hasText: text });
  await item.waitFor();
  await item.click();
  await page.locator('.thread .msg-in', { hasText: text }).first().waitFor();
}

test('sign in, create a WebChat channel with the form, embed it, and chat with a visitor (typing and read receipts both ways)', async () => {
  const { page, errors } = await agentPage();
  assert.equal(await page.locator('.account-link').innerText(), 'Ada Admin');

  // Settings → Channels → Add Channel → WebChat.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Add Channel' }).click();
  await page.getByRole('button', { name: /WebChat/ }).click();
  await page.getByLabel('Name', { exact: true }).fill('Website Chat');
  // A bad domain is caught beside the field before anything is sent.
  await page.getByLabel('Allowed Domains').fill('localhost, https://bad.example.com/x');
  await page.getByRole('button', { name: 'Save' }).click();
  const domainError = page.locator('.field-invalid .error');
  await domainError.waitFor();
  assert.match(await domainError.innerText(), /leave out the scheme/);
  assert.equal(await page.getByLabel('Allowed Domains').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Allowed Domains').fill('localhost, *.example.com');
  await page.getByLabel('Default Language').selectOption('en');
  const created = page.waitForResponse((r) => r.url().endsWith('/v1/channels') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Save' }).click();
  const channel = await (await created).json();
  assert.match(channel.id, /^ch_/);
  assert.deepEqual(channel.allowedDomains, ['localhost', '*.example.com']);
  channelId = channel.id;
  await page.getByRole('heading', { name: 'Website Chat', level: 1 }).waitFor();

  // Installation: the spec's snippet with this server's URL and the new channel.
  await page.getByRole('link', { name: 'Installation' }).click();
  const code = await page.locator('.code-block pre').first().innerText();
  assert.ok(code.includes(`'${w.server.origin}/v1/linktor.js','linktor'`), code);
  assert.ok(code.includes(`channelId: '${channel.id}'`));
  assert.equal(code, snippetPage(w.server.origin, `linktor('init', {\n    channelId: '${channel.id}'\n  });`).match(/<!-- Linktor[\s\S]*<\/script>/)[0]);

  // The visitor on a page with exactly that code.
  const url = w.host.page('/shop', pageHtml(`\n${code}\n`));
  const visitor = await open(w.browser, url);
  await openChat(visitor.page);
  await say(visitor.page, 'Hello from the shop');
  await visitor.page.locator('.linktor-message-visitor', { hasText: 'Hello from the shop' }).waitFor();

  // It arrives live in the inbox; opening it marks it read for the visitor.
  await page.getByRole('link', { name: 'Inbox' }).click();
  const item = page.locator('.conv-item', { hasText: 'Hello from the shop' });
  await item.waitFor();
  await item.click();
  await page.locator('.thread .msg-in', { hasText: 'Hello from the shop' }).waitFor();
  await visitor.page.locator('.linktor-meta', { hasText: 'Read' }).waitFor();

  // The visitor types: the agent sees it.
  await visitor.page.locator('.linktor-input').pressSequentially('Are you', { delay: 20 });
  await page.locator('.typing-line', { hasText: 'is typing' }).waitFor();

  // The agent types: the visitor sees it; then the answer arrives and is read.
  await page.getByLabel('Message', { exact: true }).pressSequentially('Hi! How can', { delay: 20 });
  await visitor.page.locator('.linktor-typing').waitFor();
  await page.getByLabel('Message', { exact: true }).pressSequentially(' I help?');
  await page.getByLabel('Message', { exact: true }).press('Enter');
  await visitor.page.locator('.linktor-message-agent', { hasText: 'Hi! How can I help?' }).waitFor();
  await visitor.page.locator('.linktor-typing').waitFor({ state: 'detached' });
  const ours = page.locator('.msg-row-out', { hasText: 'Hi! How can I help?' });
  await ours.locator('.receipt', { hasText: 'Read' }).waitFor();

  // The visitor's next message and the list's order, newest activity first.
  await visitor.page.locator('.linktor-input').fill('');
  await say(visitor.page, 'Do you ship to Portugal?');
  await page.locator('.thread .msg-in', { hasText: 'Do you ship to Portugal?' }).waitFor();
  assert.match(await page.locator('.conv-item').first().innerText(), /Do you ship to Portugal\?/);
  assert.deepEqual(realErrors(errors), []);
  assert.deepEqual(visitor.errors, []);
  await visitor.context.close();
});

test('the builders send a question with buttons and a card; the visitor presses a button and the agent sees the answer', async () => {
  const { page, errors } = await agentPage();
  const id = await channel();
  const url = w.host.page('/rich', snippetPage(w.server.origin, `linktor('init', { channelId: '${id}' });`));
  const visitor = await open(w.browser, url);
  await openChat(visitor.page);
  await say(visitor.page, 'Rich please');
  await openConversation(page, 'Rich please');

  await page.getByRole('button', { name: 'Buttons…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send a question with buttons' });
  await dialog.getByLabel('Question').fill('How would you rate your experience?');
  await dialog.getByLabel('Button 1 label').fill('Great!');
  await dialog.getByLabel('Button 2 label').fill('Could be better');
  await dialog.getByRole('button', { name: 'Send question' }).click();
  await page.locator('.msg-row-out .msg-button', { hasText: 'Great!' }).waitFor();

  await page.getByRole('button', { name: 'Card…' }).click();
  const card = page.getByRole('dialog', { name: 'Send a card' });
  await card.getByLabel('Title', { exact: true }).fill('iPhone 15 Pro');
  await card.getByLabel('Subtitle (optional)').fill('$999 - Free shipping');
  await card.getByLabel('Button 1 label').fill('View Details');
  await card.getByLabel('Button 1 link (optional)').fill('https://example.com/products/iphone-15');
  await card.getByRole('button', { name: 'Add a button' }).click();
  await card.getByLabel('Button 2 label').fill('Add to Cart');
  await card.getByRole('button', { name: 'Send card' }).click();
  await page.locator('.msg-card .msg-card-title', { hasText: 'iPhone 15 Pro' }).waitFor();

  // As the visitor sees them.
  await visitor.page.locator('.linktor-card', { hasText: 'iPhone 15 Pro' }).waitFor();
  assert.equal(await visitor.page.locator('.linktor-card').getByRole('link', { name: 'View Details' }).getAttribute('href'), 'https://example.com/products/iphone-15');
  await visitor.page.getByRole('button', { name: 'Great!' }).click();
  await page.locator('.thread .msg-in', { hasText: 'Great!' }).waitFor();
  await page.locator('.msg-button-chosen', { hasText: 'Great!' }).waitFor();
  await visitor.page.locator('.linktor-card').getByRole('button', { name: 'Add to Cart' }).click();
  await page.locator('.thread .msg-in', { hasText: 'Add to Cart' }).waitFor();
  assert.deepEqual(realErrors(errors), []);
  await visitor.context.close();
});

test('availability: offline switches the widget to its offline form, online brings the composer back', async () => {
  const { page, errors } = await agentPage();
  const id = await channel();
  const url = w.host.page('/offline', snippetPage(w.server.origin, `linktor('init', { channelId: '${id}' });`));
  const visitor = await open(w.browser, url);
  await openChat(visitor.page);
  await visitor.page.locator('.linktor-input').waitFor();

  await setAvailability(page, 'offline');
  await visitor.page.locator('.linktor-form').waitFor();
  assert.equal(await visitor.page.locator('.linktor-input').count(), 0, 'the offline form replaces the composer');

  await setAvailability(page, 'away');
  assert.equal(await visitor.page.locator('.linktor-input').count(), 0, 'away is not available');

  await setAvailability(page, 'online');
  await visitor.page.locator('.linktor-input').waitFor();
  assert.equal(await page.getByLabel('Your availability').inputValue(), 'online');
  assert.deepEqual(realErrors(errors), []);
  await visitor.context.close();
});

test('the Appearance preview is the real widget with the unsaved values; Save makes them the channel\'s', async () => {
  const { page, errors } = await agentPage();
  const id = await channel();
  await page.goto(`${w.server.origin}/app/settings/channels/${id}/appearance`);
  const launcher = page.locator('.preview-frame .linktor-widget .linktor-launcher');
  const refused = page.locator('.preview-note[data-state=refused]');
  await launcher.or(refused).first().waitFor();
  assert.equal(await refused.count(), 0, `the server refused the preview: ${await refused.textContent().catch(() => '')}`);
  const color = () => launcher.evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(await color(), 'rgb(0, 102, 255)');
  await page.getByLabel('Primary Color').fill('#E91E63');
  await until(async () => (await color().catch(() => '')) === 'rgb(233, 30, 99)', 5000, 'the preview in the new color');
  await page.getByLabel('Bottom left').check();
  await until(async () => {
    const frame = await page.locator('.preview-frame').boundingBox();
    const box = await launcher.boundingBox().catch(() => null);
    return box && frame && box.x - frame.x < frame.width / 2;
  }, 5000, 'the preview on the left');
  await page.getByLabel('Welcome Message').fill('Hello from the preview!');
  await until(async () => {
    await launcher.click().catch(() => undefined);
    return page.locator('.preview-frame .linktor-panel', { hasText: 'Hello from the preview!' }).isVisible();
  }, 8000, 'the new welcome message in the open preview');
  const saved = page.waitForResponse((r) => r.url().endsWith(`/v1/channels/${id}`) && r.request().method() === 'PATCH');
  await page.getByRole('button', { name: 'Save' }).click();
  const body = await (await saved).json();
  assert.equal(body.settings.appearance.primaryColor, '#E91E63');
  assert.equal(body.settings.appearance.position, 'bottom-left');
  await page.getByText('Saved.').first().waitFor();
  assert.deepEqual(realErrors(errors), []);
});
