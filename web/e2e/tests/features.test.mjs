// What the visitor sees and can do: typing and read receipts both ways, proactive messages,
// uploads, emoji, sound, offline mode, session persistence, privacy consent, translations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { input, launcher, nextSession, open, openChat, panel, receivedFrames, say, sentFrames, until } from '../lib/browser.mjs';
import { pageHtml, snippetPage } from '../lib/host.mjs';
import { wait, world } from '../lib/setup.mjs';

const w = world();
const online = (extra = '') => `linktor('init', { channelId: '${w.server.channel.id}', offline: { enabled: false }${extra} });`;

async function chat(path, init, opts = {}) {
  const url = w.host.page(path, snippetPage(w.server.origin, init, opts.page));
  const o = await open(w.browser, null, opts);
  o.sent = sentFrames(o.page);
  o.received = receivedFrames(o.page);
  await o.page.goto(url);
  await launcher(o.page).waitFor({ state: 'attached' });
  return o;
}

test('typing both ways, throttled; read receipts both ways; unread count while closed', async () => {
  const { page, sent, received, errors, context } = await chat('/typing', online());
  const session = nextSession(page);
  await openChat(page);
  const { visitorId } = await session;
  await input(page).pressSequentially('hello there', { delay: 20 });
  await until(() => sent.some((f) => f.type === 'typing' && f.state === 'start'), 5000, 'typing start');
  assert.equal(sent.filter((f) => f.type === 'typing' && f.state === 'start').length, 1, 'one start per 3 s');
  await input(page).press('Enter');
  await until(() => sent.some((f) => f.type === 'typing' && f.state === 'stop'), 5000, 'typing stop');
  const ack = await until(() => received.find((f) => f.type === 'ack' && f.message), 5000, 'ack');
  const conversationId = ack.message.conversationId;

  // The business side reads the visitor's message: the widget marks it read.
  await w.server.read(conversationId, ack.message.seq);
  await until(() => received.some((f) => f.type === 'read' && f.reader === 'agent' && f.seq >= ack.message.seq), 5000, 'read receipt from the agent');
  await page.locator('.linktor-row-visitor .linktor-meta', { hasText: 'Read' }).last().waitFor();

  await w.server.typing('start', conversationId);
  await page.locator('.linktor-typing').waitFor();
  await w.server.typing('stop', conversationId);
  await page.locator('.linktor-typing').waitFor({ state: 'detached' });

  // Panel open: what arrives is read at once.
  await w.server.agentSend(visitorId, { type: 'text', text: 'Read me' });
  const m = await until(() => received.find((f) => f.type === 'message' && f.message.content.text === 'Read me'), 5000, 'message');
  await until(() => sent.some((f) => f.type === 'read' && f.seq >= m.message.seq), 5000, 'read frame');

  // Panel closed: an unread count on the launcher, no read until opened.
  await page.locator('.linktor-close').click();
  await w.server.agentSend(visitorId, { type: 'text', text: 'While closed' });
  const m2 = await until(() => received.find((f) => f.type === 'message' && f.message.content.text === 'While closed'), 5000, 'message 2');
  await page.locator('.linktor-unread', { hasText: '1' }).waitFor();
  assert.match(await launcher(page).getAttribute('aria-label'), /1 unread/);
  assert.ok(!sent.some((f) => f.type === 'read' && f.seq >= m2.message.seq));
  await launcher(page).click();
  await until(() => sent.some((f) => f.type === 'read' && f.seq >= m2.message.seq), 5000, 'read after opening');
  assert.equal(await page.locator('.linktor-unread').isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('proactive messages: time, pageview, scroll, exit_intent; onlyOnce kept across page loads', async () => {
  const rules = `proactiveMessages: [
      { trigger: 'time', delay: 2500, message: 'Hi! Need any help?', onlyOnce: true },
      { trigger: 'pageview', page: '/pricing', delay: 100, message: 'Have questions about pricing? I am here to help!' },
      { trigger: 'scroll', percentage: 75, message: 'Looks like you are interested! Want to chat?' },
      { trigger: 'exit_intent', message: 'Wait! Before you go, can we help with anything?' }
    ]`;
  const tall = { page: { body: '<main><h1>Pricing</h1><div style="height:4000px">Plans</div></main>' } };
  const { page, errors, context } = await chat('/pricing', online(`, ${rules}`), tall);
  const bubble = page.locator('.linktor-proactive');
  await bubble.filter({ hasText: 'Have questions about pricing?' }).waitFor();
  await wait(300);
  assert.equal(await bubble.filter({ hasText: 'Need any help' }).count(), 0, 'time waits for its delay');
  await bubble.filter({ hasText: 'Hi! Need any help?' }).waitFor();
  await page.mouse.wheel(0, 3500);
  await bubble.filter({ hasText: 'Want to chat?' }).waitFor();
  await page.evaluate(() => document.dispatchEvent(new MouseEvent('mouseout', { clientY: -2, relatedTarget: null, bubbles: true })));
  await bubble.filter({ hasText: 'Before you go' }).waitFor();
  // Opening shows it in the conversation.
  await bubble.locator('.linktor-proactive-text').click();
  await page.locator('.linktor-message-agent', { hasText: 'Before you go' }).waitFor();

  // Next page load: onlyOnce keeps the time rule quiet; the others may come back.
  await page.goto(w.host.page('/other', snippetPage(w.server.origin, online(`, ${rules}`))));
  await launcher(page).waitFor();
  await wait(1500);
  assert.equal(await bubble.filter({ hasText: 'Need any help' }).count(), 0, 'onlyOnce');
  assert.equal(await bubble.filter({ hasText: 'pricing' }).count(), 0, 'pageview only on its page');
  assert.deepEqual(errors, []);
  await context.close();
});

test('proactive pageview on a single-page site: pushState and replaceState are heard; the page\'s history works and is put back by destroy', async () => {
  const rules = `proactiveMessages: [
      { trigger: 'pageview', page: '/spa/pricing', delay: 200, message: 'Questions about pricing?' },
      { trigger: 'pageview', page: '/spa/plans/*', message: 'Comparing plans?' },
      { trigger: 'pageview', page: '/spa/slow', delay: 1500, message: 'Still reading?' }
    ]`;
  const { page, errors, context } = await chat('/spa', online(`, ${rules}`));
  const bubble = page.locator('.linktor-proactive');
  const nav = (how, path) => page.evaluate(([how, path]) => history[how]({ from: 'the page' }, '', path), [how, path]);
  await wait(300);
  assert.equal(await bubble.count(), 0, 'nothing on /spa');
  // The page's router moves on: its call works as before.
  assert.equal(await nav('pushState', '/spa/pricing'), undefined);
  assert.equal(await page.evaluate(() => location.pathname + JSON.stringify(history.state)), '/spa/pricing{"from":"the page"}');
  await bubble.filter({ hasText: 'Questions about pricing?' }).waitFor();
  await nav('replaceState', '/spa/plans/pro');
  await bubble.filter({ hasText: 'Comparing plans?' }).waitFor();
  // Leaving before its delay is over: not shown on a page it is not for.
  await nav('pushState', '/spa/slow');
  await wait(300);
  await nav('pushState', '/spa/elsewhere');
  await wait(1800);
  assert.equal(await bubble.filter({ hasText: 'Still reading?' }).count(), 0);
  // Back and forward are heard too.
  await page.goBack();
  assert.equal(await page.evaluate(() => location.pathname), '/spa/slow');
  await bubble.filter({ hasText: 'Still reading?' }).waitFor();

  assert.ok(await page.evaluate(() => Object.hasOwn(history, 'pushState') && Object.hasOwn(history, 'replaceState')), 'wrapped while rules wait');
  await page.evaluate(() => window.linktor('destroy'));
  assert.ok(
    await page.evaluate(() => !Object.hasOwn(history, 'pushState') && !Object.hasOwn(history, 'replaceState') && history.pushState === History.prototype.pushState),
    "destroy gives the page back the browser's own functions",
  );
  await nav('pushState', '/spa/after');
  assert.equal(await page.evaluate(() => location.pathname), '/spa/after');
  assert.deepEqual(errors, []);
  await context.close();

  // A router that wraps pushState after the widget keeps working after destroy: its wrapper is
  // left in place and ours inside it does nothing any more.
  const routed = await chat('/spa2', online(", proactiveMessages: [{ trigger: 'pageview', page: '/spa2/x', message: 'X!' }]"));
  const calls = await routed.page.evaluate(async () => {
    const calls = [];
    const inner = history.pushState;
    history.pushState = function (...a) {
      calls.push(a[2]);
      return inner.apply(this, a);
    };
    history.pushState(null, '', '/spa2/x');
    return calls;
  });
  assert.deepEqual(calls, ['/spa2/x']);
  await routed.page.locator('.linktor-proactive', { hasText: 'X!' }).waitFor();
  const after = await routed.page.evaluate(() => {
    window.linktor('destroy');
    history.pushState(null, '', '/spa2/y');
    return [location.pathname, Object.hasOwn(history, 'replaceState')];
  });
  assert.deepEqual(after, ['/spa2/y', false]);
  assert.deepEqual(routed.errors, []);
  await routed.context.close();
});

test('uploads: picker, drag and drop, paste, checks before upload, progress, the server refusal', async () => {
  const { page, errors, context } = await chat('/uploads', online(`, fileUpload: { enabled: true, maxSize: 3 * 1024 * 1024, allowedTypes: ['image/*', 'application/pdf', '.exe'], multiple: true }`));
  await openChat(page);
  const uploads = [];
  page.on('request', (r) => r.url().endsWith('/v1/widget/uploads') && uploads.push(r));
  const picker = page.locator('input[type=file]');
  assert.equal(await picker.getAttribute('accept'), 'image/*,application/pdf,.exe');

  await picker.setInputFiles({ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(4 * 1024 * 1024) });
  await page.locator('.linktor-alert', { hasText: 'huge.pdf is larger than 3 MB' }).waitFor();
  await picker.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
  await page.locator('.linktor-alert', { hasText: 'notes.txt is a type of file that cannot be sent here' }).waitFor();
  assert.equal(uploads.length, 0, 'refused before anything is sent');

  // The server sniffs the content and applies the channel's policy: a Windows program is refused.
  await picker.setInputFiles({ name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(512)]) });
  await page.locator('.linktor-alert', { hasText: 'tool.exe' }).waitFor();
  await page.locator('.linktor-failed', { hasText: 'tool.exe' }).waitFor();
  assert.equal(uploads.length, 1);

  // Drag and drop.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['%PDF-1.4\n%%EOF\n'], 'dropped.pdf', { type: 'application/pdf' }));
    const target = document.querySelector('.linktor-messages');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.locator('a.linktor-file', { hasText: 'dropped.pdf' }).waitFor();

  // Paste into the text box.
  await page.evaluate(async () => {
    const png = await (await fetch('data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==')).blob();
    const dt = new DataTransfer();
    dt.items.add(new File([png], 'pasted.png', { type: 'image/png' }));
    document.querySelector('.linktor-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await page.locator('.linktor-image img[alt="pasted.png"]').waitFor();

  // Progress, on a slow uplink.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  await picker.setInputFiles({ name: 'big.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2 * 1024 * 1024, 32), Buffer.from('\n%%EOF\n')]) });
  const bar = page.locator('[role=progressbar]');
  await until(async () => Number((await bar.getAttribute('aria-valuenow').catch(() => '0')) ?? 0) > 0, 10_000, 'upload progress');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await page.locator('a.linktor-file', { hasText: 'big.pdf' }).waitFor({ timeout: 30_000 });
  assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  await context.close();
});

test('emoji picker and the sound of a new message while the chat is closed', async () => {
  const count = () => {
    window.__oscillators = 0;
    const make = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () {
      window.__oscillators++;
      return make.call(this);
    };
  };
  const { page, errors, context } = await chat('/emoji', online(), { init: count });
  const session = nextSession(page);
  await openChat(page);
  const { visitorId } = await session;
  await page.getByRole('button', { name: 'Insert an emoji' }).click();
  await page.getByRole('button', { name: '🎉' }).click();
  assert.equal(await input(page).inputValue(), '🎉');
  await page.getByRole('button', { name: 'Insert an emoji' }).click();
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.linktor-emoji').count(), 0);
  assert.ok(await panel(page).isVisible(), 'Escape closed the picker only');
  // A quick keyboard user: Escape the moment the picker shows, before anything else ran.
  await page.evaluate(async () => {
    const b = document.querySelector('.linktor-composer [aria-expanded]');
    b.focus();
    b.click();
    await new Promise((r) => setTimeout(r, 0));
    document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
  });
  await page.locator('.linktor-emoji').waitFor({ state: 'detached' });
  assert.ok(await panel(page).isVisible(), 'a quick Escape closed the picker only');

  await page.locator('.linktor-close').click();
  await w.server.agentSend(visitorId, { type: 'text', text: 'ding' });
  await page.locator('.linktor-unread').waitFor();
  await until(() => page.evaluate(() => window.__oscillators > 0), 5000, 'a chime');
  assert.deepEqual(errors, []);
  await context.close();

  const quiet = await chat('/quiet', online(', soundEnabled: false'), { init: count });
  const s2 = nextSession(quiet.page);
  await openChat(quiet.page);
  const v2 = (await s2).visitorId;
  await quiet.page.locator('.linktor-close').click();
  await w.server.agentSend(v2, { type: 'text', text: 'ding' });
  await quiet.page.locator('.linktor-unread').waitFor();
  await wait(300);
  assert.equal(await quiet.page.evaluate(() => window.__oscillators), 0, 'soundEnabled: false');
  await quiet.context.close();
});

test('offline mode: the offline message and form; the submission is confirmed by the server', async () => {
  const init = `linktor('init', {
  channelId: '${w.server.channel.id}',
  offline: {
    enabled: true,
    message: 'We are currently offline. Leave a message and we will get back to you!',
    form: {
      fields: [
        { name: 'email', label: 'Email', type: 'email', required: true },
        { name: 'message', label: 'Message', type: 'textarea', required: true }
      ],
      submitButton: 'Send Message'
    }
  }
});`;
  const { page, sent, received, errors, context } = await chat('/offline', init);
  await openChat(page);
  const form = page.locator('.linktor-form', { hasText: 'We are currently offline. Leave a message and we will get back to you!' });
  await form.waitFor();
  assert.equal(await page.locator('.linktor-input').count(), 0, 'the form replaces the composer');
  await form.getByRole('button', { name: 'Send Message' }).click();
  await page.getByText('This field is required.').first().waitFor();
  await form.getByLabel('Email').fill('ann@example.com');
  await form.getByLabel('Message').fill('Please call me back.');
  await form.getByRole('button', { name: 'Send Message' }).click();
  await page.getByText('Thank you! We will get back to you soon.').waitFor();
  const submit = await until(() => sent.find((f) => f.type === 'form.submit'), 5000, 'form.submit');
  assert.deepEqual(submit.fields, { email: 'ann@example.com', message: 'Please call me back.' });
  assert.equal(submit.form, 'offline');
  await until(() => received.some((f) => f.type === 'ack' && f.clientId === submit.clientId), 5000, 'the server stored it');
  assert.deepEqual(errors, []);
  await context.close();
});

test('session persistence: history returns within sessionDuration; persistSession false keeps nothing after the tab', async () => {
  const { page, errors, context } = await chat('/persist', online(', persistSession: true, sessionDuration: 7 * 24 * 60 * 60 * 1000'));
  await openChat(page);
  await say(page, 'Remember me');
  await page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  await page.reload();
  await launcher(page).waitFor();
  await openChat(page);
  await page.locator('.linktor-message-visitor', { hasText: 'Remember me' }).waitFor();
  assert.ok(await page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith('linktor:'))));
  assert.equal((await context.cookies()).length, 0, 'no cookies, ever');
  await context.close();

  const short = await chat('/short', online(', sessionDuration: 1000'));
  await openChat(short.page);
  await say(short.page, 'Soon forgotten');
  await short.page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  await wait(1500);
  await short.page.reload();
  await openChat(short.page);
  await wait(500);
  assert.equal(await short.page.locator('.linktor-message-visitor').count(), 0, 'expired after sessionDuration');
  await short.context.close();

  const tab = await chat('/tab', online(', persistSession: false'));
  await openChat(tab.page);
  await say(tab.page, 'Only this tab');
  await tab.page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  assert.equal(await tab.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('linktor:')).length), 0);
  assert.ok(await tab.page.evaluate(() => Object.keys(sessionStorage).some((k) => k.startsWith('linktor:'))));
  await tab.page.reload();
  await openChat(tab.page);
  await tab.page.locator('.linktor-message-visitor', { hasText: 'Only this tab' }).waitFor();
  // A new tab is a new sessionStorage: the conversation is not there.
  const other = await tab.context.newPage();
  await other.goto(tab.page.url());
  await openChat(other);
  await wait(500);
  assert.equal(await other.locator('.linktor-message-visitor').count(), 0);
  assert.deepEqual(errors, []);
  await tab.context.close();
});

