// Who the agent is talking to: name, email, avatar, where they are (page, referrer), their
// browser and system in words (the raw user agent only as a tooltip), their local time (from
// the time zone the widget reports, updated each minute), the pages of this visit, language,
// the page's user metadata, pre-chat answers, whether their identity is verified, and their
// earlier conversations. Everything here comes from the visitor's browser, so all of it is
// rendered as text.
// "This visit" = the page views since the last gap of 30 minutes, none from more than 30
// minutes before the conversation started (lib/inbox.ts sessionPages).

import { useEffect, useState } from 'preact/hooks';
import { get, query } from '../lib/api';
import { ago, timeOf } from '../lib/dates';
import { localTime, sessionPages } from '../lib/inbox';
import { browserAndOs } from '../lib/useragent';
import { Link } from '../lib/router';
import { preview } from '../lib/thread';
import type { Conversation, ConversationSummary, Page, PageView, Visitor } from '../lib/types';
import { ErrorNote, Loading } from '../ui';
import { initials, visitorName } from './names';

const CONTEXT: [string, string][] = [
  ['page', 'Page'],
  ['referrer', 'Referrer'],
  ['language', 'Language'],
  ['ip', 'IP address'],
];
/** Shown in their own way above (browser in words, local time). */
const SHOWN_APART = ['userAgent', 'timezone'];

/** The visitor's local time, updated each minute. */
function LocalTime({ zone }: { zone: string }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    let t: ReturnType<typeof setTimeout>;
    const tick = () => {
      setNow(new Date());
      t = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
    };
    t = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
    return () => clearTimeout(t);
  }, []);
  const time = localTime(zone, now);
  if (!time) return <>{zone}</>;
  return (
    <>
      <time class="visitor-time">{time}</time> <span class="muted small">({zone})</span>
    </>
  );
}

