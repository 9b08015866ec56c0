// The open conversation: its header (visitor, channel, assignee, resolve/reopen), the
// messages grouped by day with sender, time and the visitor's receipts of ours, the
// visitor's typing indicator, and the composer. Live through the agent socket; marks the
// visitor's messages read while the thread is on screen (POST …/read).
// The conversation's activity (GET …/activity, live `activity` frames) is slotted in by time:
// private notes, apart from the messages in yellow with their author, and system lines for
// assignments and the visitor's rating. The header shows the labels and the label picker.

import { Fragment } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useApp } from '../app';
import { clientId, errorText, get, getEmailStatus, post } from '../lib/api';
import { groupByDay, timeOf } from '../lib/dates';
import { socket } from '../lib/realtime';
import { Link } from '../lib/router';
import { activityLine, mergeActivity, timeline } from '../lib/inbox';
import { applyReceipt, lastInboundSeq, lastSeq, mergeMessage, mergeMessages, type ThreadMessage } from '../lib/thread';
import type { Activity, Content, Conversation, Message, Page, TranscriptSent, Visitor } from '../lib/types';
import { ErrorNote, Loading } from '../ui';
import { Composer, type ComposerControl } from './Composer';
import { LabelChips, LabelPicker } from './LabelChips';
import { MessageContent } from './MessageView';
import { agentName, visitorName } from './names';

/** What the inbox's keyboard shortcuts do in the open conversation. */
export type ThreadCommands = { resolve?: () => void; assignToMe?: () => void; labels?: () => void; compose?: ComposerControl['focus'] };