test('privacy: nothing stored before consent; anonymizeIP and dataRetention reach the server', async () => {
  const { page, errors, context } = await chat('/privacy', online(`,\n  privacy: {\n    cookieConsent: true, // Show cookie consent\n    dataRetention: 30, // Days to retain data\n    anonymizeIP: true // Anonymize visitor IPs\n  }`));
  const request = page.waitForRequest((r) => r.url().endsWith('/v1/widget/sessions'));
  await openChat(page);
  assert.deepEqual((await request).postDataJSON().privacy, { anonymizeIP: true, dataRetention: 30 });
  await say(page, 'Private');
  await page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  const stored = () => page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((k) => k.startsWith('linktor:')));
  assert.deepEqual(await stored(), [], 'nothing before consent');
  assert.equal(await page.evaluate(() => document.cookie), '');
  await page.getByRole('button', { name: 'Accept' }).click();
  assert.ok((await stored()).includes(`linktor:${w.server.channel.id}:session`));
  assert.deepEqual(errors, []);
  await context.close();
});

test('privacy: an onlyOnce message shown before consent is remembered once the visitor consents', async () => {
  const init = online(", privacy: { cookieConsent: true }, proactiveMessages: [{ trigger: 'time', delay: 200, message: 'Only once, please', onlyOnce: true }]");
  const { page, errors, context } = await chat('/consent-once', init);
  const bubble = page.locator('.linktor-proactive', { hasText: 'Only once, please' });
  await bubble.waitFor();
  const stored = () => page.evaluate(() => Object.fromEntries([...Object.entries(localStorage), ...Object.entries(sessionStorage)].filter(([k]) => k.startsWith('linktor:'))));
  assert.deepEqual(await stored(), {}, 'nothing stored before consent');
  await page.reload();
  await page.locator('.linktor-proactive', { hasText: 'Only once, please' }).waitFor();
  // Opening from the bubble; the visitor consents.
  await page.locator('.linktor-proactive-text').click();
  await page.getByRole('button', { name: 'Accept' }).click();
  assert.deepEqual(JSON.parse((await stored())[`linktor:${w.server.channel.id}:proactive`]), ['time:Only once, please']);
  await page.reload();
  await launcher(page).waitFor();
  await wait(1000);
  assert.equal(await bubble.count(), 0, 'not again after consent');
  assert.deepEqual(errors, []);
  await context.close();
});

