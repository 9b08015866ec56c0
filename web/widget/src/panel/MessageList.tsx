// The conversation on screen: the welcome and proactive messages, then each message with its
// day separator, time and (for the visitor's own) its state: uploading, sending, sent,
// delivered, read, or failed with Retry. Message text is always rendered as text.

import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { formatSize, linkify, safeHref } from '@linktor/shared/message-text';
import type { Button, Content } from '../protocol';
import { format } from '../shared/language';
import type { Chat, ChatState } from './chat';
import * as C from './conversation';
import { Icon, ICONS } from './Icon';

export function MessageList({ chat, s, welcome, notice, onImage }: { chat: Chat; s: ChatState; welcome: string; notice: string | null; onImage: (img: { url: string; alt: string }) => void }) {
  const t = chat.t;
  const ref = useRef<HTMLDivElement>(null);
  const lang = chat.host.settings.language;
  const agentName = chat.host.settings.companyName || t.support;
  const count = s.conv.messages.length;
  const last = s.conv.messages[count - 1];
  // Follow the conversation: new messages, state changes and typing scroll it to the end.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count, last?.status, s.agentTyping, s.proactive.length, s.open]);

  const lastMine = [...s.conv.messages].reverse().find((m) => m.mine);
  const rows: ComponentChildren[] = [];
  let day = '';
  for (const m of s.conv.messages) {
    const d = new Date(m.createdAt);
    const key = d.toDateString();
    if (key !== day) {
      day = key;
      rows.push(<li class="linktor-day" key={'d' + key}>{dayLabel(d, t, lang)}</li>);
    }
    rows.push(<MessageRow key={m.key} chat={chat} s={s} m={m} showReceipt={m === lastMine} agentName={agentName} onImage={onImage} />);
  }

  return (
    <div class="linktor-messages" ref={ref} tabIndex={0} role="region" aria-label={t.messages}>
      <ul class="linktor-list">
        <LocalMessage text={welcome} who={agentName} />
        {s.proactive.map((p, i) => <LocalMessage key={'p' + i} text={p} who={agentName} />)}
        {notice && <li class="linktor-notice-row">{notice}</li>}
        {rows}
        {s.agentTyping && (
          <li class="linktor-row linktor-row-agent">
            <span class="linktor-typing" aria-hidden="true"><i /><i /><i /></span>
            <span class="linktor-sr">{format(t.agentTyping, { name: s.agentTyping })}</span>
          </li>
        )}
      </ul>
    </div>
  );
}

function LocalMessage({ text, who }: { text: string; who: string }) {
  return (
    <li class="linktor-row linktor-row-agent">
      <div class="linktor-message linktor-message-agent">
        <span class="linktor-sr">{who}: </span>
        <Text text={text} />
      </div>
    </li>
  );
}

function MessageRow({ chat, s, m, showReceipt, agentName, onImage }: { chat: Chat; s: ChatState; m: C.ChatMessage; showReceipt: boolean; agentName: string; onImage: (img: { url: string; alt: string }) => void }) {
  const t = chat.t;
  const rich = m.content.type === 'card';
  const who = m.mine ? t.you : m.sender.name || agentName;
  const state = m.mine ? C.receipt(s.conv, m) : 'sent';
  const time = new Date(m.createdAt);
  return (
    <li class={`linktor-row linktor-row-${m.mine ? 'visitor' : 'agent'}`}>
      <div class={`linktor-message linktor-message-${m.mine ? 'visitor' : 'agent'}${rich ? ' linktor-rich' : ''}`}>
        <span class="linktor-sr">{who}: </span>
        <MessageContent chat={chat} s={s} m={m} onImage={onImage} />
        {m.status === 'uploading' && (
          <span class="linktor-progress" role="progressbar" aria-valuenow={m.progress ?? 0} aria-valuemin={0} aria-valuemax={100} aria-label={format(t.uploading, { name: fileName(m.content), percent: m.progress ?? 0 })}>
            <span style={`width:${m.progress ?? 0}%`} />
          </span>
        )}
      </div>
      <div class="linktor-meta">
        <time dateTime={m.createdAt}>{time.toLocaleTimeString(chat.host.settings.language, { hour: '2-digit', minute: '2-digit' })}</time>
        {state === 'failed' ? (
          <>
            <span class="linktor-failed">{m.error || t.failed}</span>
            <button type="button" class="linktor-link-button" onClick={() => chat.retry(m.clientId!)}>{t.retry}</button>
          </>
        ) : state === 'pending' ? (
          <span>{t.sending}</span>
        ) : (
          m.mine && showReceipt && state !== 'uploading' && <span>{t[state]}</span>
        )}
      </div>
    </li>
  );
}