export function Thread({
  conversationId,
  focusMessageId,
  visitor,
  onChange,
  onRead,
  commands,
}: {
  conversationId: string;
  /** A message to scroll to once loaded (a search result's). */
  focusMessageId?: string;
  visitor?: Visitor;
  onChange: (c: Conversation) => void;
  onRead: (id: string) => void;
  commands?: ThreadCommands;
}) {
  const { me, agents, channels } = useApp();
  const [conv, setConv] = useState<Conversation>();
  const [messages, setMessages] = useState<ThreadMessage[]>([]);
  const [activity, setActivity] = useState<Activity[]>([]);
  const composer = useRef<ComposerControl>({}).current;
  const picker = useRef<{ open?: () => void }>({}).current;
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [emailOn, setEmailOn] = useState(false);
  const [mailed, setMailed] = useState('');
  useEffect(() => void getEmailStatus().then((e) => setEmailOn(e.enabled), () => undefined), []);
  const [visitorTyping, setVisitorTyping] = useState(false);
  const [otherAgentTyping, setOtherAgentTyping] = useState('');
  const msgsRef = useRef(messages);
  msgsRef.current = messages;
  const readSent = useRef(0);
  const listRef = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);

  const loadAfter = useCallback(
    async (after: number) => {
      let cursor = after;
      for (let pages = 0; pages < 20; pages++) {
        const page = await get<Page<Message>>(`/v1/conversations/${encodeURIComponent(conversationId)}/messages?after=${cursor}&limit=500`);
        setMessages((ms) => mergeMessages(ms, page.data));
        if (!page.nextCursor) break;
        cursor = Number(page.nextCursor);
      }
    },
    [conversationId],
  );

  const loadActivity = useCallback(
    () =>
      get<Activity[]>(`/v1/conversations/${encodeURIComponent(conversationId)}/activity`).then(
        (list) => setActivity((old) => list.reduce(mergeActivity, old)),
        () => undefined,
      ),
    [conversationId],
  );

  useEffect(() => {
    setConv(undefined);
    setMessages([]);
    setActivity([]);
    setError(null);
    setActionError(null);
    setVisitorTyping(false);
    readSent.current = 0;
    atBottom.current = true;
    let live = true;
    get<Conversation>(`/v1/conversations/${encodeURIComponent(conversationId)}`)
      .then((c) => live && setConv(c))
      .catch((e) => live && setError(e));
    loadAfter(0).catch((e) => live && setError(e));
    void loadActivity();
    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    const off = socket.on((f) => {
      if (f.type === 'message' && f.message.conversationId === conversationId) {
        setMessages((ms) => mergeMessage(ms, f.message));
        if (f.message.direction === 'inbound') setVisitorTyping(false);
      } else if (f.type === 'conversation' && f.conversation.id === conversationId) setConv(f.conversation);
      else if (f.type === 'activity' && f.activity.conversationId === conversationId) {
        const a = f.activity;
        setActivity((list) => mergeActivity(list, a));
      }
      else if (f.type === 'typing' && f.conversationId === conversationId) {
        const on = f.state === 'start';
        clearTimeout(typingTimer);
        if (f.sender.type === 'visitor') {
          setVisitorTyping(on);
          // A lost "stop" must not leave the indicator on forever.
          if (on) typingTimer = setTimeout(() => setVisitorTyping(false), 10_000);
        } else if (f.sender.id !== me.id) setOtherAgentTyping(on ? f.sender.name || 'Another agent' : '');
      } else if (f.type === 'delivered' && f.conversationId === conversationId) setMessages((ms) => applyReceipt(ms, f.seq, 'delivered'));
      else if (f.type === 'read' && f.conversationId === conversationId && f.reader === 'visitor') setMessages((ms) => applyReceipt(ms, f.seq, 'read'));
      else if (f.type === 'reconnected') {
        get<Conversation>(`/v1/conversations/${encodeURIComponent(conversationId)}`).then((c) => live && setConv(c), () => undefined);
        loadAfter(lastSeq(msgsRef.current)).catch(() => undefined);
        void loadActivity();
      }
    });
    return () => {
      live = false;
      clearTimeout(typingTimer);
      off();
    };
  }, [conversationId, loadAfter, loadActivity, me.id]);

  // Read receipts: the visitor's messages count as read once this thread is on screen.
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== 'visible') return;
      const seq = lastInboundSeq(msgsRef.current);
      if (seq <= readSent.current) return;
      readSent.current = seq;
      onRead(conversationId);
      if (!socket.send({ type: 'read', conversationId, seq })) post(`/v1/conversations/${encodeURIComponent(conversationId)}/read`, { seq }).catch(() => (readSent.current = 0));
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [messages, conversationId, onRead]);

  // Follow the conversation when the agent is at its end; leave them where they are when reading back.
  useLayoutEffect(() => {
    const el = listRef.current?.parentElement;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [messages, activity, visitorTyping]);

  // A search result opens the thread at its message, once that message is loaded.
  const [found, setFound] = useState<string>();
  useLayoutEffect(() => {
    if (!focusMessageId || found === focusMessageId) return;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(focusMessageId)}"]`);
    if (!row) return;
    setFound(focusMessageId);
    atBottom.current = false;
    row.scrollIntoView({ block: 'center' });
  }, [messages, focusMessageId, found]);

  const send = useCallback(
    async (content: Content, cid = clientId()) => {
      const pending: ThreadMessage = {
        id: cid,
        conversationId,
        seq: 0,
        direction: 'outbound',
        sender: { type: 'agent', id: me.id, name: me.name },
        content,
        status: 'sent',
        clientId: cid,
        createdAt: new Date().toISOString(),
        pending: true,
      };
      atBottom.current = true;
      setMessages((ms) => mergeMessage(ms, pending));
      try {
        const m = await post<Message>(`/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { content, clientId: cid });
        setMessages((ms) => mergeMessage(ms, m));
      } catch (e) {
        setMessages((ms) => ms.map((x) => (x.clientId === cid && x.pending ? { ...x, failed: errorText(e) } : x)));
      }
    },
    [conversationId, me.id, me.name],
  );

  const addNote = useCallback(
    async (text: string) => {
      setActionError(null);
      try {
        const a = await post<Activity>(`/v1/conversations/${encodeURIComponent(conversationId)}/notes`, { text });
        atBottom.current = true;
        setActivity((list) => mergeActivity(list, a));
        return true;
      } catch (e) {
        setActionError(e);
        return false;
      }
    },
    [conversationId],
  );

  const act = async (path: string, body?: unknown) => {
    setActionError(null);
    try {
      const c = await post<Conversation>(`/v1/conversations/${encodeURIComponent(conversationId)}/${path}`, body);
      setConv(c);
      onChange(c);
    } catch (e) {
      setActionError(e);
    }
  };

  const emailTranscript = async () => {
    setActionError(null);
    setMailed('');
    try {
      const r = await post<TranscriptSent>(`/v1/conversations/${encodeURIComponent(conversationId)}/transcript`);
      setMailed(`Transcript sent to ${r.sentTo}.`);
    } catch (e) {
      setActionError(e);
    }
  };

  const name = visitorName(visitor, conv?.visitorId ?? '');
  const channel = channels.find((c) => c.id === conv?.channelId);
  const groups = useMemo(() => groupByDay(timeline(messages, activity), (x) => x.at), [messages, activity]);
  // Which buttons of which message the visitor pressed (their answer replies to it with the label).
  const answers = useMemo(() => {
    const map = new Map<string, Set<string>>();
    for (const m of messages) {
      if (m.direction !== 'inbound' || !m.replyTo || m.content.type !== 'text') continue;
      const asked = messages.find((x) => x.id === m.replyTo);
      const buttons = asked?.content.type === 'interactive' ? asked.content.interactive.buttons : asked?.content.type === 'card' ? asked.content.card.buttons : [];
      const b = buttons.find((x) => x.label === (m.content as { text: string }).text);
      if (b) map.set(m.replyTo, (map.get(m.replyTo) ?? new Set()).add(b.id));
    }
    return map;
  }, [messages]);
  const lastOurs = [...messages].reverse().find((m) => m.direction === 'outbound' && !m.pending);

  if (commands) {
    commands.compose = (m) => composer.focus?.(m);
    commands.labels = () => picker.open?.();
    commands.resolve = () => conv?.status === 'open' && void act('resolve');
    commands.assignToMe = () => conv && conv.assigneeId !== me.id && void act('assign', { agentId: me.id });
  }

  if (error) return <section class="thread" aria-label="Conversation"><ErrorNote error={error} /></section>;
  if (!conv) return <section class="thread" aria-label="Conversation"><Loading what="Loading the conversation" /></section>;

  return (
    <section class="thread" aria-labelledby="thread-title">
      <header class="thread-head">
        <Link class="back-link" href={`/app/inbox${location.search}`} focus={false}>
          ‹ Conversations
        </Link>
        <div>
          <h2 id="thread-title">{name}</h2>
          <p class="muted small">
            {channel?.name ?? conv.channelId} · <span class={`badge badge-${conv.status}`}>{conv.status === 'open' ? 'Open' : 'Resolved'}</span>
            {conv.assigneeId ? ` · Assigned to ${conv.assigneeId === me.id ? 'you' : agentName(agents, conv.assigneeId)}` : ' · Unassigned'}
          </p>
          <LabelChips names={conv.labels} />
        </div>
        <div class="thread-actions">
          <label for="assign" class="sr-only">
            Assign to
          </label>
          <select id="assign" value={conv.assigneeId ?? ''} onChange={(e) => act('assign', { agentId: e.currentTarget.value || null })}>
            <option value="">Unassigned</option>
            <option value={me.id}>Me ({me.name || me.email})</option>
            {agents
              .filter((a) => a.id !== me.id)
              .map((a) => (
                <option value={a.id}>{a.name || a.email}</option>
              ))}
          </select>
          <LabelPicker conv={conv} onChange={(c) => (setConv(c), onChange(c))} control={picker} />
          {conv.assigneeId !== me.id && (
            <button type="button" class="button" aria-keyshortcuts="a" onClick={() => act('assign', { agentId: me.id })}>
              Assign to me
            </button>
          )}
          {emailOn && (
            <button type="button" class="button" onClick={emailTranscript} title="Email the whole conversation to the visitor">
              Email transcript
            </button>
          )}
          {conv.status === 'open' ? (
            <button type="button" class="button" aria-keyshortcuts="e" onClick={() => act('resolve')}>
              Resolve
            </button>
          ) : (
            <button type="button" class="button" onClick={() => act('reopen')}>
              Reopen
            </button>
          )}
        </div>
      </header>
      <ErrorNote error={actionError} />
      {mailed && (
        <p class="notice notice-ok" role="status">
          {mailed}
        </p>
      )}
      <div
        class="messages"
        tabIndex={0}
        role="region"
        aria-label={`Messages with ${name}`}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        <ol class="message-list" ref={listRef}>
          {messages.length === 0 && activity.length === 0 && <li class="muted empty">No messages yet.</li>}
          {groups.map((g) => (
            <Fragment key={g.key}>
              <li class="day">
                <span>{g.label}</span>
              </li>
              {g.items.map((x) =>
                x.kind === 'activity' ? (
                  <ActivityRow key={x.item.id} a={x.item} />
                ) : (
                  <MessageRow key={x.item.clientId ?? x.item.id} m={x.item} found={x.item.id === found} visitor={name} answered={answers.get(x.item.id)} showStatus={x.item === lastOurs} onRetry={() => send(x.item.content, x.item.clientId)} />
                ),
              )}
            </Fragment>
          ))}
        </ol>
      </div>
      <p class="typing-line" aria-live="polite">
        {visitorTyping ? (
          <>
            <span class="typing-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>{' '}
            {name} is typing…
          </>
        ) : otherAgentTyping ? (
          `${otherAgentTyping} is typing…`
        ) : (
          ''
        )}
      </p>
      <Composer conversationId={conversationId} onSend={send} onNote={addNote} visitor={visitor} control={composer} />
    </section>
  );
}

/** A private note (apart from the messages, with its author) or a system line (assignment, rating). */
function ActivityRow({ a }: { a: Activity }) {
  const { me, agents } = useApp();
  if (a.kind === 'note')
    return (
      <li class="note-row" data-activity={a.id}>
        <div class="note">
          <p class="note-who">
            <span class="note-marker">Private note</span> · {a.agentId === me.id ? 'You' : a.agentName || agentName(agents, a.agentId) || 'An agent'}
          </p>
          <p class="msg-text">{a.text}</p>
        </div>
        <p class="msg-meta">
          <time dateTime={a.createdAt}>{timeOf(a.createdAt)}</time>
        </p>
      </li>
    );
  return (
    <li class={`system-line system-${a.kind}`} data-activity={a.id}>
      <span>{activityLine(a, agents, me)}</span> <time dateTime={a.createdAt}>{timeOf(a.createdAt)}</time>
    </li>
  );
}

const STATUS: Record<string, string> = { sent: 'Sent', delivered: 'Delivered', read: 'Read' };

function MessageRow({ m, found, visitor, answered, showStatus, onRetry }: { m: ThreadMessage; found: boolean; visitor: string; answered?: Set<string>; showStatus: boolean; onRetry: () => void }) {
  const ours = m.direction === 'outbound';
  const who = ours ? m.sender.name || (m.sender.type === 'api' ? 'API' : m.sender.type === 'system' ? 'System' : 'Agent') : visitor;
  return (
    <li class={`msg-row ${ours ? 'msg-row-out' : 'msg-row-in'}${found ? ' msg-found' : ''}`} data-seq={m.seq} data-message-id={m.id}>
      <div class={`msg ${ours ? 'msg-out' : 'msg-in'}${m.content.type === 'card' ? ' msg-rich' : ''}`}>
        <p class="msg-who">{who}</p>
        <MessageContent content={m.content} answered={answered} />
      </div>
      <p class="msg-meta">
        <time dateTime={m.createdAt}>{timeOf(m.createdAt)}</time>
        {ours &&
          (m.failed ? (
            <>
              {' · '}
              <span class="error">Not sent: {m.failed}</span>{' '}
              <button type="button" class="link-button" onClick={onRetry}>
                Retry
              </button>
            </>
          ) : m.pending ? (
            ' · Sending…'
          ) : (
            <span class={`receipt receipt-${m.status}`} title={STATUS[m.status]}>
              {' · '}
              {showStatus ? STATUS[m.status] : <span class="sr-only">{STATUS[m.status]}</span>}
              <span aria-hidden="true">{m.status === 'sent' ? ' ✓' : ' ✓✓'}</span>
            </span>
          ))}
      </p>
    </li>
  );
}