/** A JSON value as one line of text. */
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function VisitorPanel({ visitorId, conversation, onVisitor }: { visitorId: string; conversation?: Conversation; onVisitor?: (v: Visitor) => void }) {
  const [visitor, setVisitor] = useState<Visitor>();
  const [earlier, setEarlier] = useState<ConversationSummary[]>([]);
  const [pages, setPages] = useState<PageView[]>([]);
  const [error, setError] = useState<unknown>(null);
  // The visitor is read again when the conversation moves (a message may have updated them),
  // without blanking the panel in between: only another visitor starts from "Loading".
  useEffect(() => {
    setVisitor(undefined);
    setError(null);
  }, [visitorId]);
  useEffect(() => {
    let live = true;
    get<Visitor>(`/v1/visitors/${encodeURIComponent(visitorId)}`)
      .then((v) => {
        if (!live) return;
        setVisitor(v);
        onVisitor?.(v);
      })
      .catch((e) => live && setError(e));
    get<Page<ConversationSummary>>(`/v1/conversations${query({ visitorId, limit: 20 })}`)
      .then((p) => live && setEarlier(p.data))
      .catch(() => undefined);
    // Page views come from the visitor's socket without a frame to the agents: looked at again now and then.
    const loadPages = () => get<PageView[]>(`/v1/visitors/${encodeURIComponent(visitorId)}/pages`).then((p) => live && setPages(p), () => undefined);
    void loadPages();
    const every = setInterval(loadPages, 20_000);
    return () => {
      live = false;
      clearInterval(every);
    };
  }, [visitorId, conversation?.lastSeq, conversation?.status]);

  if (error) return <aside class="visitor-panel" aria-label="Visitor"><ErrorNote error={error} /></aside>;
  if (!visitor) return <aside class="visitor-panel" aria-label="Visitor"><Loading what="Loading the visitor" /></aside>;
  const name = visitorName(visitor, visitorId);
  const u = visitor.user;
  const avatar = u.avatar && sameOrigin(u.avatar) ? u.avatar : undefined;
  const meta = Object.entries(u.metadata ?? {});
  const pre = Object.entries(conversation?.preChat ?? {});
  const others = earlier.filter((c) => c.id !== conversation?.id);
  const ua = visitor.context.userAgent;
  const zone = visitor.context.timezone;
  const visit = sessionPages(pages, conversation?.createdAt);
  return (
    <aside class="visitor-panel" aria-labelledby="visitor-h">
      <div class="visitor-id">
        {avatar ? <img class="avatar" src={avatar} alt="" /> : <span class="avatar" aria-hidden="true">{initials(name)}</span>}
        <div>
          <h2 id="visitor-h">{name}</h2>
          {u.email && <p class="small">{u.email}</p>}
          <p class={`small ${visitor.identityVerified ? 'verified' : 'muted'}`}>{visitor.identityVerified ? '✓ Identity verified' : 'Identity not verified'}</p>
        </div>
      </div>
      <dl class="facts">
        {u.id && (
          <>
            <dt>User id</dt>
            <dd>{u.id}</dd>
          </>
        )}
        {u.avatar && !avatar && (
          <>
            <dt>Avatar</dt>
            <dd class="break">{u.avatar}</dd>
          </>
        )}
        {ua && (
          <>
            <dt>Browser</dt>
            <dd class="break" title={ua}>
              {browserAndOs(ua) || 'Unknown browser'}
            </dd>
          </>
        )}
        {zone && (
          <>
            <dt>Local time</dt>
            <dd>
              <LocalTime zone={zone} />
            </dd>
          </>
        )}
        {CONTEXT.filter(([k]) => visitor.context[k]).map(([k, label]) => (
          <>
            <dt>{label}</dt>
            <dd class="break">{visitor.context[k]}</dd>
          </>
        ))}
        {Object.entries(visitor.context)
          .filter(([k]) => !CONTEXT.some(([c]) => c === k) && !SHOWN_APART.includes(k))
          .map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd class="break">{v}</dd>
            </>
          ))}
        <dt>First seen</dt>
        <dd>{new Date(visitor.createdAt).toLocaleString()}</dd>
        <dt>Last seen</dt>
        <dd>{new Date(visitor.lastSeenAt).toLocaleString()}</dd>
      </dl>
      {meta.length > 0 && (
        <section aria-labelledby="meta-h">
          <h3 id="meta-h">User metadata</h3>
          <dl class="facts">
            {meta.map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd class="break">{show(v)}</dd>
              </>
            ))}
          </dl>
        </section>
      )}
      {pre.length > 0 && (
        <section aria-labelledby="pre-h">
          <h3 id="pre-h">Pre-chat answers</h3>
          <dl class="facts">
            {pre.map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd class="break">{v}</dd>
              </>
            ))}
          </dl>
        </section>
      )}
      <section aria-labelledby="pages-h">
        <h3 id="pages-h">Pages in this visit</h3>
        {visit.length === 0 ? (
          <p class="muted small">None reported.</p>
        ) : (
          <ol class="page-list">
            {visit.map((p) => (
              <li>
                <time dateTime={p.viewedAt}>{timeOf(p.viewedAt)}</time>
                <span title={p.url}>{p.title || p.url}</span>
                {p.title && <span class="muted small break"> {shortUrl(p.url)}</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="earlier-h">
        <h3 id="earlier-h">Earlier conversations</h3>
        {others.length === 0 ? (
          <p class="muted small">None.</p>
        ) : (
          <ul class="plain">
            {others.map((c) => (
              <li>
                <Link href={`/app/inbox/${c.id}`}>
                  {new Date(c.createdAt).toLocaleDateString()} · {c.status === 'open' ? 'Open' : 'Resolved'}
                </Link>
                <span class="muted small"> · {ago(c.lastActivityAt)}</span>
                {c.lastMessage && <p class="small muted clamp">{preview(c.lastMessage)}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}

/** A page's path and query (the site is the same for all of them), or the URL as it came. */
function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search + u.hash;
  } catch {
    return url;
  }
}

function sameOrigin(url: string): boolean {
  try {
    return new URL(url, location.href).origin === location.origin;
  } catch {
    return false;
  }
}
