import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as C from '../src/panel/conversation';
import type { Message } from '../src/protocol';

const msg = (seq: number, over: Partial<Message> = {}): Message =>
  ({
    id: `msg_${seq}`,
    conversationId: 'conv_1',
    seq,
    direction: 'outbound',
    sender: { type: 'agent', id: 'agent_1', name: 'Ana' },
    content: { type: 'text', text: `m${seq}` },
    status: 'sent',
    createdAt: '2026-11-25T10:00:00Z',
    ...over,
  }) as Message;

test('stored messages sort by seq, before messages still on their way', () => {
  let c = C.emptyConversation();
  c = C.addLocal(c, 'c_1', { type: 'text', text: 'pending' }, 'pending');
  c = C.addStored(c, msg(3));
  c = C.addStored(c, msg(1));
  assert.deepEqual(c.messages.map((m) => m.key), ['msg_1', 'msg_3', 'c_1']);
  assert.equal(c.lastSeq, 3);
});

test('an ack, an echo from another tab and a replay are one message, shown once', () => {
  let c = C.addLocal(C.emptyConversation(), 'c_9', { type: 'text', text: 'hello' }, 'pending');
  const stored = msg(4, { direction: 'inbound', clientId: 'c_9', sender: { type: 'visitor', id: 'visitor_1' } as any, content: { type: 'text', text: 'hello' } });
  c = C.addStored(c, stored);
  assert.equal(c.messages.length, 1);
  assert.equal(c.messages[0].key, 'c_9', 'keeps its key (and DOM node)');
  assert.equal(c.messages[0].status, 'sent');
  assert.equal(c.messages[0].mine, true);
  const same = C.addStored(c, stored);
  assert.equal(same, c, 'nothing changes on a duplicate');
  // Another tab's message arrives without a local twin.
  c = C.addStored(c, msg(5, { direction: 'inbound', clientId: 'c_other' }));
  assert.equal(c.messages.length, 2);
});

test('unread counts agent messages past what the visitor read', () => {
  let c = C.emptyConversation();
  c = C.addStored(c, msg(1));
  c = C.addStored(c, msg(2, { direction: 'inbound' }));
  c = C.addStored(c, msg(3));
  assert.equal(C.unreadCount(c), 2);
  assert.equal(C.lastAgentSeq(c), 3);
  c = { ...c, visitorReadSeq: 1 };
  assert.equal(C.unreadCount(c), 1);
});

test('receipts: pending, sent, delivered, read, failed', () => {
  let c = C.emptyConversation();
  c = C.addStored(c, msg(1, { direction: 'inbound', clientId: 'a' }));
  c = C.addStored(c, msg(2, { direction: 'inbound', clientId: 'b' }));
  c = C.addLocal(c, 'c', { type: 'text', text: 'x' }, 'pending');
  c = { ...c, deliveredSeq: 2, agentReadSeq: 1 };
  assert.deepEqual(c.messages.map((m) => C.receipt(c, m)), ['read', 'delivered', 'pending']);
  c = C.updateLocal(c, 'c', { status: 'failed', error: 'nope' });
  assert.equal(C.receipt(c, c.messages[2]), 'failed');
  assert.equal(C.updateLocal(c, 'a', { status: 'failed' }), c, 'stored messages never go back');
});

test('a button message knows its answer', () => {
  let c = C.addStored(C.emptyConversation(), msg(1, { content: { type: 'interactive', interactive: { type: 'buttons', body: { text: 'Rate' }, buttons: [{ id: 'g', label: 'Great!' }] } } as any }));
  assert.equal(C.answerTo(c, 'msg_1'), undefined);
  c = C.addLocal(c, 'c_1', { type: 'text', text: 'Great!' }, 'pending', 'msg_1');
  assert.equal(C.answerTo(c, 'msg_1')?.content.type, 'text');
});
