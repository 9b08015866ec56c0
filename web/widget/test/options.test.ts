import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateDetails, validateOptions } from '../src/shared/options';
import { resolveSettings } from '../src/shared/settings';
import { reports } from './fakes';

// The spec's "Advanced Configuration" snippet, verbatim.
const advanced = () => ({
  channelId: 'ch_webchat_123',
  primaryColor: '#0066FF',
  position: 'bottom-right',
  size: 'standard',
  zIndex: 9999,
  language: 'en',
  translations: {
    welcomeMessage: 'Hi there! How can we help?',
    inputPlaceholder: 'Type your message...',
    sendButton: 'Send',
    offlineMessage: 'We are currently offline. Leave a message!',
  },
  autoOpen: false,
  openDelay: 0,
  soundEnabled: true,
  showLauncher: true,
  preChatForm: {
    enabled: true,
    fields: [
      { name: 'name', label: 'Name', type: 'text', required: true },
      { name: 'email', label: 'Email', type: 'email', required: true },
      { name: 'company', label: 'Company', type: 'text', required: false },
    ],
  },
  user: { id: 'user_123', name: 'John Doe', email: 'john@example.com', avatar: 'https://example.com/avatar.jpg', metadata: { plan: 'enterprise', accountId: 'acc_456' } },
  onReady() {},
  onOpen() {},
  onClose() {},
  onMessage(_m: unknown) {},
});

test("the spec's advanced configuration passes without a report", () => {
  const r = reports();
  const raw = advanced();
  const o = validateOptions(raw, r.report)!;
  validateDetails(o, r.report);
  assert.deepEqual(r.list, []);
  assert.equal(o.primaryColor, '#0066FF');
  assert.equal(o.preChatForm!.fields!.length, 3);
  assert.equal(o.onReady, raw.onReady);
});

test('the other spec snippets pass too (proactive, uploads, history, offline, privacy)', () => {
  const r = reports();
  const o = validateOptions(
    {
      channelId: 'ch_webchat_123',
      proactiveMessages: [
        { trigger: 'time', delay: 30000, message: 'Hi! Need any help?', onlyOnce: true },
        { trigger: 'pageview', page: '/pricing', delay: 10000, message: 'Have questions about pricing? I am here to help!' },
        { trigger: 'scroll', percentage: 75, message: 'Looks like you are interested! Want to chat?' },
        { trigger: 'exit_intent', message: 'Wait! Before you go, can we help with anything?' },
      ],
      fileUpload: { enabled: true, maxSize: 10 * 1024 * 1024, allowedTypes: ['image/*', 'application/pdf', '.doc', '.docx'], multiple: true },
      persistSession: true,
      sessionDuration: 7 * 24 * 60 * 60 * 1000,
      offline: {
        enabled: true,
        message: 'We are currently offline. Leave a message and we will get back to you!',
        form: { fields: [{ name: 'email', label: 'Email', type: 'email', required: true }, { name: 'message', label: 'Message', type: 'textarea', required: true }], submitButton: 'Send Message' },
      },
      privacy: { cookieConsent: true, dataRetention: 30, anonymizeIP: true },
    },
    r.report,
  )!;
  validateDetails(o, r.report);
  assert.deepEqual(r.list, []);
  assert.equal(o.proactiveMessages!.length, 4);
});

