import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewOptions } from '../src/settings/Preview';
// The widget's own check of init options: every option the preview passes must be one it knows.
import { validateDetails, validateOptions } from '@linktor/widget/options';
import type { Channel } from '../src/lib/types';

const channel: Channel = {
  id: 'ch_1',
  type: 'webchat',
  name: 'Website Chat',
  allowedDomains: ['example.com'],
  defaultLanguage: 'pt',
  createdAt: '2026-11-25T00:00:00Z',
  updatedAt: '2026-11-25T00:00:00Z',
  settings: {
    appearance: { primaryColor: '#E91E63', position: 'bottom-left', size: 'large', companyName: 'Acme', welcomeMessage: 'Olá!', offlineMessage: 'Offline' },
    behavior: {
      preChatForm: { enabled: true, fields: [{ name: 'name', label: 'Name', type: 'text', required: true }, { name: '', label: '', type: 'text', required: false }] },
      fileUpload: { enabled: true, maxSize: 1024, allowedTypes: ['image/*'], multiple: false },
      emojis: true,
      soundEnabled: false,
      proactiveMessages: [],
    },
    offline: { enabled: true, message: 'Leave a message', form: { fields: [{ name: 'email', label: 'Email', type: 'email', required: true }], submitButton: 'Send' } },
    privacy: { cookieConsent: false, dataRetention: 30, anonymizeIP: true },
    identityVerification: false,
  },
};

test("the preview's init options are the widget's, all valid, with the unsaved values", () => {
  const reports: string[] = [];
  const o = previewOptions(channel, channel.settings);
  const checked = validateOptions(JSON.parse(JSON.stringify(o)), (m) => reports.push(m));
  assert.ok(checked);
  validateDetails(checked!, (m) => reports.push(m));
  assert.deepEqual(reports, []);
  assert.equal(o.primaryColor, '#E91E63');
  assert.equal(o.position, 'bottom-left');
  assert.equal(o.size, 'large');
  assert.equal(o.language, 'pt');
  assert.deepEqual(o.translations, { welcomeMessage: 'Olá!', offlineMessage: 'Offline' });
  assert.deepEqual((o.preChatForm as { fields: unknown[] }).fields.length, 1, 'a half-typed field is left out');
});

test('a half-typed color is left to the default instead of breaking the preview', () => {
  const o = previewOptions(channel, { ...channel.settings, appearance: { ...channel.settings.appearance, primaryColor: '#E91' } });
  assert.equal(o.primaryColor, '#E91');
  const p = previewOptions(channel, { ...channel.settings, appearance: { ...channel.settings.appearance, primaryColor: '#E9' } });
  assert.equal(p.primaryColor, undefined);
});