function MessageContent({ chat, s, m, onImage }: { chat: Chat; s: ChatState; m: C.ChatMessage; onImage: (img: { url: string; alt: string }) => void }) {
  const c = m.content;
  const t = chat.t;
  switch (c.type) {
    case 'text':
      return <Text text={c.text} />;
    case 'image': {
      const url = safeHref(c.image.url);
      const alt = c.image.caption || c.image.name || '';
      return (
        <>
          {url ? (
            <button type="button" class="linktor-image" aria-label={`${t.openImage}${alt ? ': ' + alt : ''}`} onClick={() => onImage({ url, alt })}>
              <img src={url} alt={alt} loading="lazy" />
            </button>
          ) : (
            <span class="linktor-file">
              <FileLine name={c.image.name ?? ''} size={c.image.size} />
            </span>
          )}
          {c.image.caption && <p class="linktor-caption"><Text text={c.image.caption} /></p>}
        </>
      );
    }
    case 'file': {
      const url = safeHref(c.file.url);
      return url ? (
        <a class="linktor-file" href={url} download={c.file.name} target="_blank" rel="noopener noreferrer" aria-label={format(t.download, { name: c.file.name })}>
          <FileLine name={c.file.name} size={c.file.size} />
        </a>
      ) : (
        <span class="linktor-file">
          <FileLine name={c.file.name} size={c.file.size} />
        </span>
      );
    }
    case 'interactive':
      return (
        <>
          <Text text={c.interactive.body.text} />
          <Choices chat={chat} s={s} messageId={m.id} buttons={c.interactive.buttons} />
        </>
      );
    case 'card': {
      const img = safeHref(c.card.imageUrl);
      return (
        <div class="linktor-card">
          {img && <img src={img} alt="" loading="lazy" />}
          <div class="linktor-card-body">
            <strong>{c.card.title}</strong>
            {c.card.subtitle && <span>{c.card.subtitle}</span>}
          </div>
          {!!c.card.buttons?.length && <Choices chat={chat} s={s} messageId={m.id} buttons={c.card.buttons} />}
        </div>
      );
    }
    default:
      return <p>{String((c as Content & { type: string }).type)}</p>;
  }
}

/** Buttons of an interactive message or a card: links open, others answer once. */
function Choices({ chat, s, messageId, buttons }: { chat: Chat; s: ChatState; messageId?: string; buttons: Button[] }) {
  const answer = C.answerTo(s.conv, messageId);
  const chosen = answer?.content.type === 'text' ? answer.content.text : null;
  return (
    <div class="linktor-choices">
      {buttons.map((b) => {
        const href = safeHref(b.url);
        if (href) {
          return <a key={b.id} class="linktor-choice" href={href} target="_blank" rel="noopener noreferrer">{b.label}</a>;
        }
        return (
          <button key={b.id} type="button" class="linktor-choice" disabled={!!answer || !messageId} aria-pressed={chosen === b.label} onClick={() => messageId && chat.clickButton(messageId, b)}>
            {b.label}
          </button>
        );
      })}
    </div>
  );
}

function FileLine({ name, size }: { name: string; size?: number }) {
  return (
    <>
      <Icon d={ICONS.file} />
      <span>
        {name}
        {size != null && <small>{formatSize(size)}</small>}
      </span>
    </>
  );
}

/** Plain text with its web links clickable. */
export function Text({ text }: { text: string }) {
  // dir=auto: each message reads in its own script's direction, whatever the widget's.
  return (
    <p dir="auto">
      {linkify(text).map((seg, i) =>
        seg.href ? (
          <a key={i} href={seg.href} target="_blank" rel="noopener noreferrer nofollow">{seg.text}</a>
        ) : (
          seg.text
        ),
      )}
    </p>
  );
}

function fileName(c: Content): string {
  return c.type === 'image' ? c.image.name ?? '' : c.type === 'file' ? c.file.name : '';
}

export function dayLabel(d: Date, t: Record<string, string>, lang: string): string {
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return t.today;
  if (d.toDateString() === yesterday.toDateString()) return t.yesterday;
  return d.toLocaleDateString(lang, { day: 'numeric', month: 'long', year: d.getFullYear() === today.getFullYear() ? undefined : 'numeric' });
}
