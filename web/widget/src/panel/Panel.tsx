// The chat panel: header, consent question, connection banner, the conversation, and at the
// bottom whichever applies: the offline form (no agent and offline mode on), the pre-chat
// form (before the first message), or the composer. Also the drop zone for files and the
// full-size image viewer. Escape closes the viewer, the emoji picker, then the panel. On a
// phone the panel covers the page, so it is a modal dialog: Tab cycles inside it (as it does
// inside the image viewer everywhere). After a resolved conversation the satisfaction survey
// sits above the composer, then a thank-you; the envelope in the header opens the transcript
// form. Both are parts fetched on demand (parts.tsx).

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { safeHref as safeUrl } from '@linktor/shared/message-text';
import { format, isRtl } from '../shared/language';
import type { Chat, ChatState } from './chat';
import { Composer } from './Composer';
import { FieldsForm } from './FieldsForm';
import { Icon, ICONS } from './Icon';
import { keepTabIn } from './focus';
import { MessageList } from './MessageList';
import { useNarrow } from './mobile';
import { loadPart, Part } from './parts';

const warmTranscript = () => void loadPart('transcript');

export function useChat(chat: Chat): ChatState {
  const [, tick] = useState(0);
  useEffect(() => chat.subscribe(() => tick((n) => n + 1)) as () => void, [chat]);
  return chat.state;
}

