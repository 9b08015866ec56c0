// The spec's snippets as a site owner pastes them (our server in place of widget.linktor.io):
// the basic installation, the advanced configuration verbatim with its callbacks, the
// JavaScript API's commands, the custom launcher, and what a wrong value does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { input, launcher, nextSession, open, openChat, panel, say, sentFrames, until } from '../lib/browser.mjs';
import { loader, pageHtml, snippetPage } from '../lib/host.mjs';
import { wait, world } from '../lib/setup.mjs';

const w = world();

test('basic installation: a launcher, nothing else loaded, no globals but linktor and LinktorObject', async () => {
  const url = w.host.page('/basic', snippetPage(w.server.origin, `linktor('init', {\n    channelId: '${w.server.channel.id}'\n  });`));
  const { page, errors, context } = await open(w.browser, null, { init: () => (window.__before = Object.getOwnPropertyNames(window)) });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await launcher(page).waitFor();
  await wait(500);
  assert.equal(await panel(page).count(), 0, 'the panel is not loaded before the visitor asks');
  const ours = requests.filter((u) => u.startsWith(w.server.origin)).map((u) => new URL(u).pathname);
  assert.deepEqual(ours.sort(), ['/v1/linktor.js', `/v1/widget/channels/${w.server.channel.id}/config`].sort());
  const added = await page.evaluate(() => Object.getOwnPropertyNames(window).filter((k) => !window.__before.includes(k) && k !== '__before'));
  assert.deepEqual(added.sort(), ['LinktorObject', 'linktor']);
  assert.equal(await launcher(page).getAttribute('aria-label'), 'Open chat');

  const config = await (await fetch(`${w.server.origin}/v1/widget/channels/${w.server.channel.id}/config`, { headers: { Origin: w.host.origin } })).json();
  await openChat(page);
  if (config.offline.enabled && !config.agentsOnline) {
    // Nobody online and offline mode on (the channel's default): the offline form.
    await page.locator('.linktor-form', { hasText: config.offline.message }).waitFor();
  } else await input(page).waitFor();
  assert.equal(await page.locator('.linktor-title').innerText(), config.appearance.companyName || config.name);
  assert.deepEqual(errors, []);
  await context.close();
});

// The spec's "Advanced Configuration" block, verbatim but for the channel id.
const advanced = (channelId) => `linktor('init', {
    channelId: '${channelId}',

    // Appearance
    primaryColor: '#0066FF',
    position: 'bottom-right',
    size: 'standard',
    zIndex: 9999,

    // Localization
    language: 'en',
    translations: {
      welcomeMessage: 'Hi there! How can we help?',
      inputPlaceholder: 'Type your message...',
      sendButton: 'Send',
      offlineMessage: 'We are currently offline. Leave a message!'
    },

    // Behavior
    autoOpen: false,
    openDelay: 0,
    soundEnabled: true,
    showLauncher: true,

    // Pre-chat form
    preChatForm: {
      enabled: true,
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true },
        { name: 'email', label: 'Email', type: 'email', required: true },
        { name: 'company', label: 'Company', type: 'text', required: false }
      ]
    },

    // User identification (if logged in)
    user: {
      id: 'user_123',
      name: 'John Doe',
      email: 'john@example.com',
      avatar: 'https://example.com/avatar.jpg',
      metadata: {
        plan: 'enterprise',
        accountId: 'acc_456'
      }
    },

    // Callbacks
    onReady: function() {
      console.log('Linktor widget loaded');
    },
    onOpen: function() {
      console.log('Chat opened');
    },
    onClose: function() {
      console.log('Chat closed');
    },
    onMessage: function(message) {
      console.log('New message:', message);
    }
  });`;

