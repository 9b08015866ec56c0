// The inbox: the conversation list (filters open / resolved / mine / unassigned, a label,
// search, newest activity first, unread counts, labels as chips, live from the agent socket),
// the open thread, and the visitor panel beside it. Search runs on the server as the agent
// types; each result shows where it matched (the words marked, as text nodes, never markup)
// and opens the thread at the matching message. Keyboard shortcuts (Shortcuts.tsx) work
// when focus is not in a text field: `/` focuses the search box (Escape clears it), `?` lists
// them all in a dialog.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app';
import { get, getEmailStatus, query } from '../lib/api';
import { ago } from '../lib/dates';
import { socket } from '../lib/realtime';
import { Link, navigate, usePath } from '../lib/router';
import { preview } from '../lib/thread';
import type { Conversation, ConversationSummary, Page, SearchMatch, Visitor } from '../lib/types';
import { ErrorNote, PageTitle } from '../ui';
import { LabelChips } from './LabelChips';
import { ShortcutHelp, useInboxShortcuts } from './Shortcuts';
import { Thread, type ThreadCommands } from './Thread';
import { VisitorPanel } from './VisitorPanel';
import { agentName, visitorName } from './names';

type Filter = 'open' | 'mine' | 'unassigned' | 'resolved';
const FILTERS: { id: Filter; label: string }[] = [
  { id: 'open', label: 'Open' },
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'resolved', label: 'Resolved' },
];

const filterQuery = (f: Filter) => (f === 'resolved' ? { status: 'resolved' } : f === 'mine' ? { status: 'open', assignee: 'me' } : f === 'unassigned' ? { status: 'open', assignee: 'none' } : { status: 'open' });

