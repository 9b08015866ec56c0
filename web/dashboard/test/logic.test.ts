import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkDomainList, checkDomainPattern, parseDomainList } from '../src/lib/domains';
import { angularSnippet, cspSnippet, loaderSnippet, reactSnippet, vueSnippet } from '../src/lib/snippets';
import { ago, dayLabel, duration, groupByDay, periodEnding } from '../src/lib/dates';
import { fieldErrors, fieldIs, query, splitFieldMessage, ApiError } from '../src/lib/api';
import { applyReceipt, lastInboundSeq, lastSeq, mergeMessage, mergeMessages, preview, typingNotifier, type ThreadMessage } from '../src/lib/thread';
import { buttonId } from '../src/lib/buttons';
import { initials, visitorName } from '../src/inbox/names';

test('allowed domains: split, lower-cased, empty items dropped', () => {
  assert.deepEqual(parseDomainList(' Example.com, *.example.com ,, staging.example.com '), ['example.com', '*.example.com', 'staging.example.com']);
  assert.deepEqual(parseDomainList(''), []);
});

test('allowed domains: the server rule (host names and *. wildcards)', () => {
  for (const ok of ['example.com', '*.example.com', 'localhost', '127.0.0.1', 'a-b.example.co.uk', 'xn--bcher-kva.example']) assert.equal(checkDomainPattern(ok), '', ok);
  for (const bad of ['*', '*.', 'exa mple.com', 'a.*.com', '-a.com', 'a-.com', 'a..com', '', 'a'.repeat(64) + '.com']) assert.notEqual(checkDomainPattern(bad), '', bad);
  assert.match(checkDomainPattern('https://example.com'), /leave out the scheme \(example\.com\)/);
  assert.match(checkDomainPattern('example.com/shop'), /without a path/);
  assert.match(checkDomainPattern('example.com:8080'), /without a port/);
  assert.equal(checkDomainList('example.com, *.example.com'), '');
  assert.match(checkDomainList(' , '), /at least one domain/);
  assert.match(checkDomainList('example.com, bad domain'), /bad domain/);
  assert.match(checkDomainList(Array.from({ length: 101 }, (_, i) => `d${i}.com`).join(',')), /At most 100/);
});

test("the loader snippet is the spec's, character for character, but for the URL and channel id", () => {
  // shared/ lies beside the repository (and beside CI's clone); look upwards for it.
  const spec = [1, 2, 3, 4, 5, 6, 7].map((n) => fileURLToPath(new URL('../'.repeat(n) + 'shared/spec/webchat.md', import.meta.url))).find(existsSync);
  const ours = loaderSnippet('https://chat.acme.test', 'ch_webchat_123');
  if (spec) {
    const md = readFileSync(spec, 'utf8');
    const block = /### Basic Installation[\s\S]*?```html\n([\s\S]*?)\n```/.exec(md)![1];
    assert.equal(ours, block.replace('https://widget.linktor.io', 'https://chat.acme.test'));
  }
  assert.match(ours, /^<!-- Linktor WebChat Widget -->\n<script>\n/);
  assert.match(ours, /'https:\/\/chat\.acme\.test\/v1\/linktor\.js','linktor'\);/);
  assert.match(loaderSnippet('http://127.0.0.1:8080', 'ch_1'), /channelId: 'ch_1'/);
});

