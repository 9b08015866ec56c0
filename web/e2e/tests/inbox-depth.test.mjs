// The inbox in depth (issue 17), end to end in Chromium against the real server: labels set in
// a conversation and filtered by, a private note a second dashboard sees live and the visitor
// never does, a saved reply inserted by keyboard with its variables filled, round-robin
// assignment with its line in the thread, the widget's satisfaction survey shown in the inbox
// and in analytics, the visitor panel (browser in words, local time, pages after a single-page
// navigation), the keyboard shortcuts and their help dialog. Hostile text in a note, a label
// description, a saved reply and a rating comment stays text: no element, no dialog.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, openChat, panel as chatPanel, receivedFrames, say, sentFrames, until } from '../lib/browser.mjs';
import { snippetPage } from '../lib/host.mjs';
import { axe, createAgent, dashboardWorld, realErrors, setAvailability, signIn } from '../lib/dashboard.mjs';

const w = dashboardWorld();
const EVIL = '<img src=x onerror=alert(1)>';
const BO = { email: 'bo@example.com', password: 'correct horse battery', name: 'Bo Agent', role: 'agent' };
let admin; // Ada's page, shared by the tests

async function adminPage() {
  if (!admin) {
    createAgent(w.server, BO);
    admin = await signIn(w);
    await setAvailability(admin.page, 'online');
  }
  return admin;
}

/** A visitor on the host site who opens the chat and writes `text`; `user` as init's user. */
async function visitor(text, { user, path = `/p${Math.random().toString(36).slice(2, 8)}`, ...options } = {}) {
  const init = `linktor('init', { channelId: '${w.server.channel.id}', offline: { enabled: false }${user ? `, user: ${JSON.stringify(user)}` : ''} });`;
  const url = w.host.page(path, snippetPage(w.server.origin, init));
  const v = await open(w.browser, url, options);
  v.frames = receivedFrames(v.page);
  v.sent = sentFrames(v.page);
  await openChat(v.page);
  await say(v.page, text);
  await v.page.locator('.linktor-message-visitor', { hasText: text }).waitFor();
  v.session = await v.session;
  return v;
}

/** Opens the conversation whose last message is `text` in the inbox (all open conversations shown). */
async function openConversation(page, text) {
  if (!new URL(page.url()).pathname.startsWith('/app/inbox') || new URL(page.url()).search) await page.goto(`${w.server.origin}/app/inbox`);
  const item = page.locator('.conv-item', { hasText: text });
  await item.waitFor();
  await item.click();
  await page.locator('.thread .msg-in', { hasText: text }).first().waitFor();
}

/** Console errors but those a test provokes (a taken shortcut answers 409). */
const clean = (errors) => realErrors(errors).filter((e) => !/status of 409/.test(e));

/** No element was made of hostile text anywhere on the page. */
const noImg = async (page) => assert.equal(await page.locator('img[src="x"]').count(), 0, 'an <img> was created from text');

