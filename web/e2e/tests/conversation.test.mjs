// A conversation: the visitor writes, the business side answers through the REST API, and
// every content type of the spec renders (text never as HTML, buttons, cards, images, files).
// Nobody is signed in to the dashboard, so no agent is online: offline mode is turned off in
// init so the visitor can write anyway (features.test.mjs covers offline mode).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { input, nextSession, open, openChat, panel, say } from '../lib/browser.mjs';
import { snippetPage } from '../lib/host.mjs';
import { world } from '../lib/setup.mjs';

const w = world();
const basic = () => `linktor('init', { channelId: '${w.server.channel.id}', offline: { enabled: false } });`;

test('a conversation: the visitor writes, the agent answers through the REST API', async () => {
  const url = w.host.page('/basic', snippetPage(w.server.origin, basic()));
  const { page, errors, context } = await open(w.browser, url);
  const session = nextSession(page);
  await openChat(page);
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'linktor-input', 'focus moves into the panel');
  const { visitorId } = await session;
  assert.match(visitorId, /^visitor_/);
  await say(page, 'Do you offer enterprise pricing?');
  const mine = page.locator('.linktor-message-visitor', { hasText: 'Do you offer enterprise pricing?' });
  await mine.waitFor();
  await page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  assert.equal(await input(page).inputValue(), '');

  await w.server.agentSend(visitorId, { type: 'text', text: 'Sure! <b>Not bold</b>, see https://example.com/pricing.' });
  const reply = page.locator('.linktor-message-agent', { hasText: 'Sure!' });
  await reply.waitFor();
  assert.equal(await reply.locator('b').count(), 0, 'text is never HTML');
  assert.match(await reply.innerText(), /<b>Not bold<\/b>/);
  const link = reply.locator('a');
  assert.equal(await link.getAttribute('href'), 'https://example.com/pricing');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match(await link.getAttribute('rel'), /noopener/);
  assert.equal(await page.locator('.linktor-day').first().innerText(), 'Today');
  assert.deepEqual(errors, []);
  await context.close();
});

test('rich messages: buttons answer once, cards open links or answer, images open full size, files download', async () => {
  const url = w.host.page('/basic', snippetPage(w.server.origin, basic()));
  const { page, errors, context } = await open(w.browser, url);
  const session = nextSession(page);
  await openChat(page);
  const { visitorId } = await session;
  const agent = (content) => w.server.agentSend(visitorId, content);
  await agent({
    type: 'interactive',
    interactive: {
      type: 'buttons',
      body: { text: 'How would you rate your experience?' },
      buttons: [
        { id: 'rating_great', label: 'Great!' },
        { id: 'rating_good', label: 'Good' },
        { id: 'rating_poor', label: 'Could be better' },
      ],
    },
  });
  await page.getByRole('button', { name: 'Great!' }).click();
  await page.locator('.linktor-message-visitor', { hasText: 'Great!' }).waitFor();
  await page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Great!' }).getAttribute('aria-pressed'), 'true');
  assert.ok(await page.getByRole('button', { name: 'Good' }).isDisabled(), 'a question is answered once');

  await agent({
    type: 'card',
    card: {
      title: 'iPhone 15 Pro',
      subtitle: '$999 - Free shipping',
      imageUrl: `${w.server.origin}/v1/files/none.jpg`,
      buttons: [
        { id: 'view', label: 'View Details', url: 'https://example.com/products/iphone-15' },
        { id: 'buy', label: 'Add to Cart' },
      ],
    },
  });
  const card = page.locator('.linktor-card');
  await card.waitFor();
  assert.equal(await card.getByRole('link', { name: 'View Details' }).getAttribute('href'), 'https://example.com/products/iphone-15');
  await card.getByRole('button', { name: 'Add to Cart' }).click();
  await page.locator('.linktor-message-visitor', { hasText: 'Add to Cart' }).waitFor();

  // An image and a file, uploaded by the visitor so their URLs are real.
  await page.locator('input[type=file]').setInputFiles([
    { name: 'pixel.png', mimeType: 'image/png', buffer: PNG },
    { name: 'terms.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') },
  ]);
  const image = page.locator('.linktor-image img');
  await image.waitFor();
  assert.match(await image.getAttribute('src'), /\/v1\/files\//);
  const file = page.locator('a.linktor-file');
  await file.waitFor();
  assert.equal(await file.getAttribute('download'), 'terms.pdf');
  assert.match(await file.innerText(), /terms\.pdf/);
  await page.locator('.linktor-image').click();
  const viewer = page.locator('.linktor-viewer');
  await viewer.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Close the image');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Close the image', 'Tab stays in the viewer that covers the panel');
  await page.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached' });
  assert.ok(await panel(page).isVisible(), 'Escape closed the image, not the chat');
  assert.deepEqual(errors.filter((e) => !/none\.jpg|404/.test(e)), []);
  await context.close();
});

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
