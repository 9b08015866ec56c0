import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chat } from '../src/panel/chat';
import type { PanelContext } from '../src/shared/host';
import { resolveSettings } from '../src/shared/settings';
import { createStorage } from '../src/shared/storage';
import en from '../src/i18n/en.json';

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

test('onlyOnce proactive rules shown before consent are stored when the visitor consents', () => {
  // Node 20 has no WebSocket; the chat only names it here (nothing connects).
  (globalThis as any).WebSocket ??= class {};
  const local = memoryBackend();
  const settings = resolveSettings({ channelId: 'ch_1', privacy: { cookieConsent: true } }, null, 'en');
  const storage = createStorage('ch_1', { persist: true, cookieConsent: true }, { local, session: memoryBackend() });
  // What the loader's triggers had shown on this page, kept in memory only so far.
  const seen = new Set(['time:Hi! Need any help?']);
  const host = { settings, storage, seen, proactive: [], apiBase: 'http://x', report: () => undefined } as unknown as PanelContext;
  const chat = new Chat(host, en);
  assert.equal(chat.state.askConsent, true);
  assert.equal(local.m.size, 0, 'nothing stored before consent');
  chat.answerConsent(false);
  assert.equal(local.m.size, 0, 'declining stores nothing');
  chat.answerConsent(true);
  assert.deepEqual(JSON.parse(local.m.get('linktor:ch_1:proactive')!), ['time:Hi! Need any help?']);
  assert.equal(local.m.get('linktor:ch_1:consent'), 'yes');
  chat.destroy();
});
