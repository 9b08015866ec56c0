// Rendering on the server (Next.js, Remix…): no window, no document, nothing rendered, no throw;
// and the commands of useLinktor do nothing there instead of failing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement, StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { createRequire } from 'node:module';
import { LinktorChat, useLinktor, linktor } from '@linktor/react-webchat';

test('renders nothing on the server and never touches window', () => {
  assert.equal(typeof window, 'undefined');
  let controls;
  function App() {
    controls = useLinktor();
    return createElement('div', null, 'content', createElement(LinktorChat, { channelId: 'ch_1', primaryColor: '#0066FF', user: { id: 'u1', name: 'A' }, onMessage: () => {} }));
  }
  const html = renderToString(createElement(StrictMode, null, createElement(App)));
  assert.equal(html, '<div>content</div>');
  assert.equal(typeof controls.open, 'function');
  controls.open();
  linktor.sendMessage('hi');
  assert.equal(typeof window, 'undefined');
});

test('the CommonJS build is the same component', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('@linktor/react-webchat');
  assert.equal(typeof cjs.LinktorChat, 'function');
  assert.equal(renderToString(createElement(cjs.LinktorChat, { channelId: 'ch_1' })), '');
});