test('framework snippets carry the channel and this server; CSP names our origin for scripts and sockets', () => {
  for (const s of [reactSnippet('https://c.test', 'ch_9'), vueSnippet('https://c.test', 'ch_9'), angularSnippet('https://c.test', 'ch_9')]) {
    assert.match(s, /ch_9/);
    assert.match(s, /https:\/\/c\.test/);
  }
  assert.match(reactSnippet('https://c.test', 'ch_9'), /import \{ LinktorChat \} from '@linktor\/react-webchat';/);
  assert.match(vueSnippet('https://c.test', 'ch_9'), /channel-id="ch_9"/);
  assert.match(angularSnippet('https://c.test', 'ch_9'), /LinktorChatModule\.forRoot\(\{\n      channelId: 'ch_9',/);
  assert.equal(cspSnippet('https://c.test'), "script-src 'self' https://c.test;\nconnect-src 'self' https://c.test wss://c.test;\nframe-src 'self' https://c.test;");
  assert.match(cspSnippet('http://127.0.0.1:8080'), /ws:\/\/127\.0\.0\.1:8080;/);
});

test('day labels and grouping by local day', () => {
  const now = new Date(2026, 10, 25, 15, 0);
  assert.equal(dayLabel(new Date(2026, 10, 25, 0, 1), now, 'en-US'), 'Today');
  assert.equal(dayLabel(new Date(2026, 10, 24, 23, 59), now, 'en-US'), 'Yesterday');
  assert.equal(dayLabel(new Date(2026, 10, 22, 12), now, 'en-US'), 'Sunday');
  assert.equal(dayLabel(new Date(2026, 9, 1, 12), now, 'en-US'), 'October 1');
  assert.equal(dayLabel(new Date(2025, 9, 1, 12), now, 'en-US'), 'October 1, 2025');
  const items = [new Date(2026, 10, 24, 9), new Date(2026, 10, 24, 22), new Date(2026, 10, 25, 8), new Date(2026, 10, 25, 9)].map((d) => ({ at: d.toISOString() }));
  const groups = groupByDay(items, (i) => i.at, now, 'en-US');
  assert.deepEqual(groups.map((g) => [g.label, g.items.length]), [['Yesterday', 2], ['Today', 2]]);
  assert.deepEqual(groupByDay([], (i: { at: string }) => i.at, now), []);
});

test('ages, durations and analytics periods', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  assert.equal(ago('2026-11-25T11:59:30Z', now), 'now');
  assert.equal(ago('2026-11-25T11:55:00Z', now), '5 min');
  assert.equal(ago('2026-11-25T09:00:00Z', now), '3 h');
  assert.equal(ago('2026-11-23T12:00:00Z', now), '2 d');
  assert.equal(duration(null), '–');
  assert.equal(duration(52), '52 s');
  assert.equal(duration(61.5), '1 min');
  assert.equal(duration(2400), '40 min');
  assert.equal(duration(4800), '1 h 20 min');
  assert.equal(duration(3600), '1 h');
  assert.equal(duration(86400 * 2 + 3600 * 4), '2 d 4 h');
  assert.deepEqual(periodEnding(30, now), { from: '2026-10-27', to: '2026-11-25' });
  assert.deepEqual(periodEnding(1, now), { from: '2026-11-25', to: '2026-11-25' });
});

test('API errors: the field of a 422, query strings', () => {
  assert.deepEqual(splitFieldMessage('allowedDomains[0]: `exa mple.com` is not a host name'), { field: 'allowedDomains[0]', detail: '`exa mple.com` is not a host name' });
  assert.deepEqual(splitFieldMessage('content.card.buttons[0].url: must be an absolute http(s) URL'), { field: 'content.card.buttons[0].url', detail: 'must be an absolute http(s) URL' });
  assert.deepEqual(splitFieldMessage('something went wrong'), { detail: 'something went wrong' });
  const e = new ApiError(422, 'validation_failed', 'allowedDomains[1]: bad', 'allowedDomains[1]', 'bad');
  assert.ok(fieldIs(e, 'allowedDomains'));
  assert.ok(!fieldIs(e, 'allowed'));
  const fields = ['name', 'allowedDomains', 'defaultLanguage'] as const;
  assert.deepEqual(fieldErrors(e, fields), { allowedDomains: 'bad' }, "the server's 422 beside its field");
  const other = new ApiError(500, 'internal', 'boom');
  assert.deepEqual(fieldErrors(other, fields), { form: other });
  assert.equal(query({ status: 'open', q: '', assignee: undefined, limit: 50 }), '?status=open&limit=50');
  assert.equal(query({}), '');
});

const msg = (seq: number, over: Partial<ThreadMessage> = {}): ThreadMessage => ({
  id: `msg_${seq}`,
  conversationId: 'conv_1',
  seq,
  direction: 'outbound',
  sender: { type: 'agent', id: 'agent_1' },
  content: { type: 'text', text: `m${seq}` },
  status: 'sent',
  createdAt: new Date(2026, 0, 1, 0, seq).toISOString(),
  ...over,
});

test('thread: merge without duplicates, in seq order, pending last', () => {
  let list = mergeMessages([], [msg(3), msg(1), msg(2)]);
  assert.deepEqual(list.map((m) => m.seq), [1, 2, 3]);
  list = mergeMessage(list, msg(2, { content: { type: 'text', text: 'again' } }));
  assert.equal(list.length, 3);
  // Ours while sending, then the stored copy: replaced, not doubled, whichever comes first.
  const pending = msg(0, { id: 'c_1', clientId: 'c_1', pending: true });
  let a = mergeMessage(list, pending);
  assert.equal(a[a.length - 1].id, 'c_1');
  a = mergeMessage(a, msg(4, { clientId: 'c_1' }));
  assert.deepEqual(a.map((m) => m.id), ['msg_1', 'msg_2', 'msg_3', 'msg_4']);
  // The socket's frame (without clientId) before the POST answer.
  let b = mergeMessage(mergeMessage(list, pending), msg(4, { status: 'delivered' }));
  assert.equal(b.length, 5);
  b = mergeMessage(b, msg(4, { clientId: 'c_1' }));
  assert.deepEqual(b.map((m) => m.id), ['msg_1', 'msg_2', 'msg_3', 'msg_4']);
  assert.equal(b[3].status, 'delivered', 'an earlier receipt is kept');
});

test('thread: receipts never downgrade and touch only our stored messages', () => {
  const list = [msg(1, { direction: 'inbound' }), msg(2), msg(3), msg(4)];
  const d = applyReceipt(list, 3, 'delivered');
  assert.deepEqual(d.map((m) => m.status), ['sent', 'delivered', 'delivered', 'sent']);
  const r = applyReceipt(d, 2, 'read');
  assert.deepEqual(r.map((m) => m.status), ['sent', 'read', 'delivered', 'sent']);
  assert.equal(applyReceipt(r, 2, 'delivered'), r, 'no change, same list');
  assert.equal(lastInboundSeq(list), 1);
  assert.equal(lastSeq([...list, msg(0, { pending: true, id: 'c' })]), 4);
});

test('previews of every content type', () => {
  assert.equal(preview({ content: { type: 'text', text: 'hi' } }), 'hi');
  assert.equal(preview({ content: { type: 'file', file: { url: 'https://x', name: 'a.pdf' } } }), '📎 a.pdf');
  assert.equal(preview({ content: { type: 'interactive', interactive: { type: 'buttons', body: { text: 'Rate us' }, buttons: [] } } }), 'Rate us');
  assert.equal(preview({ content: { type: 'card', card: { title: 'iPhone', buttons: [] } } }), '🃏 iPhone');
  assert.equal(preview(undefined), '');
});

test('typing frames: one start per interval, a stop when idle or sent', () => {
  let t = 0;
  const sent: string[] = [];
  const timers: (() => void)[] = [];
  const n = typingNotifier((s) => sent.push(s), {
    every: 3000,
    idle: 4000,
    now: () => t,
    timers: { set: (f: () => void) => timers.push(f) as unknown as ReturnType<typeof setTimeout>, clear: () => undefined },
  });
  n.input();
  t = 1000;
  n.input();
  t = 2999;
  n.input();
  assert.deepEqual(sent, ['start']);
  t = 3000;
  n.input();
  assert.deepEqual(sent, ['start', 'start']);
  n.stop();
  n.stop();
  assert.deepEqual(sent, ['start', 'start', 'stop']);
  n.input();
  assert.deepEqual(sent, ['start', 'start', 'stop', 'start']);
  timers[timers.length - 1]();
  assert.deepEqual(sent, ['start', 'start', 'stop', 'start', 'stop']);
});

test('button ids from labels, unique; visitor names', () => {
  assert.equal(buttonId('Add to Cart', []), 'add_to_cart');
  assert.equal(buttonId('Great!', ['great']), 'great_2');
  assert.equal(buttonId('👍', []), 'button');
  assert.equal(visitorName(undefined, 'visitor_abcdef123456'), 'Visitor 123456');
  assert.equal(visitorName({ user: { name: ' <b>Ann</b> ' } } as never, 'visitor_x'), '<b>Ann</b>');
  assert.equal(initials('Ann Lee'), 'AL');
  assert.equal(initials('visitor'), 'VI');
});
