import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandQueue, type Command } from '../src/shared/commands';
import { asText, contrast, onColor, parseColor, parseHex } from '../src/shared/color';
import { clearStorage, createStorage, peekStorage } from '../src/shared/storage';
import { baseLanguage, isRtl, stringsFor } from '../src/shared/language';
import { launcherStrings } from '../src/shared/launcherStrings';
import { checkFile, typeAllowed } from '../src/panel/uploads';
import { validateFields } from '../src/panel/FieldsForm';
import en from '../src/i18n/en.json';
import es from '../src/i18n/es.json';
import pt from '../src/i18n/pt.json';
import fr from '../src/i18n/fr.json';
import de from '../src/i18n/de.json';

const tick = () => new Promise((r) => setTimeout(r, 0));

test('commands given before the widget is ready run after it, in order', async () => {
  const ran: string[] = [];
  const q = commandQueue((c) => void ran.push(c.name), assert.fail);
  q.push({ name: 'updateUser', args: [] });
  q.push({ name: 'open', args: [] });
  await tick();
  assert.deepEqual(ran, [], 'nothing runs before start');
  q.start();
  q.push({ name: 'sendMessage', args: [] });
  await tick();
  assert.deepEqual(ran, ['updateUser', 'open', 'sendMessage']);
});

test('a slow command holds the ones after it', async () => {
  const ran: string[] = [];
  let release!: () => void;
  const q = commandQueue(async (c: Command) => {
    if (c.name === 'open') await new Promise<void>((r) => (release = r));
    ran.push(c.name);
  }, assert.fail);
  q.start();
  q.push({ name: 'open', args: [] });
  q.push({ name: 'sendMessage', args: [] });
  await tick();
  assert.deepEqual(ran, []);
  release();
  await tick();
  await tick();
  assert.deepEqual(ran, ['open', 'sendMessage']);
});

test('stop drops waiting commands and skips chained ones; a failing command does not block the queue', async () => {
  const ran: string[] = [];
  const errors: unknown[] = [];
  const q = commandQueue((c) => {
    if (c.name === 'boom') throw new Error('boom');
    ran.push(c.name);
  }, (e) => errors.push(e));
  q.push({ name: 'dropped', args: [] });
  q.stop();
  q.start();
  q.push({ name: 'boom', args: [] });
  q.push({ name: 'after', args: [] });
  await tick();
  assert.deepEqual(ran, ['after']);
  assert.equal(errors.length, 1);
  q.push({ name: 'late', args: [] });
  q.stop();
  await tick();
  assert.deepEqual(ran, ['after'], 'chained before stop, skipped');
});

test('text on the primary colour meets AA whatever the colour', () => {
  const ink = (s: string) => parseHex(s)!;
  assert.equal(onColor(ink('#0066FF')), '#fff');
  assert.equal(onColor(ink('#FFEB3B')), '#000');
  // The luminance threshold is the contrast rule: white exactly when it reaches 4.5:1.
  for (let r = 0; r < 256; r += 5) {
    for (let g = 0; g < 256; g += 5) {
      for (let b = 0; b < 256; b += 5) {
        const c: [number, number, number] = [r, g, b];
        assert.equal(onColor(c), contrast(c, [255, 255, 255]) >= 4.5 ? '#fff' : '#000', `on ${c}`);
      }
    }
  }
  for (let r = 0; r < 256; r += 51) {
    for (let g = 0; g < 256; g += 51) {
      for (let b = 0; b < 256; b += 51) {
        const c: [number, number, number] = [r, g, b];
        assert.ok(contrast(c, parseHex(onColor(c))!) >= 4.5, `on ${c}`);
        assert.ok(contrast(parseHex(asText(c))!, [255, 255, 255]) >= 4.5, `as text ${c}`);
      }
    }
  }
});

test('colours parse from hex and rgb()', () => {
  assert.deepEqual(parseHex('#0af'), [0, 170, 255]);
  assert.deepEqual(parseColor(' rgb(1, 2, 3)'), [1, 2, 3]);
  assert.equal(parseHex('blue'), null);
});