test('a bad color is reported with the option name and what is expected, and dropped', () => {
  const r = reports();
  const o = validateOptions({ channelId: 'ch_1', primaryColor: 'blue' }, r.report)!;
  assert.equal(o.primaryColor, undefined);
  assert.equal(r.list.length, 1);
  assert.match(r.list[0], /init\.primaryColor/);
  assert.match(r.list[0], /#0066FF/);
  assert.match(r.list[0], /"blue"/);
});

test('an unknown option is reported and the rest still applies', () => {
  const r = reports();
  const o = validateOptions({ channelId: 'ch_1', colour: '#fff', position: 'bottom-left' }, r.report)!;
  assert.equal(o.position, 'bottom-left');
  assert.ok(!('colour' in o));
  assert.match(r.list.join('\n'), /init\.colour: unknown option/);
});

test('wrong enum and number values name the allowed values', () => {
  const r = reports();
  const o = validateOptions({ channelId: 'ch_1', position: 'top-left', size: 'huge', zIndex: -1, openDelay: '5s' }, r.report)!;
  assert.equal(o.position, undefined);
  assert.equal(o.size, undefined);
  assert.equal(o.zIndex, undefined);
  assert.equal(o.openDelay, undefined);
  const all = r.list.join('\n');
  assert.match(all, /init\.position: expected 'bottom-right' or 'bottom-left'/);
  assert.match(all, /init\.size: expected 'compact' or 'standard' or 'large'/);
  assert.match(all, /init\.zIndex/);
  assert.match(all, /init\.openDelay/);
});

test('without a channelId there is no widget, and the report says so', () => {
  const r = reports();
  assert.equal(validateOptions({ primaryColor: '#fff' }, r.report), null);
  assert.match(r.list.join('\n'), /channelId is required/);
  assert.equal(validateOptions('ch_1', r.report), null);
});

test("the page's options object is never changed", () => {
  const raw = { channelId: 'ch_1', primaryColor: 'nope', privacy: { cookieConsent: 'yes' } };
  const before = JSON.stringify(raw);
  validateOptions(raw, () => undefined);
  assert.equal(JSON.stringify(raw), before);
});

test('proactive rules without what their trigger needs are dropped one by one', () => {
  const r = reports();
  const o = validateOptions(
    {
      channelId: 'ch_1',
      proactiveMessages: [
        { trigger: 'pageview', message: 'no page' },
        { trigger: 'scroll', message: 'no percentage' },
        { trigger: 'hover', message: 'unknown trigger' },
        { trigger: 'time', message: 'fine', delay: 5 },
        { trigger: 'scroll', percentage: 150, message: 'too far' },
      ],
    },
    r.report,
  )!;
  assert.deepEqual(o.proactiveMessages!.map((x) => x.message), ['fine', 'too far']);
  assert.equal(o.proactiveMessages![1].percentage, undefined, 'an out-of-range percentage is dropped');
  assert.match(r.list.join('\n'), /proactiveMessages\[0\]/);
});

test('the panel checks inside its own options', () => {
  const r = reports();
  const o = validateOptions(
    {
      channelId: 'ch_1',
      preChatForm: { enabled: true, fields: [{ name: 'age', label: 'Age', type: 'range' }, { label: 'no name' }] },
      fileUpload: { maxSize: '10MB', allowedTypes: ['image/*'] },
      user: { id: 42, name: 'Ann' },
      soundEnabled: 'yes',
    },
    r.report,
  )!;
  assert.deepEqual(r.list, [], 'the loader lets panel options through');
  validateDetails(o, r.report);
  const all = r.list.join('\n');
  assert.match(all, /init\.preChatForm\.fields\[0\]\.type/);
  assert.match(all, /init\.preChatForm\.fields\[1\]/);
  assert.match(all, /init\.fileUpload\.maxSize/);
  assert.match(all, /init\.user\.id/);
  assert.match(all, /init\.soundEnabled/);
  assert.equal(o.preChatForm!.fields!.length, 1);
  assert.equal(o.fileUpload!.maxSize, undefined);
  assert.deepEqual(o.fileUpload!.allowedTypes, ['image/*']);
  assert.equal(o.user!.name, 'Ann');
  assert.equal(o.soundEnabled, undefined);
});

const config = {
  channelId: 'ch_1',
  name: 'Website Chat',
  defaultLanguage: 'pt',
  appearance: { primaryColor: '#112233', position: 'bottom-left', size: 'large', companyName: 'Acme', welcomeMessage: 'Olá!', offlineMessage: 'Fora' },
  behavior: {
    preChatForm: { enabled: true, fields: [{ name: 'name', label: 'Nome', type: 'text', required: true }] },
    fileUpload: { enabled: true, maxSize: 5, allowedTypes: ['image/*'], multiple: false },
    emojis: false,
    soundEnabled: false,
    proactiveMessages: [],
  },
  offline: { enabled: true, message: 'Deixe uma mensagem', form: { fields: [], submitButton: 'Enviar' } },
  privacy: { cookieConsent: true, dataRetention: 30, anonymizeIP: true },
  identityVerification: false,
  agentsOnline: false,
} as any;

test("the channel's settings are the defaults and init options override them", () => {
  const s = resolveSettings({ channelId: 'ch_1', primaryColor: '#ff0000', fileUpload: { maxSize: 99 }, privacy: { anonymizeIP: false } }, config, 'de-DE');
  assert.equal(s.primaryColor, '#ff0000');
  assert.equal(s.position, 'bottom-left');
  assert.equal(s.size, 'large');
  assert.equal(s.language, 'pt', "the channel's language before the browser's");
  assert.equal(s.soundEnabled, false);
  assert.equal(s.emojis, false);
  assert.deepEqual(s.fileUpload, { enabled: true, maxSize: 99, allowedTypes: ['image/*'], multiple: false });
  assert.equal(s.preChatForm.enabled, true);
  assert.equal(s.offline.message, 'Deixe uma mensagem');
  assert.equal(s.privacy.cookieConsent, true);
  assert.equal(s.privacy.anonymizeIP, false);
  assert.equal(s.welcomeMessage, 'Olá!');
  assert.equal(s.agentsOnline, false);
});

test('language: the option, else the channel default, else the browser', () => {
  assert.equal(resolveSettings({ channelId: 'c', language: 'FR' }, config, 'de').language, 'fr');
  assert.equal(resolveSettings({ channelId: 'c' }, null, 'es-MX').language, 'es-mx');
  assert.equal(resolveSettings({ channelId: 'c', translations: { welcomeMessage: 'Hey' } }, config, 'en').welcomeMessage, 'Hey');
});

test('without any config the built-in defaults apply', () => {
  const s = resolveSettings({ channelId: 'c' }, null, 'en');
  assert.equal(s.primaryColor, '#0066FF');
  assert.equal(s.position, 'bottom-right');
  assert.equal(s.persistSession, true);
  assert.equal(s.sessionDuration, 7 * 24 * 3600 * 1000);
  assert.equal(s.offline.enabled, false);
  assert.equal(s.offline.fields.length, 2);
});
