// Message text as both the widget and the dashboard show it (message-text.ts): links, hrefs
// and file sizes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSize, linkify, safeHref } from '../message-text';

test('links in text become links (http(s) only, trailing punctuation left out); everything else stays text', () => {
  assert.deepEqual(linkify('see https://example.com/a?b=1, ok'), [{ text: 'see ' }, { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' }, { text: ', ok' }]);
  assert.deepEqual(linkify('see https://example.com/pricing. <b>x</b>'), [{ text: 'see ' }, { text: 'https://example.com/pricing', href: 'https://example.com/pricing' }, { text: '. <b>x</b>' }]);
  assert.deepEqual(linkify('www.example.com.'), [{ text: 'www.example.com', href: 'https://www.example.com' }, { text: '.' }]);
  assert.deepEqual(linkify('(https://en.wikipedia.org/wiki/A_(b))'), [{ text: '(' }, { text: 'https://en.wikipedia.org/wiki/A_(b)', href: 'https://en.wikipedia.org/wiki/A_(b)' }, { text: ')' }]);
  assert.deepEqual(linkify('<b>javascript:alert(1)</b>'), [{ text: '<b>javascript:alert(1)</b>' }]);
  assert.equal(safeHref('javascript:alert(1)'), undefined);
  assert.equal(safeHref(' https://x.io '), 'https://x.io');
});

test('file sizes', () => {
  assert.equal(formatSize(52311), '51 KB');
  assert.equal(formatSize(10485760), '10 MB');
  assert.equal(formatSize(1536), '1.5 KB');
  assert.equal(formatSize(12), '12 B');
});