export function Inbox({ conversationId }: { conversationId?: string }) {
  const { me, agents, channels, labels } = useApp();
  const { query: params } = usePath();
  const filter = (FILTERS.find((f) => f.id === params.get('filter'))?.id ?? 'open') as Filter;
  const label = params.get('label') ?? '';
  const commands = useRef<ThreadCommands>({}).current;
  const [help, setHelp] = useState(false);
  const [q, setQ] = useState(params.get('q') ?? '');
  const [items, setItems] = useState<ConversationSummary[]>([]);
  const [emailOn, setEmailOn] = useState<boolean | null>(null);
  useEffect(() => void getEmailStatus().then((e) => setEmailOn(e.enabled), () => undefined), []);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const [typing, setTyping] = useState<Record<string, boolean>>({});
  const [visitors, setVisitors] = useState<Record<string, Visitor>>({});
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const openId = useRef(conversationId);
  openId.current = conversationId;
  const loadSeq = useRef(0);
  const searchBox = useRef<HTMLInputElement>(null);

  // `/` anywhere but in a field focuses the search box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      searchBox.current?.focus();
      searchBox.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const matches = useCallback(
    (c: Conversation) =>
      (!label || c.labels.includes(label)) && (filter === 'resolved' ? c.status === 'resolved' : c.status === 'open' && (filter === 'open' || (filter === 'mine' ? c.assigneeId === me.id : !c.assigneeId))),
    [filter, me.id, label],
  );

  const load = useCallback(
    async (more?: string) => {
      const my = ++loadSeq.current;
      try {
        const page = await get<Page<ConversationSummary>>(`/v1/conversations${query({ ...filterQuery(filter), label, q: q.trim(), limit: 50, cursor: more })}`);
        if (my !== loadSeq.current) return;
        setItems((old) => (more ? [...old, ...page.data.filter((c) => !old.some((o) => o.id === c.id))] : page.data));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        if (my === loadSeq.current) setError(e);
      } finally {
        if (my === loadSeq.current) setLoaded(true);
      }
    },
    [filter, q, label],
  );

  // Search as the agent types, a moment after the last key.
  useEffect(() => {
    const t = setTimeout(() => void load(), q ? 250 : 0);
    return () => clearTimeout(t);
  }, [load]);

  // Live updates. A conversation we do not have yet (or a search) reloads the list, shortly
  // after, so a burst of frames costs one request.
  useEffect(() => {
    let reloadTimer: ReturnType<typeof setTimeout> | undefined;
    const reloadSoon = () => {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => void load(), 300);
    };
    const typingTimers: Record<string, ReturnType<typeof setTimeout>> = {};
    const off = socket.on((f) => {
      if (f.type === 'message') {
        const m = f.message;
        const i = itemsRef.current.findIndex((c) => c.id === m.conversationId);
        if (i < 0 || q.trim()) return reloadSoon();
        setItems((list) => {
          const j = list.findIndex((c) => c.id === m.conversationId);
          if (j < 0) return list;
          const c = list[j];
          const viewing = openId.current === c.id && document.visibilityState === 'visible';
          const unread = m.direction === 'inbound' && !viewing ? (c.unreadCount ?? 0) + 1 : c.unreadCount;
          const updated = { ...c, lastMessage: m, lastActivityAt: m.createdAt, lastSeq: Math.max(c.lastSeq, m.seq), unreadCount: unread };
          return [updated, ...list.slice(0, j), ...list.slice(j + 1)];
        });
        if (m.direction === 'inbound') setTyping((t) => ({ ...t, [m.conversationId]: false }));
      } else if (f.type === 'conversation') {
        const c = f.conversation;
        const has = itemsRef.current.some((x) => x.id === c.id);
        if (!has) {
          if (matches(c)) reloadSoon();
          return;
        }
        setItems((list) => (matches(c) || c.id === openId.current ? list.map((x) => (x.id === c.id ? { ...x, ...c } : x)) : list.filter((x) => x.id !== c.id)));
      } else if (f.type === 'typing' && f.sender.type === 'visitor') {
        const id = f.conversationId;
        clearTimeout(typingTimers[id]);
        setTyping((t) => ({ ...t, [id]: f.state === 'start' }));
        if (f.state === 'start') typingTimers[id] = setTimeout(() => setTyping((t) => ({ ...t, [id]: false })), 10_000);
      } else if (f.type === 'reconnected') reloadSoon();
    });
    return () => {
      off();
      clearTimeout(reloadTimer);
      Object.values(typingTimers).forEach(clearTimeout);
    };
  }, [load, matches, q]);

  const href = (id?: string, f: Filter = filter, message?: string, l: string = label) =>
    `/app/inbox${id ? '/' + encodeURIComponent(id) : ''}${query({ filter: f === 'open' ? undefined : f, label: l || undefined, q: q.trim() || undefined, message })}`;
  const open = items.find((c) => c.id === conversationId);
  const onRead = useCallback((id: string) => setItems((list) => list.map((c) => (c.id === id && c.unreadCount ? { ...c, unreadCount: 0 } : c))), []);
  const onChange = useCallback((c: Conversation) => setItems((list) => list.map((x) => (x.id === c.id ? { ...x, ...c } : x))), []);
  const [threadConv, setThreadConv] = useState<Conversation>();
  useEffect(() => {
    setThreadConv(undefined);
    if (!conversationId) return;
    get<Conversation>(`/v1/conversations/${encodeURIComponent(conversationId)}`).then(setThreadConv, () => undefined);
  }, [conversationId, open?.lastSeq, open?.status]);
  const visitorId = open?.visitorId ?? threadConv?.visitorId;
  const visitorOf = (c: ConversationSummary) => c.visitor ?? visitors[c.visitorId];
  useInboxShortcuts({
    move: (step) => {
      const i = items.findIndex((c) => c.id === conversationId);
      const next = items[i < 0 ? (step > 0 ? 0 : items.length - 1) : i + step];
      if (!next) return;
      navigate(href(next.id), { focus: false });
      requestAnimationFrame(() => (document.querySelector('.conv-item[aria-current="true"]') as HTMLElement | null)?.scrollIntoView({ block: 'nearest' }));
    },
    thread: conversationId ? commands : undefined,
    help: () => setHelp(true),
  });
  const totalUnread = items.reduce((n, c) => n + (c.unreadCount ?? 0), 0);
  useEffect(() => {
    document.title = `${totalUnread ? `(${totalUnread}) ` : ''}Inbox · Linktor`;
  }, [totalUnread, conversationId]);

  return (
    <div class={`inbox${conversationId ? ' inbox-open' : ''}`}>
      <section class="conv-list" aria-labelledby="inbox-h">
        <div class="conv-list-head">
          <PageTitle title="Inbox">Inbox</PageTitle>
          <div role="group" aria-label="Show conversations" class="filters">
            {FILTERS.map((f) => (
              <button type="button" class="filter" aria-pressed={filter === f.id} onClick={() => navigate(href(conversationId, f.id), { replace: true, focus: false })}>
                {f.label}
              </button>
            ))}
          </div>
          <div class="field label-filter">
            <label for="label-filter">Label</label>
            <select id="label-filter" value={label} onChange={(e) => navigate(href(conversationId, filter, undefined, e.currentTarget.value), { replace: true, focus: false })}>
              <option value="">All labels</option>
              {labels.map((l) => (
                <option value={l.name}>{l.name}</option>
              ))}
              {label && !labels.some((l) => l.name === label) && <option value={label}>{label}</option>}
            </select>
          </div>
          <form role="search" onSubmit={(e) => e.preventDefault()}>
            <label for="inbox-search" class="sr-only">
              Search conversations
            </label>
            <input
              id="inbox-search"
              ref={searchBox}
              type="search"
              placeholder="Search name, email or message  ( / )"
              aria-keyshortcuts="/"
              maxLength={200}
              value={q}
              onInput={(e) => setQ(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape' && q) {
                  e.preventDefault();
                  setQ('');
                }
              }}
            />
          </form>
        </div>
        <h2 id="inbox-h" class="sr-only">
          Conversations
        </h2>
        <ErrorNote error={error} />
        {emailOn === false && (
          <p class="notice email-off small" role="note">
            Email is off: visitors who leave are not emailed your answers, and transcripts cannot be sent. Set <code>LINKTOR_SMTP_URL</code> and <code>LINKTOR_EMAIL_FROM</code> to turn it on.
          </p>
        )}
        {loaded && items.length === 0 && !error && <p class="muted empty">{q || label ? 'No conversation matches.' : filter === 'resolved' ? 'No resolved conversations.' : 'No conversations here yet.'}</p>}
        <ul class="conv-items">
          {items.map((c) => {
            const name = visitorName(visitorOf(c), c.visitorId);
            const unread = c.unreadCount ?? 0;
            const channel = channels.find((ch) => ch.id === c.channelId)?.name;
            return (
              <li key={c.id}>
                <Link
                  class={`conv-item${c.id === conversationId ? ' selected' : ''}${unread ? ' unread' : ''}`}
                  href={href(c.id, filter, c.searchMatch?.messageId)}
                  aria-current={c.id === conversationId ? 'true' : undefined}
                  focus={false}
                >
                  <span class="conv-top">
                    <span class="conv-name">{name}</span>
                    <time class="conv-time" dateTime={c.lastActivityAt}>
                      {ago(c.lastActivityAt)}
                    </time>
                  </span>
                  <span class="conv-preview">
                    {typing[c.id] ? <em>typing…</em> : c.searchMatch ? <Snippet match={c.searchMatch} /> : preview(c.lastMessage) || <span class="muted">No messages yet</span>}
                  </span>
                  <LabelChips names={c.labels ?? []} />
                  <span class="conv-bottom">
                    <span class="muted small">
                      {channel ?? ''}
                      {c.assigneeId ? ` · ${c.assigneeId === me.id ? 'You' : agentName(agents, c.assigneeId)}` : ''}
                      {c.status === 'resolved' ? ' · Resolved' : ''}
                    </span>
                    {unread > 0 && (
                      <span class="unread-badge">
                        {unread}
                        <span class="sr-only"> unread</span>
                      </span>
                    )}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
        {cursor && (
          <button type="button" class="button wide" onClick={() => load(cursor)}>
            Load more
          </button>
        )}
      </section>
      {conversationId ? (
        <>
          <Thread
            key={conversationId}
            conversationId={conversationId}
            focusMessageId={params.get('message') ?? undefined}
            visitor={open ? visitorOf(open) : visitorId ? visitors[visitorId] : undefined}
            onChange={onChange}
            onRead={onRead}
            commands={commands}
          />
          {visitorId && <VisitorPanel visitorId={visitorId} conversation={threadConv} onVisitor={(v) => setVisitors((m) => ({ ...m, [v.id]: v }))} />}
        </>
      ) : (
        <section class="thread thread-empty" aria-label="Conversation">
          <p class="muted">Choose a conversation on the left.</p>
          <p class="muted small">
            Press <kbd>?</kbd> for keyboard shortcuts.
          </p>
        </section>
      )}
      <ShortcutHelp open={help} onClose={() => setHelp(false)} />
    </div>
  );
}

const SOURCE: Record<SearchMatch['source'], string> = { message: '', visitor: 'Visitor: ', form: 'Form: ' };

/** Where a search matched: the excerpt, its matched words in <mark> (text nodes, never HTML). */
function Snippet({ match }: { match: SearchMatch }) {
  return (
    <span class="conv-snippet">
      {SOURCE[match.source] && <span class="muted">{SOURCE[match.source]}</span>}
      {match.snippet.map((p) => (p.highlight ? <mark>{p.text}</mark> : p.text))}
    </span>
  );
}
