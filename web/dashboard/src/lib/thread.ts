// The open conversation's messages as the inbox keeps them: merged from three sources that
// race (the POST answer, the agent socket's message frames, reloads after a reconnect) without
// duplicates, in seq order, with delivered/read receipts applied to the business side's messages.

import type { Message, MessageStatus } from './types';

/** A message on screen: a stored one, or ours while it is being sent (`pending`) or after it failed. */
export type ThreadMessage = Message & { pending?: boolean; failed?: string };

/**
 * Inserts or replaces `m`, keeping seq order. A stored message replaces any copy with its id
 * and our pending copy with its clientId (the POST answer and the socket's frame may come in
 * either order, and the frame may lack the clientId).
 */
export function mergeMessage(list: ThreadMessage[], m: ThreadMessage): ThreadMessage[] {
  const same = (x: ThreadMessage) => x.id === m.id || (!!m.clientId && x.clientId === m.clientId && (x.pending || !!x.failed || m.pending || !!m.failed));
  const old = list.filter(same);
  if (old.length === 0) return [...list, m].sort(order);
  // A receipt that arrived before this copy must not be undone by it.
  let status = m.status;
  for (const o of old) if (!o.pending && rank(o.status) > rank(status)) status = o.status;
  // A stored message is never turned back into a pending one.
  if (m.pending && old.some((o) => !o.pending && !o.failed)) return list;
  return [...list.filter((x) => !same(x)), { ...m, status }].sort(order);
}

/** Merges many (a page of history). */
export const mergeMessages = (list: ThreadMessage[], ms: ThreadMessage[]) => ms.reduce(mergeMessage, list);

// Pending messages (no seq yet) go last, in the order they were written.
const order = (a: ThreadMessage, b: ThreadMessage) => (a.pending ? 1 : 0) - (b.pending ? 1 : 0) || a.seq - b.seq || a.createdAt.localeCompare(b.createdAt);

const RANK: Record<MessageStatus, number> = { sent: 0, delivered: 1, read: 2 };
const rank = (s: MessageStatus) => RANK[s] ?? 0;

/** Marks the business side's messages up to `seq` delivered or read (never downgrading). */
export function applyReceipt(list: ThreadMessage[], seq: number, status: 'delivered' | 'read'): ThreadMessage[] {
  let changed = false;
  const next = list.map((m) => {
    if (m.direction !== 'outbound' || m.pending || m.seq > seq || rank(m.status) >= rank(status)) return m;
    changed = true;
    return { ...m, status };
  });
  return changed ? next : list;
}

/** The highest seq of a visitor message (what "read up to" should say), 0 when none. */
export const lastInboundSeq = (list: ThreadMessage[]) => list.reduce((max, m) => (m.direction === 'inbound' && !m.pending && m.seq > max ? m.seq : max), 0);

/** The highest stored seq, the `after` of a reload after a reconnect. */
export const lastSeq = (list: ThreadMessage[]) => list.reduce((max, m) => (!m.pending && m.seq > max ? m.seq : max), 0);

/** A one-line preview of any content, for the conversation list and notifications. */
export function preview(m: Pick<Message, 'content'> | undefined): string {
  if (!m) return '';
  const c = m.content;
  switch (c.type) {
    case 'text':
      return c.text;
    case 'image':
      return `📷 ${c.image.caption || c.image.name || 'Image'}`;
    case 'file':
      return `📎 ${c.file.name}`;
    case 'interactive':
      return c.interactive.body.text;
    case 'card':
      return `🃏 ${c.card.title}`;
  }
  return '';
}

/**
 * Typing frames for the composer: `start` at once and again every `every` ms while keys come,
 * `stop` after `idle` ms without a key or when the message is sent. Never more than one
 * `start` per `every` ms, so a fast typist costs a frame every few seconds.
 */
export function typingNotifier(
  send: (state: 'start' | 'stop') => void,
  // Wrapped: the browser's setTimeout called as a method of another object throws "Illegal invocation".
  { every = 3000, idle = 4000, now = () => Date.now(), timers = { set: (f: () => void, ms: number) => setTimeout(f, ms), clear: (t: ReturnType<typeof setTimeout>) => clearTimeout(t) } } = {},
) {
  let lastStart = -Infinity;
  let typing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
    if (!typing) return;
    typing = false;
    lastStart = -Infinity;
    send('stop');
  };
  return {
    /** A key was typed. */
    input() {
      const t = now();
      if (!typing || t - lastStart >= every) {
        typing = true;
        lastStart = t;
        send('start');
      }
      if (timer !== undefined) timers.clear(timer);
      timer = timers.set(stop, idle);
    },
    stop,
  };
}