test('translations: built-in Spanish, overrides, right-to-left Arabic', async () => {
  const es = await chat('/es', online(", language: 'es', translations: { sendButton: 'Mandar' }"));
  assert.equal(await launcher(es.page).getAttribute('aria-label'), 'Abrir chat');
  const langFile = es.page.waitForResponse((r) => r.url().endsWith('/v1/linktor-es.json'));
  await openChat(es.page);
  assert.equal((await langFile).status(), 200);
  assert.equal(await input(es.page).getAttribute('placeholder'), 'Escribe tu mensaje...');
  assert.equal(await es.page.locator('.linktor-send').getAttribute('aria-label'), 'Mandar');
  assert.equal(await es.page.locator('.linktor-close').getAttribute('aria-label'), 'Cerrar chat');
  assert.deepEqual(es.errors, []);
  await es.context.close();

  const ar = await chat('/ar', online(", language: 'ar'"));
  await openChat(ar.page);
  assert.equal(await panel(ar.page).getAttribute('dir'), 'rtl');
  assert.equal(await panel(ar.page).evaluate((e) => getComputedStyle(e).direction), 'rtl');
  await ar.context.close();

  // No language option: the browser's (here German) when the channel has none of its own.
  const de = await chat('/de', online(), { locale: 'de-DE' });
  const config = await (await fetch(`${w.server.origin}/v1/widget/channels/${w.server.channel.id}/config`, { headers: { Origin: w.host.origin } })).json();
  assert.equal(await launcher(de.page).getAttribute('aria-label'), config.defaultLanguage ? { en: 'Open chat', de: 'Chat öffnen', es: 'Abrir chat', pt: 'Abrir chat', fr: 'Ouvrir le chat' }[config.defaultLanguage] : 'Chat öffnen');
  await de.context.close();
});
