// Server rendering (Nuxt…): no window, nothing rendered, no throw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSSRApp, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { createRequire } from 'node:module';
import { LinktorChat, useLinktor } from '@linktor/vue-webchat';

test('renders nothing on the server and never touches window', async () => {
  assert.equal(typeof window, 'undefined');
  const app = createSSRApp({
    render: () => h('div', null, ['content', h(LinktorChat, { channelId: 'ch_1', primaryColor: '#0066FF', user: { id: 'u1' }, onMessage: () => {} })]),
  });
  const html = await renderToString(app);
  assert.equal(html.replace(/<!--.*?-->/g, ''), '<div>content</div>');
  useLinktor().open();
  assert.equal(typeof window, 'undefined');
});

test('the CommonJS build is the same component', () => {
  const cjs = createRequire(import.meta.url)('@linktor/vue-webchat');
  assert.equal(cjs.LinktorChat.name, 'LinktorChat');
  assert.deepEqual(Object.keys(cjs.LinktorChat.emits), ['message', 'open', 'close', 'ready']);
});
