// The spec's Server-Side API and Typing Indicators examples (test/spec/*.ts, verbatim) run
// against the real server, with only the API key, the baseUrl and the ids made real, and
// what they send reaches the visitor's WebSocket.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer, visitor } from './helpers.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
let server;
before(async () => (server = await startServer()));
after(() => server?.stop());

/** Runs a spec example with the real key, server and ids (a file beside the test, so `@linktor/sdk` resolves as for a user). */
async function runExample(file, ids) {
  let code = readFileSync(`${here}spec/${file}`, 'utf8');
  const constructor = "new Linktor({ apiKey: 'YOUR_API_KEY' })";
  assert.ok(code.includes(constructor), 'the example constructs the client as the spec does');
  code = code.replace(constructor, `new Linktor({ apiKey: ${JSON.stringify(server.key)}, baseUrl: ${JSON.stringify(server.origin)} })`);
  for (const [from, to] of Object.entries(ids)) code = code.replaceAll(`'${from}'`, JSON.stringify(to));
  mkdirSync(`${here}.run`, { recursive: true });
  const out = `${here}.run/${file.replace(/\.ts$/, '')}-${Date.now()}.mjs`;
  writeFileSync(out, code);
  try {
    await import(pathToFileURL(out).href);
  } finally {
    rmSync(out);
  }
}

test('the three messages.send examples reach the visitor, each as the spec shows it', async () => {
  const v = await visitor(server);
  await runExample('server-side.ts', { ch_webchat_123: server.channel.id, visitor_abc123: v.id });
  const messages = () => v.frames.filter((f) => f.type === 'message').map((f) => f.message);
  await v.next(() => messages().length === 3, 'three message frames');
  const [text, buttons, card] = messages();
  assert.deepEqual(text.content, { type: 'text', text: 'Thanks for your patience! Here is the information you requested.' });
  assert.equal(text.direction, 'outbound');
  assert.equal(text.sender.type, 'api');
  assert.deepEqual(buttons.content, {
    type: 'interactive',
    interactive: {
      type: 'buttons',
      body: { text: 'How would you rate your experience?' },
      buttons: [
        { id: 'rating_great', label: 'Great!' },
        { id: 'rating_good', label: 'Good' },
        { id: 'rating_poor', label: 'Could be better' },
      ],
    },
  });
  assert.equal(card.content.type, 'card');
  assert.equal(card.content.card.title, 'iPhone 15 Pro');
  assert.equal(card.content.card.subtitle, '$999 - Free shipping');
  assert.equal(card.content.card.imageUrl, 'https://example.com/iphone.jpg');
  assert.deepEqual(card.content.card.buttons, [
    { id: 'view', label: 'View Details', url: 'https://example.com/products/iphone-15' },
    { id: 'buy', label: 'Add to Cart' },
  ]);
  assert.ok(text.seq < buttons.seq && buttons.seq < card.seq, 'in the order sent');
  v.close();
});

test('the two typing examples show, then hide, the indicator on the visitor socket', async () => {
  const v = await visitor(server);
  // A conversation exists once the business side has written.
  const m = await server.agentSend(v.id, { type: 'text', text: 'Hello' });
  await runExample('typing.ts', { ch_webchat_123: server.channel.id, conv_abc123: m.conversationId });
  const start = await v.next((f) => f.type === 'typing' && f.state === 'start', 'typing start');
  const stop = await v.next((f) => f.type === 'typing' && f.state === 'stop', 'typing stop');
  assert.ok(v.frames.indexOf(start) < v.frames.indexOf(stop));
  v.close();
});
