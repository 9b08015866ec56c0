// Conversations that continue by email, in the browser: the visitor leaves, the business
// answers, the answer is mailed (to a real SMTP server: aiosmtpd from target/smtp-venv, made
// by scripts/smtp/ensure-venv.sh), and the mail's link reopens the chat on the page, in a
// fresh browser, with the conversation restored and the token gone from the address bar. The
// inbox offers the transcript when email is on, and says that email is off when it is not.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, nextSession, open, openChat, panel, say, until } from '../lib/browser.mjs';
import { ADMIN, createAgent, realErrors, signIn } from '../lib/dashboard.mjs';
import { snippetPage, startHost } from '../lib/host.mjs';
import { freePort, startServer } from '../lib/server.mjs';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const python = join(repo, 'target/smtp-venv/bin/python');

/** aiosmtpd writing every mail into a Maildir. */
async function startSmtpSink() {
  if (!existsSync(python)) throw new Error(`${python} is missing: run scripts/smtp/ensure-venv.sh (make test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'linktor-smtp-'));
  const port = await freePort();
  const proc = spawn(python, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', join(dir, 'mail')], { stdio: 'ignore' });
  const net = await import('node:net');
  await until(
    () => new Promise((r) => net.connect(port, '127.0.0.1').on('connect', function () { this.end(); r(true); }).on('error', () => r(false))),
    10_000,
    'aiosmtpd to listen',
  );
  return {
    port,
    mails: () => {
      const d = join(dir, 'mail/new');
      return existsSync(d) ? readdirSync(d).sort().map((f) => readFileSync(join(d, f), 'utf8')) : [];
    },
    stop() {
      proc.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The text/plain part of a raw mail, decoded. */
function textPart(raw) {
  const m = raw.match(/Content-Type: text\/plain[^]*?\r?\n\r?\n([^]*?)\r?\n--/i);
  assert.ok(m, `no text part in:\n${raw}`);
  const head = raw.slice(0, m.index + m[0].length - m[1].length);
  const encoding = [...head.matchAll(/Content-Transfer-Encoding: *(\S+)/gi)].pop()?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable')
    return Buffer.from(m[1].replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  return m[1];
}

const w = {};
before(async () => {
  w.smtp = await startSmtpSink();
  w.server = await startServer({ env: { LINKTOR_SMTP_URL: `smtp://127.0.0.1:${w.smtp.port}`, LINKTOR_EMAIL_FROM: 'Acme <support@example.com>', LINKTOR_EMAIL_DELAY: '1' } });
  w.plain = await startServer();
  createAgent(w.server, ADMIN);
  createAgent(w.plain, ADMIN);
  w.host = await startHost();
  w.browser = await launch();
});
after(async () => {
  await w.browser?.close();
  await w.host?.stop();
  await w.server?.stop();
  await w.plain?.stop();
  w.smtp?.stop();
});