function memoryBackend() {
  const m = new Map<string, string>();
  return {
    m,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    key: (i: number) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

test('a persisted session goes to localStorage, otherwise to sessionStorage only', () => {
  const local = memoryBackend();
  const session = memoryBackend();
  createStorage('ch_1', { persist: true, cookieConsent: false }, { local, session }).set('session', 'tok');
  assert.equal(local.m.get('linktor:ch_1:session'), 'tok');
  const s = createStorage('ch_1', { persist: false, cookieConsent: false }, { local, session });
  assert.equal(local.m.has('linktor:ch_1:session'), false, 'persistSession: false forgets a persisted token');
  s.set('session', 'tok2');
  assert.equal(session.m.get('linktor:ch_1:session'), 'tok2');
  assert.equal(local.m.size, 0);
});

test('with cookieConsent nothing is written before the visitor agrees', () => {
  const local = memoryBackend();
  const session = memoryBackend();
  const s = createStorage('ch_1', { persist: true, cookieConsent: true }, { local, session });
  s.set('session', 'tok');
  assert.equal(s.get('session'), 'tok', 'kept in memory');
  assert.equal(local.m.size + session.m.size, 0);
  assert.equal(s.consented, false);
  s.grantConsent();
  assert.equal(local.m.get('linktor:ch_1:session'), 'tok');
  assert.equal(local.m.get('linktor:ch_1:consent'), 'yes');
  const again = createStorage('ch_1', { persist: true, cookieConsent: true }, { local, session });
  assert.equal(again.consented, true, 'the answer is remembered');
  clearStorage('ch_1', { local, session });
  assert.deepEqual([...local.m.keys()], ['linktor:ch_1:consent'], 'reset forgets all but the consent');
});

test("the loader's storage view respects consent too", () => {
  const g = globalThis as any;
  const local = memoryBackend();
  g.localStorage = local;
  try {
    const p = peekStorage('ch_1', { persist: true, cookieConsent: true });
    p.set('proactive', 'x');
    assert.equal(local.m.size, 0);
    local.m.set('linktor:ch_1:consent', 'yes');
    p.set('proactive', 'x');
    assert.equal(p.get('proactive'), 'x');
  } finally {
    delete g.localStorage;
  }
});

test('every language has every string, and RTL languages are known', () => {
  const keys = Object.keys(en).sort();
  for (const [name, table] of Object.entries({ es, pt, fr, de })) assert.deepEqual(Object.keys(table).sort(), keys, name);
  const lk = Object.keys(launcherStrings.en).sort();
  for (const table of Object.values(launcherStrings)) assert.deepEqual(Object.keys(table).sort(), lk);
  assert.equal(stringsFor(launcherStrings, 'pt-BR', {}).openChat, 'Abrir chat');
  assert.equal(stringsFor(launcherStrings, 'ja', { closeChat: 'X' }).closeChat, 'X');
  assert.equal(stringsFor(launcherStrings, 'ja', {}).openChat, 'Open chat');
  assert.equal(baseLanguage('de_CH'), 'de');
  assert.ok(isRtl('ar') && isRtl('he-IL') && !isRtl('en'));
});

test('files are checked against the upload policy before upload', () => {
  const policy = { enabled: true, maxSize: 1000, allowedTypes: ['image/*', 'application/pdf', '.docx'] };
  assert.equal(checkFile({ name: 'a.png', type: 'image/png', size: 10 }, policy), null);
  assert.equal(checkFile({ name: 'a.PDF', type: 'application/pdf', size: 10 }, policy), null);
  assert.equal(checkFile({ name: 'Report.DOCX', type: '', size: 10 }, policy), null);
  assert.equal(checkFile({ name: 'a.exe', type: 'application/x-msdownload', size: 10 }, policy), 'file_type_not_allowed');
  assert.equal(checkFile({ name: 'a.png', type: 'image/png', size: 1001 }, policy), 'file_too_large');
  assert.equal(checkFile({ name: 'a.png', type: 'image/png', size: 1 }, { ...policy, enabled: false }), 'uploads_disabled');
  assert.ok(typeAllowed({ name: 'x.bin', type: 'application/octet-stream' }, []));
});

test('form answers: required fields and email format', () => {
  const fields = [
    { name: 'name', label: 'Name', required: true },
    { name: 'email', label: 'Email', type: 'email' as const, required: true },
    { name: 'company', label: 'Company' },
  ];
  const t = { required: 'REQ', invalidEmail: 'EMAIL' };
  assert.deepEqual(validateFields(fields, { name: ' ', email: 'nope' }, t), { name: 'REQ', email: 'EMAIL' });
  assert.deepEqual(validateFields(fields, { name: 'Ann', email: 'ann@example.com' }, t), {});
});
