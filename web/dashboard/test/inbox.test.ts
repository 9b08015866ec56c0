import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserAndOs } from '../src/lib/useragent';
import { activityLine, fillTemplate, labelTextColor, localTime, matchReplies, sessionPages, slashQuery, timeline } from '../src/lib/inbox';
import type { Activity, Agent, SavedReply } from '../src/lib/types';

test('browser and system in words from real user agents', () => {
  const cases: [string, string][] = [
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131 on macOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari 17 on iOS'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133 on Windows'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86', 'Edge 131 on Windows'],
    ['Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36', 'Samsung Internet 26 on Android'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'Chrome 131 on Linux'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36', 'Chrome 130 on Linux'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'Safari 17 on macOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1', 'Chrome 131 on iOS'],
    ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome 131 on Android'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0', 'Opera 115 on Windows'],
    ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131 on ChromeOS'],
  ];
  for (const [ua, words] of cases) assert.equal(browserAndOs(ua), words, ua);
  assert.equal(browserAndOs(''), '');
  assert.equal(browserAndOs(undefined), '');
  assert.equal(browserAndOs('curl/8.5.0'), '');
  assert.equal(browserAndOs('<img src=x onerror=alert(1)>'), '');
});

test('saved replies: the / query, matching, and variables filled (unknown ones empty)', () => {
  assert.equal(slashQuery('/ref'), 'ref');
  assert.equal(slashQuery('/'), '');
  assert.equal(slashQuery('hello /ref'), null);
  assert.equal(slashQuery('/ref now'), null);
  const r = (shortcut: string, text = 'x') => ({ id: shortcut, shortcut, text, createdAt: '', updatedAt: '' }) as SavedReply;
  const list = [r('thanks'), r('refund', 'Your refund'), r('prefs'), r('hello', 'about a refund')];
  assert.deepEqual(matchReplies(list, 're').map((x) => x.shortcut), ['refund', 'prefs', 'hello']);
  assert.deepEqual(matchReplies(list, '').map((x) => x.shortcut), ['hello', 'prefs', 'refund', 'thanks']);
  const vars = { 'visitor.name': 'Vera', 'visitor.email': '', 'agent.name': 'Ada' };
  assert.equal(fillTemplate('Hi {{visitor.name}}, {{ agent.name }} here ({{visitor.email}}) {{other.thing}}', vars), 'Hi Vera, Ada here () {{other.thing}}');
  assert.equal(fillTemplate('{{visitor.name}}', { 'visitor.name': undefined }), '');
});

test('pages of this visit: since the last 30-minute gap, and not long before the conversation', () => {
  const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 12, 0) + min * 60_000).toISOString();
  const pages = [0, 5, 50, 55, 60].map((m) => ({ url: `https://x/${m}`, viewedAt: at(m) }));
  assert.deepEqual(sessionPages(pages).map((p) => p.url), ['https://x/50', 'https://x/55', 'https://x/60']);
  assert.deepEqual(sessionPages(pages, at(90)).map((p) => p.url), ['https://x/60']);
  assert.deepEqual(sessionPages([]), []);
});

test('activity lines in words', () => {
  const me = { id: 'ag_me', name: 'Ana', email: 'ana@x' } as Agent;
  const bo = { id: 'ag_bo', name: 'Bo', email: 'bo@x' } as Agent;
  const agents = [me, bo];
  const a = (p: Partial<Activity>) => ({ id: 'act', conversationId: 'conv', kind: 'assigned', createdAt: '', ...p }) as Activity;
  const other = { ...me, id: 'ag_other' } as Agent;
  assert.equal(activityLine(a({ agentId: 'ag_me', assigneeId: 'ag_bo' }), agents, other), 'Ana assigned this conversation to Bo');
  assert.equal(activityLine(a({ agentId: 'ag_me', assigneeId: 'ag_bo' }), agents, me), 'You assigned this conversation to Bo');
  assert.equal(activityLine(a({ assigneeId: 'ag_bo' }), agents, me), 'Assigned to Bo automatically');
  assert.equal(activityLine(a({ kind: 'unassigned', agentId: 'ag_me' }), agents, other), 'Unassigned by Ana');
  assert.equal(activityLine(a({ kind: 'satisfaction', rating: 4, text: 'Quick!' }), agents, me), 'Visitor rated 4/5: “Quick!”');
  assert.equal(activityLine(a({ kind: 'satisfaction', rating: 2 }), agents, me), 'Visitor rated 2/5');
});

test('the thread timeline slots activity between messages by time; pending messages stay last', () => {
  const m = (t: string, pending = false) => ({ createdAt: t, pending, id: t });
  const act = (t: string) => ({ id: 'a' + t, conversationId: 'c', kind: 'note', createdAt: t }) as Activity;
  const out = timeline([m('2026-01-01T10:00:00Z'), m('2026-01-01T10:05:00Z'), m('2026-01-01T09:00:00Z', true)], [act('2026-01-01T10:02:00Z'), act('2026-01-01T11:00:00Z')]);
  assert.deepEqual(
    out.map((x) => `${x.kind}@${x.at.slice(11, 16)}`),
    ['message@10:00', 'activity@10:02', 'message@10:05', 'activity@11:00', 'message@09:00'],
  );
});

test('label text colour and the local time of a zone', () => {
  assert.equal(labelTextColor('#ffffff'), '#000');
  assert.equal(labelTextColor('#000'), '#fff');
  assert.equal(labelTextColor('#1f6feb'), '#fff');
  assert.equal(labelTextColor('#fde047'), '#000');
  const noon = new Date(Date.UTC(2026, 0, 15, 12, 0));
  assert.equal(localTime('Asia/Tokyo', noon, 'en-GB'), '21:00');
  assert.equal(localTime('Not/AZone', noon), '');
  assert.equal(localTime(undefined, noon), '');
});