test('the emailed link reopens the chat on the page with the conversation restored', async () => {
  const init = `linktor('init', { channelId: '${w.server.channel.id}', offline: { enabled: false }, user: { name: 'Ann', email: 'ann@example.com' } });`;
  const url = w.host.page('/pricing', snippetPage(w.server.origin, init));
  const first = await open(w.browser, url);
  const session = nextSession(first.page);
  await openChat(first.page);
  const { visitorId } = await session;
  await say(first.page, 'Is there a yearly plan?');
  await first.page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  await first.context.close(); // the visitor leaves

  await w.server.agentSend(visitorId, { type: 'text', text: 'Yes: two months free <b>yearly</b>.' });
  const raw = await until(() => w.smtp.mails()[0], 15_000, 'the mail');
  const text = textPart(raw);
  assert.match(text, /Yes: two months free <b>yearly<\/b>\./);
  const link = text.split(/\r?\n/).find((l) => l.startsWith('Continue the conversation:'))?.slice('Continue the conversation:'.length).trim();
  assert.ok(link?.startsWith(`${w.host.origin}/pricing?linktor_resume=`), link);

  // Another browser (the visitor's phone, say): the link alone brings the conversation back.
  const second = await open(w.browser, link);
  await panel(second.page).waitFor({ state: 'visible' });
  await second.page.locator('.linktor-message-agent', { hasText: 'two months free' }).waitFor();
  await second.page.locator('.linktor-message-visitor', { hasText: 'Is there a yearly plan?' }).waitFor();
  assert.equal(second.page.url(), `${w.host.origin}/pricing`, 'the token left the address bar');
  // The visitor can answer from there, into the same conversation.
  await say(second.page, 'Great, thanks');
  await second.page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  const convs = await w.server.api('GET', `/v1/conversations?visitorId=${visitorId}`);
  assert.equal(convs.data.length, 1);
  assert.equal(convs.data[0].lastMessage.content.text, 'Great, thanks');
  // The widget offers the conversation by email.
  await second.page.getByRole('button', { name: 'Email me this conversation' }).click();
  await second.page.getByLabel('Your email address').waitFor();
  assert.equal(await second.page.getByLabel('Your email address').inputValue(), 'ann@example.com', 'the known address is offered');
  await second.page.getByLabel('Your email address').fill('ann.work@example.com');
  await second.page.locator('.linktor-transcript button[type=submit]').click();
  await second.page.locator('.linktor-alert', { hasText: 'sent to ann.work@example.com' }).waitFor();
  await until(() => w.smtp.mails().some((m) => /To: ann\.work@example\.com/i.test(m)), 10_000, 'the transcript mail');
  assert.deepEqual(second.errors, []);
  await second.context.close();
});

test('the inbox emails a transcript when email is on, and says when it is off', async () => {
  const init = `linktor('init', { channelId: '${w.server.channel.id}', offline: { enabled: false }, user: { name: 'Bob', email: 'bob@example.com' } });`;
  const visitor = await open(w.browser, w.host.page('/help', snippetPage(w.server.origin, init)));
  await openChat(visitor.page);
  await say(visitor.page, 'Hello from Bob');
  await visitor.page.locator('.linktor-meta', { hasText: 'Sent' }).waitFor();
  await visitor.context.close();

  const { page, context, errors } = await signIn(w, { path: '/app/inbox' });
  await page.locator('.conv-item', { hasText: 'Hello from Bob' }).click();
  const before = w.smtp.mails().length;
  await page.getByRole('button', { name: 'Email transcript' }).click();
  await page.getByRole('status').filter({ hasText: 'Transcript sent to bob@example.com.' }).waitFor();
  await until(() => w.smtp.mails().length > before, 10_000, 'the transcript');
  assert.match(w.smtp.mails().at(-1), /To: bob@example\.com/i);
  assert.equal(await page.locator('.email-off').count(), 0);
  assert.deepEqual(realErrors(errors), []);
  await context.close();

  // Without SMTP settings: a notice, and no transcript button.
  const off = await signIn({ ...w, server: w.plain }, { path: '/app/inbox' });
  await off.page.locator('.email-off', { hasText: 'Email is off' }).waitFor();
  const plainVisitor = await open(w.browser, w.host.page('/plain', snippetPage(w.plain.origin, `linktor('init', { channelId: '${w.plain.channel.id}', offline: { enabled: false } });`)));
  await openChat(plainVisitor.page);
  await say(plainVisitor.page, 'No email here');
  await off.page.locator('.conv-item', { hasText: 'No email here' }).click();
  await off.page.getByRole('button', { name: 'Resolve', exact: true }).waitFor();
  assert.equal(await off.page.getByRole('button', { name: 'Email transcript' }).count(), 0);
  assert.equal(await plainVisitor.page.getByRole('button', { name: 'Email me this conversation' }).count(), 0);
  await plainVisitor.context.close();
  await off.context.close();
});
