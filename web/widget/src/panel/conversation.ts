// The conversation as the visitor sees it: stored messages in `seq` order, then the visitor's
// own messages not yet stored (uploading, pending, failed) in the order they were written.
// Pure functions over plain data: the same message arriving twice (ack, echo from another tab,
// replay after a reconnect) is merged by id or clientId, never shown twice.

import type { Content, Message, Sender } from '../protocol';

export type Status = 'uploading' | 'pending' | 'sent' | 'failed';

export interface ChatMessage {
  /** Stable render key: the clientId of messages made here, else the message id. */
  key: string;
  id?: string;
  seq?: number;
  clientId?: string | null;
  /** Written by this visitor (in this tab or another one). */
  mine: boolean;
  sender: Sender;
  content: Content;
  createdAt: string;
  replyTo?: string | null;
  status: Status;
  /** Upload progress, 0–100. */
  progress?: number;
  /** Why a message failed, shown beside Retry. */
  error?: string;
}

export interface Conversation {
  messages: ChatMessage[];
  /** Highest seq seen: sent in `resume`. */
  lastSeq: number;
  /** Visitor messages up to this seq were read / reached an agent's screen. */
  agentReadSeq: number;
  deliveredSeq: number;
  /** Agent messages up to this seq were read by this visitor (in any tab). */
  visitorReadSeq: number;
}

export const emptyConversation = (): Conversation => ({ messages: [], lastSeq: 0, agentReadSeq: 0, deliveredSeq: 0, visitorReadSeq: 0 });

export function fromStored(m: Message): ChatMessage {
  return {
    key: m.clientId || m.id,
    id: m.id,
    seq: m.seq,
    clientId: m.clientId,
    mine: m.direction === 'inbound',
    sender: m.sender,
    content: m.content,
    createdAt: m.createdAt,
    replyTo: m.replyTo,
    status: 'sent',
  };
}

/** Adds or merges a stored message. Returns the same object when nothing changed. */
export function addStored(c: Conversation, m: Message): Conversation {
  const i = c.messages.findIndex((x) => x.id === m.id || (!!m.clientId && x.clientId === m.clientId));
  const item = fromStored(m);
  let messages: ChatMessage[];
  if (i >= 0) {
    const old = c.messages[i];
    if (old.status === 'sent' && old.seq === m.seq) return c;
    item.key = old.key; // keep the DOM node of the pending message
    messages = c.messages.slice();
    messages.splice(i, 1);
  } else messages = c.messages;
  // Stored messages sort by seq, before any message still on its way.
  let at = messages.findIndex((x) => x.seq === undefined || x.seq > m.seq);
  if (at < 0) at = messages.length;
  messages = [...messages.slice(0, at), item, ...messages.slice(at)];
  return { ...c, messages, lastSeq: Math.max(c.lastSeq, m.seq) };
}

export function addLocal(c: Conversation, clientId: string, content: Content, status: Status, replyTo?: string): Conversation {
  const item: ChatMessage = { key: clientId, clientId, mine: true, sender: { type: 'visitor', id: '' }, content, createdAt: new Date().toISOString(), replyTo, status };
  return { ...c, messages: [...c.messages, item] };
}

/** Changes a message still on its way (by clientId); stored messages are left alone. */
export function updateLocal(c: Conversation, clientId: string, patch: Partial<ChatMessage>): Conversation {
  let changed = false;
  const messages = c.messages.map((m) => {
    if (m.clientId !== clientId || m.status === 'sent') return m;
    changed = true;
    return { ...m, ...patch };
  });
  return changed ? { ...c, messages } : c;
}

export function removeLocal(c: Conversation, clientId: string): Conversation {
  return { ...c, messages: c.messages.filter((m) => m.clientId !== clientId || m.status === 'sent') };
}

/** Agent messages the visitor has not read yet. */
export const unreadCount = (c: Conversation) => c.messages.filter((m) => !m.mine && m.seq !== undefined && m.seq > c.visitorReadSeq).length;

/** The highest seq of an agent message: what "read up to" means when the visitor sees them all. */
export const lastAgentSeq = (c: Conversation) => c.messages.reduce((max, m) => (!m.mine && m.seq !== undefined && m.seq > max ? m.seq : max), 0);

/** What a visitor message shows under it: read, delivered, sent, or its local state. */
export function receipt(c: Conversation, m: ChatMessage): 'read' | 'delivered' | Status {
  if (m.status !== 'sent' || m.seq === undefined) return m.status;
  if (m.seq <= c.agentReadSeq) return 'read';
  if (m.seq <= c.deliveredSeq) return 'delivered';
  return 'sent';
}

/** Whether a button message was answered, and with which button (by its label). */
export function answerTo(c: Conversation, messageId: string | undefined): ChatMessage | undefined {
  return messageId ? c.messages.find((m) => m.replyTo === messageId) : undefined;
}
