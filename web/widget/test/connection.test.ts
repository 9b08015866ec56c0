import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoff, Connection, DEAD_AFTER_MS, HEARTBEAT_MS, type SocketLike } from '../src/panel/connection';
import type { ServerFrame } from '../src/protocol';
import { FakeClock } from './fakes';

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: any[] = [];
  closed = false;
  onopen: ((e: any) => void) | null = null;
  onmessage: ((e: { data: any }) => void) | null = null;
  onclose: ((e: any) => void) | null = null;
  onerror: ((e: any) => void) | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  // what the server does
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(f: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
  types() {
    return this.sent.map((f) => f.type + (f.clientId ? ':' + f.clientId : ''));
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function setup(sessionStatus = 201) {
  FakeSocket.all = [];
  const clock = new FakeClock();
  const requests: any[] = [];
  const states: string[] = [];
  const frames: ServerFrame[] = [];
  const refused: string[] = [];
  let n = 0;
  const conn = new Connection(
    {
      apiBase: 'http://chat.test:8080',
      fetch: async (_url, init) => {
        requests.push(JSON.parse(String(init!.body)));
        n++;
        const body =
          sessionStatus === 201
            ? { visitorId: 'visitor_1', token: `tok${n}`, expiresAt: '2099-01-01T00:00:00Z', conversation: { id: 'conv_1', status: 'open', lastSeq: 7 }, messages: [], readSeq: 0, identityVerified: false, agentsOnline: true }
            : { error: { code: 'origin_not_allowed', message: 'nope' } };
        return new Response(JSON.stringify(body), { status: sessionStatus });
      },
      WebSocket: FakeSocket,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      random: () => 0.5,
      now: () => clock.now,
    },
    { session: () => undefined, frame: (f) => frames.push(f), state: (s) => states.push(s), refused: (id) => refused.push(id) },
    () => ({ channelId: 'ch_1' }),
  );
  return { clock, conn, requests, states, frames, refused };
}

test('session, socket, resume with the last seq, then ready flushes the outbox in order', async () => {
  const t = setup();
  t.conn.sendReliable({ type: 'message.send', clientId: 'c1', content: { type: 'text', text: 'typed before connecting' } });
  await t.conn.start();
  const ws = FakeSocket.all[0];
  assert.equal(ws.url, 'ws://chat.test:8080/v1/ws?token=tok1');
  ws.open();
  assert.deepEqual(ws.sent[0], { type: 'resume', lastSeq: 7 });
  t.conn.sendReliable({ type: 'message.send', clientId: 'c2', content: { type: 'text', text: 'b' } });
  assert.deepEqual(ws.types(), ['resume'], 'nothing but resume before ready');
  ws.receive({ type: 'ready', visitorId: 'visitor_1', conversationId: 'conv_1', lastSeq: 7, readSeq: 0, agentsOnline: true } as any);
  assert.deepEqual(ws.types(), ['resume', 'message.send:c1', 'message.send:c2']);
  assert.equal(t.states.at(-1), 'online');
});

test('after a drop: backoff, reconnect, resume from the highest seq, resend only what was not acknowledged', async () => {
  const t = setup();
  await t.conn.start();
  let ws = FakeSocket.all[0];
  ws.open();
  ws.receive({ type: 'ready', visitorId: 'v', conversationId: 'conv_1', lastSeq: 7, readSeq: 0, agentsOnline: true } as any);
  t.conn.sendReliable({ type: 'message.send', clientId: 'acked', content: { type: 'text', text: 'a' } });
  t.conn.sendReliable({ type: 'message.send', clientId: 'lost', content: { type: 'text', text: 'b' } });
  ws.receive({ type: 'ack', clientId: 'acked', message: { id: 'msg_9', seq: 9 } as any });
  ws.receive({ type: 'message', message: { id: 'msg_10', seq: 10 } as any });
  ws.drop();
  assert.equal(t.states.at(-1), 'reconnecting');
  t.conn.sendReliable({ type: 'message.send', clientId: 'offline', content: { type: 'text', text: 'typed while disconnected' } });
  t.clock.advance(backoff(0, () => 0.5) - 1);
  assert.equal(FakeSocket.all.length, 1, 'waits for the backoff');
  t.clock.advance(1);
  ws = FakeSocket.all[1];
  ws.open();
  assert.deepEqual(ws.sent[0], { type: 'resume', lastSeq: 10 });
  ws.receive({ type: 'ready', visitorId: 'v', conversationId: 'conv_1', lastSeq: 10, readSeq: 0, agentsOnline: true } as any);
  assert.deepEqual(ws.types(), ['resume', 'message.send:lost', 'message.send:offline'], 'the acked one is not sent again');
  assert.equal(ws.sent[1].clientId, 'lost', 'same clientId, so the server stores it once');
});

test('backoff doubles from 0.5 s up to 30 s, with jitter', () => {
  assert.equal(backoff(0, () => 0), 500);
  assert.equal(backoff(0, () => 1), 1000);
  assert.equal(backoff(3, () => 0), 4000);
  assert.equal(backoff(20, () => 1), 30000);
  assert.ok(backoff(2, Math.random) >= 2000 && backoff(2, Math.random) <= 4000);
});

test('a socket that keeps failing before ready asks for the session again (expired token)', async () => {
  const t = setup();
  await t.conn.start();
  FakeSocket.all[0].drop();
  t.clock.advance(60_000);
  FakeSocket.all[1].drop();
  t.clock.advance(60_000);
  await flush();
  assert.equal(t.requests.length, 2, 'a second session request');
  assert.ok(FakeSocket.all.at(-1)!.url.endsWith('token=tok2'));
});

test('a refused frame (not a rate limit) is reported and leaves the outbox; a rate-limited one is retried', async () => {
  const t = setup();
  await t.conn.start();
  const ws = FakeSocket.all[0];
  ws.open();
  ws.receive({ type: 'ready', visitorId: 'v', conversationId: null, lastSeq: 0, readSeq: 0, agentsOnline: true } as any);
  t.conn.sendReliable({ type: 'message.send', clientId: 'big', content: { type: 'text', text: 'x' } });
  t.conn.sendReliable({ type: 'message.send', clientId: 'fast', content: { type: 'text', text: 'y' } });
  ws.receive({ type: 'error', code: 'validation_failed', message: 'too long', clientId: 'big' });
  ws.receive({ type: 'error', code: 'rate_limited', message: 'slow down', clientId: 'fast' });
  assert.deepEqual(t.refused, ['big']);
  assert.equal(t.conn.has('big'), false);
  assert.equal(t.conn.has('fast'), true);
  t.clock.advance(1000);
  assert.deepEqual(ws.types().slice(-1), ['message.send:fast']);
});

test('heartbeat: pings every 25 s; a socket silent for 60 s is replaced', async () => {
  const t = setup();
  await t.conn.start();
  const ws = FakeSocket.all[0];
  ws.open();
  ws.receive({ type: 'ready', visitorId: 'v', conversationId: null, lastSeq: 0, readSeq: 0, agentsOnline: true } as any);
  t.clock.advance(HEARTBEAT_MS);
  assert.deepEqual(ws.types().slice(-1), ['ping']);
  t.clock.advance(DEAD_AFTER_MS);
  assert.ok(ws.closed);
  t.clock.advance(30_000);
  assert.equal(FakeSocket.all.length, 2);
});

test('a session refused for good (origin, identity) stops: unavailable, no retry loop', async () => {
  const t = setup(403);
  await assert.rejects(t.conn.start());
  assert.equal(t.states.at(-1), 'unavailable');
  t.clock.advance(600_000);
  assert.equal(t.requests.length, 1);
  assert.equal(FakeSocket.all.length, 0);
});

test('stop closes the socket and cancels every timer', async () => {
  const t = setup();
  await t.conn.start();
  FakeSocket.all[0].open();
  t.conn.stop();
  assert.ok(FakeSocket.all[0].closed);
  assert.equal(t.clock.pending, 0);
});