test('labels: created in Settings (hostile description shown as text), set in a conversation, shown as chips, filtered by', async () => {
  const { page, errors } = await adminPage();
  await page.goto(`${w.server.origin}/app/settings/labels`);
  await page.getByRole('heading', { name: 'Labels', level: 1 }).waitFor();
  // A name the server would refuse is caught beside the field.
  await page.getByLabel('Name', { exact: true }).fill('Bad Name');
  await page.getByRole('button', { name: 'Add label' }).click();
  await page.locator('.field-invalid .error', { hasText: 'lower-case' }).waitFor();
  for (const [name, color, description] of [
    ['billing', '#fde047', EVIL],
    ['vip', '#7c3aed', 'Important customers'],
  ]) {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Colour', { exact: true }).fill(color);
    await page.getByLabel('Description (optional)').fill(description);
    const created = page.waitForResponse((r) => r.url().endsWith('/v1/labels') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Add label' }).click();
    assert.equal((await created).status(), 201);
    await page.locator('tbody tr', { hasText: name }).waitFor();
  }
  const billingRow = page.locator('tbody tr', { hasText: 'billing' });
  assert.equal(await billingRow.locator('td').first().innerText(), EVIL);
  await noImg(page);
  // Edit a colour and a description.
  await page.locator('tbody tr', { hasText: 'vip' }).getByRole('button', { name: 'Edit vip' }).click();
  await page.getByLabel('Description of vip').fill('Our best customers');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('tbody tr', { hasText: 'Our best customers' }).waitFor();

  const a = await visitor('Question about my invoice');
  const b = await visitor('Just browsing');
  await openConversation(page, 'Question about my invoice');
  await page.getByRole('button', { name: 'Labels' }).click();
  const picker = page.getByRole('group', { name: 'Labels of this conversation' });
  const put = page.waitForResponse((r) => r.url().endsWith('/labels') && r.request().method() === 'PUT');
  await picker.getByLabel('billing').check();
  assert.equal((await put).status(), 200);
  await page.keyboard.press('Escape');
  assert.equal(await picker.count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Labels', 'focus back on the Labels button');
  await page.locator('.thread-head .label-chip', { hasText: 'billing' }).waitFor();
  const listItem = page.locator('.conv-item', { hasText: 'Question about my invoice' });
  await listItem.locator('.label-chip', { hasText: 'billing' }).waitFor();
  assert.equal(await listItem.locator('.label-chip').getAttribute('title'), EVIL);

  // The filter asks the server for ?label=billing and shows only that conversation.
  const listed = page.waitForResponse((r) => r.url().includes('/v1/conversations?') && r.url().includes('label=billing'));
  await page.getByLabel('Label', { exact: true }).selectOption('billing');
  await listed;
  await until(async () => (await page.locator('.conv-item', { hasText: 'Just browsing' }).count()) === 0, 5000, 'the unlabelled conversation to leave the list');
  await page.locator('.conv-item', { hasText: 'Question about my invoice' }).waitFor();
  assert.match(page.url(), /label=billing/);
  await page.getByLabel('Label', { exact: true }).selectOption('');
  await page.locator('.conv-item', { hasText: 'Just browsing' }).waitFor();
  await noImg(page);
  assert.deepEqual(clean(errors), []);
  await a.context.close();
  await b.context.close();
});

test('a private note: a second dashboard sees it live, the visitor never does; hostile text stays text', async () => {
  const { page, errors } = await adminPage();
  const v = await visitor('Can I change my order?');
  await openConversation(page, 'Can I change my order?');
  const bo = await signIn(w, { email: BO.email, password: BO.password });
  await openConversation(bo.page, 'Can I change my order?');

  await page.getByRole('button', { name: 'Private note' }).click();
  assert.equal(await page.locator('.composer').getAttribute('class'), 'composer composer-note');
  const noteText = `Check the warehouse first ${EVIL}`;
  await page.getByLabel('Private note', { exact: true }).fill(noteText);
  const posted = page.waitForResponse((r) => r.url().endsWith('/notes') && r.request().method() === 'POST');
  await page.getByLabel('Private note', { exact: true }).press('Enter');
  assert.equal((await posted).status(), 201);
  for (const p of [page, bo.page]) {
    const note = p.locator('.note-row', { hasText: 'Check the warehouse first' });
    await note.waitFor();
    assert.equal(await note.locator('.msg-text').innerText(), noteText);
    assert.match(await note.locator('.note-who').innerText(), /Private note/i);
    await noImg(p);
  }
  assert.match(await bo.page.locator('.note-row .note-who').innerText(), /Ada Admin/);
  // A reply after it goes to the visitor; the note does not.
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  await page.getByLabel('Message', { exact: true }).fill('Yes, until it ships.');
  await page.getByLabel('Message', { exact: true }).press('Enter');
  await v.page.locator('.linktor-message-agent', { hasText: 'Yes, until it ships.' }).waitFor();
  assert.ok(!(await v.page.content()).includes('warehouse'), 'the note reached the visitor page');
  assert.ok(!JSON.stringify(v.frames).includes('warehouse'), 'the note reached the visitor socket');
  await noImg(v.page);
  assert.deepEqual(clean(errors), []);
  assert.deepEqual(clean(bo.errors), []);
  await bo.context.close();
  await v.context.close();
});

test('a saved reply: managed in Settings, inserted with `/` and the keyboard, variables filled in; hostile text stays text', async () => {
  const { page, errors } = await adminPage();
  await page.goto(`${w.server.origin}/app/settings/saved-replies`);
  for (const [shortcut, text] of [
    ['thanks', 'Thanks {{visitor.name}} ({{visitor.email}}), {{agent.name}} here.'],
    ['evil', EVIL],
    ['thanks-again', 'Thanks again!'],
  ]) {
    await page.getByLabel('Shortcut', { exact: true }).fill(shortcut);
    await page.getByLabel('Text', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Add saved reply' }).click();
    await page.locator('tbody th', { hasText: `/${shortcut}` }).first().waitFor();
  }
  // A taken shortcut is refused beside the field.
  await page.getByLabel('Shortcut', { exact: true }).fill('evil');
  await page.getByLabel('Text', { exact: true }).fill('again');
  await page.getByRole('button', { name: 'Add saved reply' }).click();
  await page.locator('.field-invalid .error', { hasText: 'taken' }).waitFor();
  assert.equal(await page.locator('tbody tr', { hasText: '/evil' }).locator('td').first().innerText(), EVIL);
  await noImg(page);

  const v = await visitor('Hello, it is Vera', { user: { name: 'Vera Visitor', email: 'vera@example.com' } });
  await openConversation(page, 'Hello, it is Vera');
  const box = page.getByLabel('Message', { exact: true });
  await box.focus();
  await page.keyboard.type('/tha');
  const list = page.getByRole('listbox', { name: 'Saved replies' });
  await list.waitFor();
  assert.deepEqual(await list.getByRole('option').allInnerTexts(), ['/thanks Thanks {{visitor.name}} ({{visitor.email}}), {{agent.name}} here.', '/thanks-again Thanks again!']);
  assert.equal(await box.getAttribute('aria-activedescendant'), 'saved-reply-0');
  await page.keyboard.press('ArrowDown');
  assert.equal(await box.getAttribute('aria-activedescendant'), 'saved-reply-1');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  assert.equal(await box.inputValue(), 'Thanks Vera Visitor (vera@example.com), Ada Admin here.');
  assert.equal(await list.count(), 0);
  await page.keyboard.press('Enter');
  await v.page.locator('.linktor-message-agent', { hasText: 'Thanks Vera Visitor (vera@example.com), Ada Admin here.' }).waitFor();

  // Escape closes the list and keeps the text; Tab inserts too; hostile text is inserted as text.
  await page.keyboard.type('/ev');
  await list.waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await list.count(), 0);
  assert.equal(await box.inputValue(), '/ev');
  await box.fill('');
  await page.keyboard.type('/evi');
  await list.waitFor();
  await noImg(page);
  await page.keyboard.press('Tab');
  assert.equal(await box.inputValue(), EVIL);
  await page.keyboard.press('Enter');
  await v.page.locator('.linktor-message-agent', { hasText: EVIL }).waitFor();
  await noImg(page);
  await noImg(v.page);
  assert.deepEqual(clean(errors), []);
  await v.context.close();
});

test('round robin (set on the Behavior tab) assigns a new conversation to an online agent, and the thread says so', async () => {
  const { page, errors } = await adminPage();
  await page.goto(`${w.server.origin}/app/settings/channels/${w.server.channel.id}/behavior`);
  await page.getByLabel('Assignment of new conversations').selectOption('roundRobin');
  await page.getByLabel('Open conversations per agent at most').fill('50');
  await page.getByLabel('Ask visitors to rate the conversation when it is resolved').check();
  const saved = page.waitForResponse((r) => r.url().includes(`/v1/channels/${w.server.channel.id}`) && r.request().method() === 'PATCH');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const channel = await (await saved).json();
  const manual = () => w.server.api('PATCH', `/v1/channels/${w.server.channel.id}`, { settings: { ...channel.settings, inbox: { ...channel.settings.inbox, assignment: { mode: 'manual', maxOpenPerAgent: 50 } } } });
  try {
  assert.deepEqual(channel.settings.inbox, { assignment: { mode: 'roundRobin', maxOpenPerAgent: 50 }, satisfactionSurvey: true });

  const v = await visitor('Round robin, please');
  await openConversation(page, 'Round robin, please');
  const line = page.locator('.system-line', { hasText: 'automatically' });
  await line.waitFor();
  const text = await line.innerText();
  assert.match(text, /^Assigned to (you|Bo Agent) automatically/);
  const head = await page.locator('.thread-head').innerText();
  assert.ok(head.includes(text.startsWith('Assigned to you') ? 'Assigned to you' : 'Assigned to Bo Agent'), head);

  // Taking it over logs a line of its own.
  if (text.startsWith('Assigned to Bo')) {
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.locator('.system-line', { hasText: 'You took this conversation' }).waitFor();
  }
  await page.getByLabel('Assign to').selectOption('');
  await page.locator('.system-line', { hasText: 'Unassigned by you' }).waitFor();
  assert.deepEqual(clean(errors), []);
  await v.context.close();
  } finally {
    // Back to manual for the tests after this one.
    await manual();
  }
});

test('the visitor rates the resolved conversation in the widget; the inbox and analytics show it; a hostile comment stays text', async () => {
  const { page, errors } = await adminPage();
  const v = await visitor('Thanks for the help');
  await openConversation(page, 'Thanks for the help');
  await page.getByRole('button', { name: 'Assign to me' }).click();
  await page.locator('.thread-head', { hasText: 'Assigned to you' }).waitFor();
  await page.getByRole('button', { name: 'Resolve', exact: true }).click();

  const survey = v.page.locator('.linktor-survey');
  await survey.getByText('How would you rate this conversation?').waitFor();
  for (let n = 1; n <= 5; n++) await survey.getByRole('button', { name: `${n} out of 5` }).waitFor();
  await survey.getByRole('button', { name: '4 out of 5' }).click();
  assert.equal(await survey.getByRole('button', { name: '4 out of 5' }).getAttribute('aria-pressed'), 'true');
  await survey.getByLabel('Comment (optional)').fill(EVIL);
  await survey.getByRole('button', { name: 'Send' }).click();
  await v.page.locator('.linktor-thanks', { hasText: 'Thank you for your rating!' }).waitFor();
  await until(() => v.frames.some((f) => f.type === 'conversation' && !f.conversation.satisfactionRequested && f.conversation.status === 'resolved'), 5000, 'the conversation frame without the request');

  const line = page.locator('.system-satisfaction');
  await line.waitFor();
  assert.match(await line.locator('span').innerText(), /^Visitor rated 4\/5: “<img src=x onerror=alert\(1\)>”$/);
  await noImg(page);
  await noImg(v.page);

  await page.getByRole('link', { name: 'Analytics' }).click();
  const tiles = page.getByRole('list', { name: 'Totals' });
  await tiles.getByText('4.0 / 5').waitFor();
  assert.match(await tiles.innerText(), /satisfaction \(1 rating\)/);
  const byChannel = page.getByRole('region', { name: 'Satisfaction by channel' });
  assert.match(await byChannel.locator('tbody tr', { hasText: 'Website Chat' }).innerText(), /4\.0 \/ 5\s+1/);
  const byAgent = page.getByRole('region', { name: 'Satisfaction by agent' });
  assert.match(await byAgent.locator('tbody tr', { hasText: 'Ada Admin' }).innerText(), /4\.0 \/ 5\s+1/);
  const byDay = page.getByRole('region', { name: 'Satisfaction by day' });
  assert.match(await byDay.locator('tbody tr').first().innerText(), /\d{4}-\d\d-\d\d\s+4\.0 \/ 5\s+1/);
  assert.deepEqual(clean(errors), []);
  assert.deepEqual(v.errors, []);
  await v.context.close();
});

test('another tab of the visitor rates: the survey goes away in this one', async () => {
  const { page } = await adminPage();
  const v = await visitor('Two tabs here');
  await openConversation(page, 'Two tabs here');
  await page.getByRole('button', { name: 'Resolve', exact: true }).click();
  await v.page.locator('.linktor-survey').waitFor();
  // The other tab: the same visitor (same storage), rating over its own socket.
  const other = await v.context.newPage();
  await other.goto(v.page.url());
  await other.locator('.linktor-launcher').waitFor();
  if (!(await chatPanel(other).isVisible())) await openChat(other);
  await other.locator('.linktor-survey').getByRole('button', { name: '5 out of 5' }).click();
  await other.locator('.linktor-survey').getByRole('button', { name: 'Send' }).click();
  await other.locator('.linktor-thanks').waitFor();
  await v.page.locator('.linktor-survey').waitFor({ state: 'detached' });
  assert.equal(await v.page.locator('.linktor-thanks').count(), 0);
  await v.context.close();
});

test('the visitor panel: browser in words, local time, and the pages of this visit after a single-page navigation', async () => {
  const { page, errors } = await adminPage();
  const v = await visitor('Where is my parcel?', { timezoneId: 'Asia/Tokyo' });
  // The host page navigates without loading (history.pushState), as a single-page app does.
  await v.page.evaluate(() => {
    history.pushState({}, '', '/orders/42');
    document.title = 'Order 42';
  });
  await until(() => v.sent.some((f) => f.type === 'page' && f.url.endsWith('/orders/42') && f.title === 'Order 42'), 5000, 'the page frame of the navigation');
  assert.ok(v.sent.some((f) => f.type === 'page' && f.title === 'Acme Store'), 'the first page reported');
  await openConversation(page, 'Where is my parcel?');
  const panel = page.locator('.visitor-panel');
  const browser = panel.locator('dt:text-is("Browser") + dd');
  await browser.waitFor();
  assert.match(await browser.innerText(), /^Chrome \d+ on Linux$/);
  assert.match(await browser.getAttribute('title'), /Mozilla\/5\.0/);
  assert.ok(!(await panel.innerText()).includes('Mozilla/5.0'), 'the raw user agent is only a tooltip');
  const local = panel.locator('dt:text-is("Local time") + dd');
  assert.match(await local.innerText(), /^\d\d:\d\d( [AP]M)?\s+\(Asia\/Tokyo\)$/);
  const expected = new Date().toLocaleTimeString(undefined, { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' });
  assert.ok((await local.innerText()).startsWith(expected.slice(0, 2)), `${await local.innerText()} vs ${expected}`);
  const pages = panel.getByRole('region', { name: 'Pages in this visit' }).locator('li');
  await until(async () => (await pages.count()) >= 2, 25_000, 'both pages in the panel');
  const texts = await pages.allInnerTexts();
  assert.match(texts[0], /Acme Store/);
  assert.match(texts[texts.length - 1], /Order 42\s+\/orders\/42/);
  assert.deepEqual(clean(errors), []);
  assert.deepEqual(v.errors, []);
  await v.context.close();
});

test('keyboard: j/k and Alt+arrows move through the list, r/n the composer, a assigns, l labels, e resolves, ? the help dialog', async () => {
  const { page, errors } = await adminPage();
  const v1 = await visitor('Keyboard one');
  const v2 = await visitor('Keyboard two');
  await page.goto(`${w.server.origin}/app/inbox`);
  await page.locator('.conv-item', { hasText: 'Keyboard two' }).waitFor();
  const items = page.locator('.conv-item');
  const ids = await items.evaluateAll((as) => as.map((a) => new URL(a.href).pathname.split('/').pop()));
  const current = () => new URL(page.url()).pathname.split('/').pop();
  await page.locator('h1').first().click();
  await page.keyboard.press('j');
  await until(() => current() === ids[0], 5000, 'the first conversation');
  await page.keyboard.press('j');
  await until(() => current() === ids[1], 5000, 'the second conversation');
  await page.keyboard.press('k');
  await until(() => current() === ids[0], 5000, 'back to the first');
  await page.keyboard.press('Alt+ArrowDown');
  await until(() => current() === ids[1], 5000, 'Alt+↓');
  await page.keyboard.press('Alt+ArrowUp');
  await until(() => current() === ids[0], 5000, 'Alt+↑');
  await page.locator('.thread .msg-in').first().waitFor();

  await page.keyboard.press('r');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'composer-text');
  // In a text field the keys are text.
  await page.keyboard.type('jk');
  assert.equal(await page.locator('#composer-text').inputValue(), 'jk');
  assert.equal(current(), ids[0]);
  await page.locator('#composer-text').fill('');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('n');
  assert.equal(await page.getByRole('button', { name: 'Private note' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'composer-text');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('r');
  assert.equal(await page.getByRole('button', { name: 'Reply', exact: true }).getAttribute('aria-pressed'), 'true');
  await page.evaluate(() => document.activeElement.blur());

  await page.keyboard.press('a');
  await page.locator('.thread-head', { hasText: 'Assigned to you' }).waitFor();
  await page.keyboard.press('l');
  await page.getByRole('group', { name: 'Labels of this conversation' }).waitFor();
  await page.keyboard.press('Escape');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('e');
  await page.locator('.thread-head .badge', { hasText: 'Resolved' }).waitFor();

  // The help dialog: modal, focus inside, Escape closes, focus goes back.
  await page.getByRole('button', { name: 'Reopen' }).focus();
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  await until(() => page.evaluate(() => document.activeElement?.closest('dialog') !== null), 2000, 'focus in the dialog');
  const rows = await dialog.locator('tbody tr').allInnerTexts();
  for (const want of [/^j or Alt\+↓\s+Next conversation$/, /^k or Alt\+↑\s+Previous conversation$/, /^r\s+Reply/, /^n\s+Write a private note$/, /^e\s+Resolve/, /^a\s+Assign the conversation to me$/, /^l\s+Labels/, /^\/\s+Search conversations$/, /^\?\s+Show these shortcuts$/])
    assert.ok(rows.some((r) => want.test(r)), `${want} in ${JSON.stringify(rows)}`);
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.activeElement?.closest('dialog') !== null || document.activeElement === document.body), 'focus left the dialog');
  }
  assert.deepEqual(await axe(page, { include: ['dialog[open]'] }), [], 'the help dialog');
  // Tabbing past a native modal's last control may hand focus to the browser itself, where a
  // key never reaches the page; Escape is tested where a person presses it, inside the dialog.
  await dialog.getByRole('button', { name: 'Close' }).focus();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Reopen');
  assert.deepEqual(clean(errors), []);
  await v1.context.close();
  await v2.context.close();
});

test('axe-core: no violation in the inbox with labels, notes, activity lines and the saved-reply list open', async () => {
  const { page } = await adminPage();
  const v = await visitor('Accessible, please');
  await openConversation(page, 'Accessible, please');
  await page.getByRole('button', { name: 'Private note' }).click();
  await page.getByLabel('Private note', { exact: true }).fill('An accessible note');
  await page.getByLabel('Private note', { exact: true }).press('Enter');
  await page.locator('.note-row').waitFor();
  await page.getByRole('button', { name: 'Assign to me' }).click();
  await page.locator('.system-line').first().waitFor();
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  await page.keyboard.type('/');
  await page.getByRole('listbox', { name: 'Saved replies' }).waitFor();
  await page.locator('.visitor-panel h2').waitFor();
  assert.deepEqual(await axe(page), [], 'inbox');
  await page.goto(`${w.server.origin}/app/settings/labels`);
  await page.locator('tbody tr').first().waitFor();
  assert.deepEqual(await axe(page), [], 'labels');
  await page.goto(`${w.server.origin}/app/settings/saved-replies`);
  await page.locator('tbody tr').first().waitFor();
  assert.deepEqual(await axe(page), [], 'saved replies');
  await v.context.close();
});