test('advanced configuration verbatim: appearance, translations, pre-chat form, user, every callback', async () => {
  // The dashboard's offline mode would replace the pre-chat form while nobody is online.
  const channel = w.server.newChannel('Advanced');
  await w.server.settings({ offline: { enabled: false } }, channel.id);
  const url = w.host.page('/advanced', pageHtml(`<script>\n  ${loader(w.server.origin)}\n</script>\n<script>\n  ${advanced(channel.id)}\n</script>`));
  const { page, errors, logs, context } = await open(w.browser, url);
  const frames = sentFrames(page);
  await launcher(page).waitFor();
  await page.waitForFunction(() => true);
  await wait(200);
  assert.ok(logs.includes('Linktor widget loaded'), 'onReady');
  const root = page.locator('.linktor-widget');
  assert.equal(await root.evaluate((e) => getComputedStyle(e).zIndex), '9999');
  assert.equal(await launcher(page).evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(0, 102, 255)');
  const box = await launcher(page).boundingBox();
  assert.ok(box.x > 1280 - 120 && box.y > 800 - 120, 'bottom-right');

  const session = nextSession(page);
  await openChat(page);
  assert.ok(logs.includes('Chat opened'), 'onOpen');
  const s = await session;
  assert.match(s.visitorId, /^visitor_/);
  await page.locator('.linktor-message-agent', { hasText: 'Hi there! How can we help?' }).waitFor();

  // The pre-chat form: labels, required fields, email format, then the composer.
  const form = page.locator('.linktor-form');
  assert.equal(await form.getByLabel('Name').inputValue(), 'John Doe', 'prefilled from user');
  await form.getByLabel('Name').fill('');
  await form.getByLabel('Email').fill('not-an-email');
  await form.getByRole('button', { name: 'Start chat' }).click();
  assert.equal(await form.getByLabel('Name').getAttribute('aria-invalid'), 'true');
  await page.getByText('This field is required.').waitFor();
  await page.getByText('Please enter a valid email address.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'name', 'focus on the first wrong field');
  await form.getByLabel('Name').fill('Jane Roe');
  await form.getByLabel('Email').fill('jane@example.com');
  await form.getByLabel('Company (optional)').fill('Acme');
  await form.getByRole('button', { name: 'Start chat' }).click();
  await input(page).waitFor();
  assert.equal(await input(page).getAttribute('placeholder'), 'Type your message...');
  assert.equal(await page.locator('.linktor-send').getAttribute('aria-label'), 'Send');
  const submitted = frames.find((f) => f.type === 'form.submit');
  assert.deepEqual(submitted.fields, { name: 'Jane Roe', email: 'jane@example.com', company: 'Acme' });
  assert.equal(submitted.form, 'prechat');

  await say(page, 'Hello from the advanced page');
  await page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  await wait(100);
  assert.ok(logs.some((l) => l.startsWith('New message:')), 'onMessage');
  await page.locator('.linktor-close').click();
  assert.ok(logs.includes('Chat closed'), 'onClose');
  assert.deepEqual(errors, []);
  await context.close();
  await w.server.settings({}, channel.id);
});

test('commands before the script arrives are applied after init, in order, never dropped', async () => {
  const id = w.server.channel.id;
  const url = w.host.page(
    '/early',
    pageHtml(`<script>
  ${loader(w.server.origin)}
  linktor('updateUser', { id: 'user_9', name: 'Early Bird', email: 'early@example.com', metadata: { plan: 'pro' } });
  linktor('open');
  linktor('sendMessage', { text: 'Sent before init finished' });
  linktor('init', { channelId: '${id}', offline: { enabled: false } });
</script>`),
  );
  const { page, errors, context } = await open(w.browser, null);
  const requests = [];
  page.on('request', (r) => r.url().endsWith('/v1/widget/sessions') && requests.push(r.postDataJSON()));
  await page.goto(url);
  await panel(page).waitFor({ state: 'visible' });
  await page.locator('.linktor-message-visitor', { hasText: 'Sent before init finished' }).waitFor();
  await page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  assert.equal(requests[0].user.name, 'Early Bird', 'updateUser reached the session');
  assert.equal(requests[0].user.metadata.plan, 'pro');
  assert.deepEqual(errors, []);
  await context.close();
});

test('every command: open, close, toggle, sendMessage, updateUser, showProactiveMessage, hide/showLauncher, reset, destroy, init again', async () => {
  const id = w.server.channel.id;
  const url = w.host.page('/commands', snippetPage(w.server.origin, `linktor('init', { channelId: '${id}', offline: { enabled: false } });`));
  const { page, errors, context } = await open(w.browser, url);
  const frames = sentFrames(page);
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws));
  await launcher(page).waitFor();
  const cmd = (...args) => page.evaluate((a) => window.linktor(...a), args);

  const first = nextSession(page);
  await cmd('open');
  await panel(page).waitFor({ state: 'visible' });
  const { visitorId } = await first;
  await cmd('close');
  await panel(page).waitFor({ state: 'hidden' });
  await cmd('toggle');
  await panel(page).waitFor({ state: 'visible' });
  await cmd('toggle');
  await panel(page).waitFor({ state: 'hidden' });

  await cmd('sendMessage', { text: 'Hello, I need help!' });
  await page.locator('.linktor-message-visitor', { hasText: 'Hello, I need help!' }).waitFor({ state: 'attached' });
  await cmd('updateUser', { id: 'user_123', name: 'John Doe', email: 'john@example.com', metadata: { plan: 'premium' } });
  await page.waitForFunction(() => true);
  await wait(300);
  const update = frames.find((f) => f.type === 'user.update');
  assert.equal(update.user.name, 'John Doe');
  assert.equal(update.user.metadata.plan, 'premium');

  await cmd('showProactiveMessage', { text: 'Need help finding something?', delay: 1500 });
  await wait(700);
  assert.equal(await page.locator('.linktor-proactive').count(), 0, 'waits for its delay');
  await page.locator('.linktor-proactive', { hasText: 'Need help finding something?' }).waitFor();

  await cmd('hideLauncher');
  await launcher(page).waitFor({ state: 'hidden' });
  await cmd('showLauncher');
  await launcher(page).waitFor({ state: 'visible' });

  const second = nextSession(page);
  await cmd('reset');
  await cmd('open');
  const renewed = await second;
  assert.notEqual(renewed.visitorId, visitorId, 'reset starts a new visitor');
  assert.equal(await page.locator('.linktor-message-visitor').count(), 0, 'history gone');
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('session') && localStorage[k].includes('"v":"' + 'x')).length), 0);

  await cmd('destroy');
  await wait(300);
  assert.equal(await page.locator('.linktor-widget').count(), 0);
  assert.equal(await page.locator('style[data-linktor], style[data-linktor-panel], script[src*="linktor-panel"]').count(), 0, 'every node removed');
  assert.ok(sockets.every((s) => s.isClosed()), 'sockets closed');
  await cmd('open'); // queued until the next init, not an error

  await cmd('init', { channelId: id, offline: { enabled: false } });
  await panel(page).waitFor({ state: 'visible' });
  assert.equal(await page.locator('.linktor-widget').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('custom launcher: showLauncher false and the page toggles the chat', async () => {
  const id = w.server.channel.id;
  const url = w.host.page(
    '/custom-launcher',
    snippetPage(
      w.server.origin,
      `linktor('init', {\n  channelId: '${id}',\n  showLauncher: false // Hide default launcher\n});\n\n// Create custom launcher\ndocument.getElementById('my-chat-button').addEventListener('click', function() {\n  linktor('toggle');\n});`,
      { body: '<main><h1>Acme</h1><button id="my-chat-button">Chat with us</button></main>' },
    ),
  );
  const { page, errors, context } = await open(w.browser, url);
  await page.locator('.linktor-widget').waitFor({ state: 'attached' });
  assert.equal(await launcher(page).isVisible(), false);
  await page.click('#my-chat-button');
  await panel(page).waitFor({ state: 'visible' });
  await page.click('#my-chat-button');
  await panel(page).waitFor({ state: 'hidden' });
  // From the keyboard: focus goes into the panel and, on Escape, back to the page's own button.
  await page.focus('#my-chat-button');
  await page.keyboard.press('Enter');
  await panel(page).waitFor({ state: 'visible' });
  await until(() => page.evaluate(() => !!document.activeElement?.closest('.linktor-panel')), 5000, 'focus in the panel');
  await page.keyboard.press('Escape');
  await panel(page).waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'my-chat-button');
  assert.deepEqual(errors, []);
  await context.close();
});

