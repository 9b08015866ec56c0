// Retries, Retry-After, timeouts and aborts. The server itself never fails on purpose, so a
// small proxy in front of the real server injects the failures (a 503 with Retry-After, a
// 500, a 429) for the first requests and forwards the rest; a socket that never answers
// stands for a hung server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Linktor, LinktorError, ConnectionError, RateLimitError } from '@linktor/sdk';
import { freePort, startServer, visitor } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server?.stop());

/** A proxy to the real server answering `failures` (status and headers) to the first requests. */
async function faultyProxy(failures) {
  const port = await freePort();
  const seen = [];
  const target = new URL(server.origin);
  const proxy = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, at: Date.now(), key: req.headers['idempotency-key'] });
    const f = failures.shift();
    if (f?.forward) {
      // The server acts, but its answer is lost: the client sees only the injected failure.
      const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        r.resume();
        r.on('end', () => {
          res.writeHead(f.status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'internal', message: 'injected after the server acted' } }));
        });
      });
      return req.pipe(up);
    }
    if (f) {
      res.writeHead(f.status, { 'Content-Type': 'application/json', ...f.headers });
      return res.end(JSON.stringify({ error: { code: f.code ?? 'internal', message: 'injected' } }));
    }
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise((r) => proxy.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => proxy.close(r)) };
}

test('a 503 with Retry-After is retried after the time it asks, then succeeds', async () => {
  const p = await faultyProxy([{ status: 503, headers: { 'Retry-After': '1' } }]);
  const client = new Linktor({ apiKey: server.key, baseUrl: p.url });
  const v = await visitor(server);
  const m = await client.messages.send({ channelId: server.channel.id, to: v.id, content: { type: 'text', text: 'after a 503' } });
  assert.equal(m.content.text, 'after a 503');
  assert.equal(p.seen.length, 2);
  assert.ok(p.seen[1].at - p.seen[0].at >= 1000, `waited ${p.seen[1].at - p.seen[0].at} ms`);
  await v.next((f) => f.type === 'message' && f.message.id === m.id, 'the message');
  assert.equal(v.frames.filter((f) => f.type === 'message').length, 1, 'stored once');
  v.close();
  await p.close();
});

test('a GET is retried on 500 and 429 with backoff', async () => {
  const p = await faultyProxy([{ status: 500 }, { status: 429, code: 'rate_limited' }]);
  const client = new Linktor({ apiKey: server.key, baseUrl: p.url });
  assert.ok(Array.isArray(await client.channels.list()));
  assert.equal(p.seen.length, 3);
  assert.ok(p.seen[1].at - p.seen[0].at >= 300, 'backed off');
  await p.close();
});

test('messages.send retried after its answer was lost is stored once (Idempotency-Key)', async () => {
  const p = await faultyProxy([{ status: 502, forward: true }]);
  const client = new Linktor({ apiKey: server.key, baseUrl: p.url });
  const v = await visitor(server);
  const m = await client.messages.send({ channelId: server.channel.id, to: v.id, content: { type: 'text', text: 'exactly once' } });
  assert.equal(p.seen.length, 2, 'retried after the 502');
  assert.ok(p.seen[0].key && p.seen[0].key === p.seen[1].key, 'one key for the call and its retry');
  await v.next((f) => f.type === 'message' && f.message.id === m.id, 'the message');
  const second = await client.messages.send({ channelId: server.channel.id, to: v.id, content: { type: 'text', text: 'next' } });
  await v.next((f) => f.type === 'message' && f.message.id === second.id, 'the next message');
  assert.equal(v.frames.filter((f) => f.type === 'message' && f.message.content.text === 'exactly once').length, 1, 'stored once');
  assert.notEqual(p.seen[2].key, p.seen[0].key, 'each call has its own key');
  v.close();
  await p.close();
});

test('after maxRetries the last error is thrown, typed', async () => {
  const p = await faultyProxy([{ status: 429, code: 'rate_limited', headers: { 'Retry-After': '0' } }, { status: 429, code: 'rate_limited', headers: { 'Retry-After': '0' } }]);
  const client = new Linktor({ apiKey: server.key, baseUrl: p.url, maxRetries: 1 });
  await assert.rejects(client.visitors.list(), (e) => e instanceof RateLimitError && e.status === 429 && e.code === 'rate_limited' && e.retryAfter === 0);
  assert.equal(p.seen.length, 2);
  await p.close();
});

test('a request that gets no answer times out (each attempt), and a signal aborts it', async () => {
  const port = await freePort();
  const sockets = [];
  const hung = net.createServer((s) => sockets.push(s)); // accepts, never answers
  await new Promise((r) => hung.listen(port, '127.0.0.1', r));
  const client = new Linktor({ apiKey: server.key, baseUrl: `http://127.0.0.1:${port}`, timeout: 200, maxRetries: 1 });
  const t0 = Date.now();
  await assert.rejects(client.channels.list(), (e) => e instanceof ConnectionError && e.status === 0 && e.code === 'timeout');
  assert.ok(Date.now() - t0 >= 400, 'two attempts of 200 ms');
  assert.equal(sockets.length, 2);

  const ac = new AbortController();
  const pending = client.channels.list({ signal: ac.signal, timeout: 60_000 });
  setTimeout(() => ac.abort(new Error('caller gave up')), 50);
  await assert.rejects(pending, /caller gave up/);

  await assert.rejects(client.channels.list({ timeout: 100, maxRetries: 0 }), (e) => e.code === 'timeout');
  for (const s of sockets) s.destroy();
  hung.close();
});