export function Panel({ chat, id }: { chat: Chat; id: string }) {
  const s = useChat(chat);
  const { host, t } = chat;
  const st = host.settings;
  const name = st.companyName || st.channelName || t.support;
  const [viewing, setViewing] = useState<{ url: string; alt: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [mailing, setMailing] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const viewer = useRef<HTMLDivElement>(null);
  const viewerClose = useRef<HTMLButtonElement>(null);
  const modal = useNarrow();
  const imageOpener = useRef<HTMLElement | null>(null);

  const welcome = st.welcomeMessage || t.welcomeMessage;
  const offlineMessage = st.offline.message || st.translations.offlineMessage || host.config?.appearance?.offlineMessage || t.offlineMessage;
  const offlineMode = st.offline.enabled && !s.agentsOnline;
  const prechat = st.preChatForm.enabled && st.preChatForm.fields.length > 0 && !s.prechatDone && !offlineMode;
  const user = host.user().user;

  // Moving focus in on open is done here, after the panel is rendered and visible.
  useEffect(() => {
    if (s.open) (panel.current?.querySelector<HTMLElement>('[data-autofocus]') ?? panel.current)?.focus();
  }, [s.open, prechat, offlineMode]);
  // The viewer takes focus in the same task that shows it (a layout
  // effect), so no key press or screen-reader cursor lands behind it first.
  useLayoutEffect(() => {
    if (viewing) viewerClose.current?.focus();
  }, [viewing]);

  const closeViewer = () => {
    setViewing(null);
    imageOpener.current?.focus();
  };
  const filesIn = (e: DragEvent) => st.fileUpload.enabled && !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');

  let bottom;
  if (offlineMode) {
    bottom = s.offlineSent ? (
      <p class="linktor-thanks" role="status">{t.offlineThanks}</p>
    ) : (
      <FieldsForm id={`${id}-offline`} title={offlineMessage} fields={st.offline.fields} initial={{ email: user?.email ?? '', name: user?.name ?? '' }} submitLabel={st.offline.submitButton || t.offlineSubmit} t={t} onSubmit={(v) => chat.submitForm('offline', v)} />
    );
  } else if (prechat) {
    bottom = <FieldsForm id={`${id}-prechat`} title={t.preChatTitle} fields={st.preChatForm.fields} initial={{ email: user?.email ?? '', name: user?.name ?? '' }} submitLabel={t.startChat} t={t} onSubmit={(v) => chat.submitForm('prechat', v)} />;
  } else bottom = <Composer chat={chat} panelId={id} />;

  return (
    <div
      ref={panel}
      id={id}
      class="linktor-panel"
      role="dialog"
      aria-modal={modal ? 'true' : undefined}
      aria-label={format(t.chatWith, { name })}
      dir={isRtl(st.language) ? 'rtl' : 'ltr'}
      tabIndex={-1}
      hidden={!s.open}
      onKeyDown={(e) => {
        const box = viewing ? viewer.current : modal ? panel.current : null;
        if (e.key === 'Tab' && box) keepTabIn(e, box);
        if (e.key !== 'Escape') return;
        e.stopPropagation(); // handled: the widget's own Escape (index.tsx) is for outside the panel
        if (viewing) closeViewer();
        else host.requestClose();
      }}
      onDragOver={(e) => {
        if (!filesIn(e)) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!panel.current?.contains(e.relatedTarget as Node)) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        if (!filesIn(e)) return;
        e.preventDefault();
        chat.sendFiles(Array.from(e.dataTransfer!.files));
      }}
    >
      <div class="linktor-header">
        {safeUrl(st.logoUrl) && <img class="linktor-logo" src={safeUrl(st.logoUrl)} alt="" />}
        <div class="linktor-header-text">
          <h2 class="linktor-title">{name}</h2>
          <p class="linktor-status">
            <span class={`linktor-dot${s.agentsOnline ? ' linktor-dot-on' : ''}`} aria-hidden="true" />
            {s.agentsOnline ? t.online : t.away}
          </p>
        </div>
        {s.emailEnabled && s.conv.messages.length > 0 && (
          <button type="button" class="linktor-icon-button linktor-email" aria-label={t.emailTranscript} title={t.emailTranscript} aria-expanded={mailing} onClick={() => setMailing(!mailing)} onPointerEnter={warmTranscript} onFocus={warmTranscript}>
            <Icon d={ICONS.mail} />
          </button>
        )}
        <button type="button" class="linktor-icon-button linktor-close" aria-label={t.closeChat} onClick={() => host.requestClose()}>
          <Icon d={ICONS.close} />
        </button>
      </div>
      {mailing && <Part name="transcript" chat={chat} email={user?.email ?? ''} onSent={() => setMailing(false)} />}
      {s.askConsent && (
        <div class="linktor-consent">
          <p>{t.consentText}</p>
          <button type="button" class="linktor-button" onClick={() => chat.answerConsent(true)}>{t.consentAccept}</button>
          <button type="button" class="linktor-button linktor-button-quiet" onClick={() => chat.answerConsent(false)}>{t.consentDecline}</button>
        </div>
      )}
      {(s.link === 'reconnecting' || s.link === 'unavailable') && (
        <p class="linktor-banner" role="status">{s.link === 'unavailable' ? t.unavailable : t.reconnecting}</p>
      )}
      <MessageList
        chat={chat}
        s={s}
        welcome={welcome}
        notice={!s.agentsOnline && !offlineMode ? offlineMessage : null}
        onImage={(img) => {
          imageOpener.current = document.activeElement as HTMLElement;
          setViewing(img);
        }}
      />
      {s.notice && (
        <div class="linktor-alert" role="alert">
          <p>{s.notice}</p>
          <button type="button" class="linktor-icon-button" aria-label={t.dismiss} onClick={() => chat.notify(null)}>
            <Icon d={ICONS.close} />
          </button>
        </div>
      )}
      {s.survey === 1 && <Part name="survey" chat={chat} />}
      {s.survey === 2 && <p class="linktor-thanks" role="status">{t.rateThanks}</p>}
      {bottom}
      {dragging && <div class="linktor-drop">{t.dropFiles}</div>}
      {viewing && (
        <div ref={viewer} class="linktor-viewer" role="dialog" aria-label={viewing.alt || t.openImage}>
          <img src={viewing.url} alt={viewing.alt} />
          <button type="button" ref={viewerClose} class="linktor-icon-button" aria-label={t.closeImage} onClick={closeViewer}>
            <Icon d={ICONS.close} />
          </button>
        </div>
      )}
    </div>
  );
}