test('wrong values: a console error naming the option; the widget keeps working with the default', async () => {
  const id = w.server.channel.id;
  const url = w.host.page('/wrong', snippetPage(w.server.origin, `linktor('init', { channelId: '${id}', primaryColor: 'blue', position: 'top', sizes: 'big' });`));
  const { page, errors, context } = await open(w.browser, url);
  await launcher(page).waitFor();
  assert.ok(errors.some((e) => /init\.primaryColor/.test(e) && /#0066FF/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /init\.position/.test(e) && /bottom-right/.test(e)));
  assert.ok(errors.some((e) => /init\.sizes: unknown option/.test(e)));
  assert.equal(await launcher(page).evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(0, 102, 255)');
  await context.close();

  const unknown = w.host.page('/unknown', snippetPage(w.server.origin, `linktor('init', { channelId: 'ch_does_not_exist' });`));
  const second = await open(w.browser, unknown);
  await second.page.waitForFunction(() => true);
  await wait(800);
  assert.ok(second.errors.some((e) => /init\.channelId/.test(e) && /ch_does_not_exist/.test(e)), second.errors.join('\n'));
  assert.equal(await second.page.locator('.linktor-widget').count(), 0);
  await second.context.close();
});

test('autoOpen after openDelay; position bottom-left; size compact; zIndex', async () => {
  const id = w.server.channel.id;
  const url = w.host.page('/auto', snippetPage(w.server.origin, `linktor('init', { channelId: '${id}', autoOpen: true, openDelay: 800, position: 'bottom-left', size: 'compact', zIndex: 123 });`));
  const { page, errors, context } = await open(w.browser, url);
  await launcher(page).waitFor();
  assert.equal(await panel(page).count(), 0, 'not before openDelay');
  await panel(page).waitFor({ state: 'visible' });
  const box = await panel(page).boundingBox();
  assert.equal(Math.round(box.width), 320);
  assert.ok(box.x < 40, 'bottom-left');
  assert.equal(await page.locator('.linktor-widget').evaluate((e) => getComputedStyle(e).zIndex), '123');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the snippet also works from <head>, before <body> exists', async () => {
  const head = `<script>${loader(w.server.origin)}\nlinktor('init', { channelId: '${w.server.channel.id}' });</script>`;
  // A slow page: <body> has not started when linktor.js and the config arrive.
  const url = w.host.page('/in-head', pageHtml('', { head: head + '<!--PAUSE-->' }));
  const { page, errors, context } = await open(w.browser, url);
  await launcher(page).waitFor();
  assert.equal(await page.locator('.linktor-widget').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});
