// Inbox search in the browser, against the server on SQLite and on PostgreSQL: `/` focuses the
// search box, typing filters the list from the server, each result shows the matching excerpt
// with its words marked (and a visitor's markup stays text), a result opens the thread scrolled
// to the matching message, Escape clears the search.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../lib/browser.mjs';
import { dashboardWorld, realErrors, signIn } from '../lib/dashboard.mjs';

/** A visitor of the server's channel with `user`; its id. */
async function visitor(server, user) {
  const r = await fetch(`${server.origin}/v1/widget/sessions`, {
    method: 'POST',
    headers: { Origin: 'http://localhost', 'Content-Type': 'application/json' },
    body: JSON.stringify({ channelId: server.channel.id, user }),
  });
  if (r.status !== 201) throw new Error(`session: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()).visitorId;
}

const text = (t) => ({ type: 'text', text: t });

for (const database of ['sqlite', 'postgres']) {
  describe(`inbox search on ${database}`, () => {
    const w = dashboardWorld({ database });

    test('type to search, see the hit, open the thread at it, Escape to clear', async () => {
      const s = w.server;
      // A long conversation whose one match is far from its end.
      const renee = await visitor(s, { name: 'Renée Dupont', email: 'renee@example.fr' });
      for (let i = 1; i <= 12; i++) await s.agentSend(renee, text(`Earlier note number ${i}`));
      const hit = await s.agentSend(renee, text('The invoice for your blue widget is attached'));
      for (let i = 1; i <= 40; i++) await s.agentSend(renee, text(`Later note number ${i}`));
      const bob = await visitor(s, { name: 'Bob Stone', email: 'bob@example.com' });
      await s.agentSend(bob, text('Your parcel ships tomorrow'));
      // Markup in a visitor's name and message is text.
      const mallory = await visitor(s, { name: '<img src=x onerror=alert(1)>', email: 'm@example.com' });
      await s.agentSend(mallory, text('<b>invoice</b> <script>alert(2)</script>'));

      const { page, errors } = await signIn(w, { path: '/app/inbox' });
      const items = page.locator('.conv-item');
      await until(async () => (await items.count()) === 3, 10_000, 'three conversations listed');

      // `/` focuses the search box (not while typing in a field).
      await page.locator('h1').click();
      await page.keyboard.press('/');
      const box = page.getByRole('searchbox', { name: 'Search conversations' });
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'inbox-search');
      assert.equal(await box.inputValue(), '', 'the / was not typed into the box');

      // Typing (a prefix, other case, no accent) filters from the server.
      const searched = page.waitForResponse((r) => r.url().includes('/v1/conversations?') && r.url().includes('q=INVOI'));
      await box.pressSequentially('INVOI', { delay: 30 });
      assert.equal((await searched).status(), 200);
      await until(async () => (await items.count()) === 2, 10_000, 'two conversations match');
      const reneeItem = items.filter({ hasText: 'Renée Dupont' });
      assert.equal(await reneeItem.locator('.conv-snippet mark').allInnerTexts().then((t) => t.join('|')), 'invoice');
      assert.match(await reneeItem.locator('.conv-snippet').innerText(), /The invoice for your blue widget is attached/);
      const malloryItem = items.filter({ hasText: '<img src=x onerror=alert(1)>' });
      assert.equal(await malloryItem.locator('.conv-snippet').innerText(), '<b>invoice</b> <script>alert(2)</script>');
      assert.equal(await malloryItem.locator('.conv-snippet mark').innerText(), 'invoice');
      assert.equal(await page.locator('.conv-list img, .conv-list b, .conv-list script').count(), 0, 'no markup from visitors');

      // The visitor's name finds its conversation too.
      await box.fill('dupont');
      await until(async () => (await items.count()) === 1 && (await items.first().locator('.conv-snippet mark').innerText()) === 'Dupont', 10_000, 'found by name');
      await box.fill('invoice blue');
      const marks = async () => (await items.count()) === 1 && (await items.first().locator('.conv-snippet mark').allInnerTexts()).join('|');
      await until(async () => (await marks()) === 'invoice|blue', 10_000, 'both words in one message, marked');

      // The result opens the thread at the matching message, not at its end.
      await reneeItem.click();
      const opened = () => new URL(page.url());
      await until(async () => opened().pathname.startsWith('/app/inbox/conv_') && opened().searchParams.get('message') === hit.id, 10_000, 'the thread of the hit opened');
      const found = page.locator(`.msg-row[data-message-id="${hit.id}"]`);
      await found.waitFor();
      await until(async () => (await found.getAttribute('class')).includes('msg-found'), 10_000, 'the message is marked');
      const inView = await found.evaluate((row) => {
        const pane = row.closest('.messages').getBoundingClientRect();
        const r = row.getBoundingClientRect();
        return r.top >= pane.top && r.bottom <= pane.bottom;
      });
      assert.ok(inView, 'the matching message is in view');
      // The row whose text is exactly the last note (by substring, "…number 4" beside the time
      // "01:02" would match too).
      const last = page.locator('.msg-row').filter({ has: page.getByText('Later note number 40', { exact: true }) });
      assert.ok(!(await last.evaluate((row) => row.getBoundingClientRect().top < row.closest('.messages').getBoundingClientRect().bottom)), 'the end is out of view');

      // `/` typed in the composer is text, not a jump to the search box.
      const composer = page.locator('#composer-text');
      await composer.click();
      await page.keyboard.type('a/b');
      assert.equal(await composer.inputValue(), 'a/b');

      // Escape in the search box clears it: the whole list again.
      await box.click();
      await page.keyboard.press('Escape');
      assert.equal(await box.inputValue(), '');
      await until(async () => (await items.count()) === 3, 10_000, 'all conversations again');
      assert.equal(await page.locator('.conv-snippet').count(), 0);

      // No word at all finds nothing, and says so.
      await box.fill('"*');
      await page.getByText('No conversation matches.').waitFor();
      assert.deepEqual(realErrors(errors), []);
    });
  });
}
