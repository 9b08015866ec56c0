// Writing to the visitor: text (Enter sends, Shift+Enter is a new line), an emoji picker,
// image and file attachments (POST /v1/uploads, then an image or file message), and builders
// for a question with buttons and for a card. Typing frames go out while the agent types
// (throttled: one start every few seconds, a stop when idle or sent).
// Two modes: Reply (to the visitor) and Private note (POST …/notes, agents only, never a
// message; the composer turns yellow and sends no typing frames). Typing `/` at the start opens
// the saved replies (a listbox popup of the text box: ↑/↓, Enter or Tab inserts with the variables filled, Escape closes).

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useApp } from '../app';
import { errorText, get, post, upload } from '../lib/api';
import { fillTemplate, matchReplies, slashQuery } from '../lib/inbox';
import { socket } from '../lib/realtime';
import { buttonId } from '../lib/buttons';
import { typingNotifier } from '../lib/thread';
import type { Button, Content, SavedReply, UploadedFile, Visitor } from '../lib/types';
import { Dialog, Field } from '../ui';
import { EMOJI } from './emoji';

export type ComposerMode = 'reply' | 'note';
/** What the inbox's shortcuts do to the composer (`r`, `n`). */
export type ComposerControl = { focus?: (mode: ComposerMode) => void };

export function Composer({
  conversationId,
  onSend,
  onNote,
  visitor,
  control,
}: {
  conversationId: string;
  onSend: (c: Content) => Promise<void>;
  onNote: (text: string) => Promise<boolean>;
  visitor?: Visitor;
  control?: ComposerControl;
}) {
  const { me } = useApp();
  const [text, setText] = useState('');
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [replies, setReplies] = useState<SavedReply[] | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [builder, setBuilder] = useState<'buttons' | 'card' | null>(null);
  const [uploading, setUploading] = useState<string[]>([]);
  const [error, setError] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const typing = useMemo(
    () =>
      typingNotifier((state) => {
        if (!socket.send({ type: 'typing', conversationId, state })) post(`/v1/conversations/${encodeURIComponent(conversationId)}/typing`, { state }).catch(() => undefined);
      }),
    [conversationId],
  );
  useEffect(() => () => typing.stop(), [typing]);
  useEffect(() => setText(''), [conversationId]);
  const focusMode = (m: ComposerMode) => {
    setMode(m);
    if (m === 'note') typing.stop();
    input.current?.focus();
  };
  if (control) control.focus = focusMode;

  // The saved replies: fetched when a `/` first opens the list, again each time it opens anew.
  const q = slashQuery(text);
  const open = q !== null && dismissed !== text;
  useEffect(() => {
    if (q === null) return setDismissed(null);
    get<SavedReply[]>('/v1/saved-replies').then(setReplies, () => setReplies((r) => r ?? []));
  }, [q === null]);
  const options = open && replies ? matchReplies(replies, q!) : [];
  useEffect(() => setActive(0), [q]);

  function insertReply(r: SavedReply) {
    const u = visitor?.user;
    const filled = fillTemplate(r.text, { 'visitor.name': u?.name ?? '', 'visitor.email': u?.email ?? '', 'agent.name': me.name || '' });
    setText(filled);
    requestAnimationFrame(() => {
      const el = input.current;
      el?.focus();
      el?.setSelectionRange(filled.length, filled.length);
    });
  }

  async function sendText() {
    const t = text.trim();
    if (!t) return;
    if (t.length > 4096) return setError(`A ${mode === 'note' ? 'note' : 'message'} has at most 4,096 characters.`);
    setError('');
    if (mode === 'note') {
      // The note is kept in the composer until the server has it.
      if (await onNote(t)) setText('');
      input.current?.focus();
      return;
    }
    setText('');
    typing.stop();
    await onSend({ type: 'text', text: t });
    input.current?.focus();
  }

  async function attach(files: FileList | null) {
    if (!files?.length) return;
    setError('');
    for (const file of Array.from(files)) {
      if (file.size > 10 * 1024 * 1024) {
        setError(`${file.name} is over 10 MB.`);
        continue;
      }
      setUploading((u) => [...u, file.name]);
      try {
        const f = await upload<UploadedFile>(file);
        const content: Content = f.mimeType.startsWith('image/') ? { type: 'image', image: { url: f.url, name: f.name, size: f.size } } : { type: 'file', file: { url: f.url, name: f.name, size: f.size, mimeType: f.mimeType } };
        await onSend(content);
      } catch (e) {
        setError(`${file.name}: ${errorText(e)}`);
      } finally {
        setUploading((u) => u.filter((n) => n !== file.name));
      }
    }
    if (fileInput.current) fileInput.current.value = '';
  }

  function insertEmoji(e: string) {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + e + text.slice(end);
    setText(next);
    setEmojiOpen(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + e.length, start + e.length);
    });
  }

  const note = mode === 'note';
  const optionId = (i: number) => `saved-reply-${i}`;
  return (
    <div class={`composer${note ? ' composer-note' : ''}`}>
      <div role="group" aria-label="Composer mode" class="composer-modes">
        <button type="button" class="mode" aria-pressed={!note} aria-keyshortcuts="r" onClick={() => focusMode('reply')}>
          Reply
        </button>
        <button type="button" class="mode mode-note" aria-pressed={note} aria-keyshortcuts="n" onClick={() => focusMode('note')}>
          Private note
        </button>
        {note && <span class="small">Only agents see notes.</span>}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void sendText();
        }}
      >
        <label for="composer-text" class="sr-only">
          {note ? 'Private note' : 'Message'}
        </label>
        {open && (
          <div class="saved-replies popover">
            <ul id="saved-reply-list" role="listbox" aria-label="Saved replies">
              {options.map((r, i) => (
                <li
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === active}
                  class={i === active ? 'active' : undefined}
                  onPointerDown={(e) => e.preventDefault()}
                  onClick={() => insertReply(r)}
                >
                  <strong>/{r.shortcut}</strong> <span class="muted">{r.text}</span>
                </li>
              ))}
            </ul>
            {replies && options.length === 0 && <p class="small muted">{replies.length ? 'No saved reply matches.' : 'No saved replies yet: add them in Settings → Saved replies.'}</p>}
          </div>
        )}
        <textarea
          id="composer-text"
          ref={input}
          rows={2}
          // A <textarea> may not take role=combobox (ARIA in HTML): it is the ARIA 1.2 textbox
          // with a listbox popup instead, the same keys and announcements.
          aria-autocomplete="list"
          aria-haspopup="listbox"
          aria-controls={open ? 'saved-reply-list' : undefined}
          aria-activedescendant={open && options.length ? optionId(active) : undefined}
          aria-describedby="composer-hint"
          placeholder={note ? 'Write a private note… (only agents see it)' : 'Write a reply… (Enter sends, Shift+Enter for a new line, / for saved replies)'}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
            if (note) return;
            if (e.currentTarget.value) typing.input();
            else typing.stop();
          }}
          onKeyDown={(e) => {
            if (open && options.length) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const n = options.length;
                setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
                return;
              }
              if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                insertReply(options[Math.min(active, options.length - 1)]);
                return;
              }
            }
            if (open && e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              setDismissed(text);
              return;
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void sendText();
            }
          }}
          onBlur={() => typing.stop()}
        />
        <p id="composer-hint" class="sr-only">
          Type / for saved replies.
        </p>
        <p class="sr-only" role="status">
          {open && replies ? `${options.length === 1 ? '1 saved reply' : `${options.length} saved replies`}: up and down arrows to choose, Enter to insert.` : ''}
        </p>
        <div class="composer-tools">
          <div class="popover-anchor">
            <button type="button" class="icon-button" aria-label="Insert emoji" aria-expanded={emojiOpen} aria-controls="emoji-picker" onClick={() => setEmojiOpen(!emojiOpen)}>
              <svg viewBox="0 0 24 24" aria-hidden="true" class="icon">
                <circle cx="12" cy="12" r="9" />
                <path d="M8.5 14.5c1.8 2 5.2 2 7 0M9 9.5h.01M15 9.5h.01" />
              </svg>
            </button>
            {emojiOpen && <EmojiPicker onPick={insertEmoji} onClose={() => setEmojiOpen(false)} />}
          </div>
          {!note && (<>
          <button type="button" class="icon-button" aria-label="Attach images or files" onClick={() => fileInput.current?.click()}>
            <svg viewBox="0 0 24 24" aria-hidden="true" class="icon">
              <path d="M20.5 11.5l-8.2 8.2a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />
            </svg>
          </button>
          <input ref={fileInput} type="file" multiple hidden aria-label="Attach images or files" onChange={(e) => attach(e.currentTarget.files)} />
          <button type="button" class="button small" onClick={() => setBuilder('buttons')}>
            Buttons…
          </button>
          <button type="button" class="button small" onClick={() => setBuilder('card')}>
            Card…
          </button>
          </>)}
          <span class="grow" />
          <button type="submit" class="button primary" disabled={!text.trim()}>
            {note ? 'Add note' : 'Send'}
          </button>
        </div>
      </form>
      <p role="status" class="small muted">
        {uploading.length ? `Uploading ${uploading.join(', ')}…` : ''}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ButtonsBuilder
        open={builder === 'buttons'}
        onClose={() => setBuilder(null)}
        onSend={async (c) => {
          setBuilder(null);
          await onSend(c);
        }}
      />
      <CardBuilder
        open={builder === 'card'}
        onClose={() => setBuilder(null)}
        onSend={async (c) => {
          setBuilder(null);
          await onSend(c);
        }}
      />
    </div>
  );
}

function EmojiPicker({ onPick, onClose }: { onPick: (e: string) => void; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const COLS = 8;
  useEffect(() => {
    (ref.current?.querySelector('button') as HTMLButtonElement | null)?.focus();
    const away = (e: PointerEvent) => {
      if (ref.current && !ref.current.parentElement!.contains(e.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [onClose]);
  // Arrow keys move in the grid; Escape closes and returns to the text.
  const onKeyDown = (e: KeyboardEvent) => {
    const buttons = Array.from(ref.current?.querySelectorAll('button') ?? []) as HTMLButtonElement[];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const move = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLS, ArrowUp: -COLS }[e.key];
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      (document.getElementById('composer-text') as HTMLTextAreaElement | null)?.focus();
    } else if (move !== undefined && i >= 0) {
      e.preventDefault();
      buttons[Math.max(0, Math.min(buttons.length - 1, i + move))]?.focus();
    }
  };
  return (
    <div id="emoji-picker" class="emoji-picker" ref={ref} role="group" aria-label="Emoji" onKeyDown={onKeyDown}>
      {EMOJI.map(([e, name]) => (
        <button type="button" class="emoji" aria-label={name} title={name} onClick={() => onPick(e)}>
          {e}
        </button>
      ))}
    </div>
  );
}

type DraftButton = { label: string; url: string };

function ButtonRows({ buttons, setButtons, withUrl, max }: { buttons: DraftButton[]; setButtons: (b: DraftButton[]) => void; withUrl: boolean; max: number }) {
  const set = (i: number, b: Partial<DraftButton>) => setButtons(buttons.map((x, j) => (j === i ? { ...x, ...b } : x)));
  return (
    <fieldset class="button-rows">
      <legend>Buttons</legend>
      {buttons.map((b, i) => (
        <div class="row">
          <Field label={`Button ${i + 1} label`}>{(a) => <input {...a} maxLength={64} value={b.label} onInput={(e) => set(i, { label: e.currentTarget.value })} />}</Field>
          {withUrl && <Field label={`Button ${i + 1} link (optional)`}>{(a) => <input {...a} type="url" placeholder="https://…" value={b.url} onInput={(e) => set(i, { url: e.currentTarget.value })} />}</Field>}
          <button type="button" class="link-button" aria-label={`Remove button ${i + 1}`} onClick={() => setButtons(buttons.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      {buttons.length < max && (
        <button type="button" class="button small" onClick={() => setButtons([...buttons, { label: '', url: '' }])}>
          Add a button
        </button>
      )}
    </fieldset>
  );
}

function toButtons(draft: DraftButton[]): Button[] {
  const ids: string[] = [];
  return draft
    .filter((b) => b.label.trim())
    .map((b) => {
      const id = buttonId(b.label, ids);
      ids.push(id);
      return b.url.trim() ? { id, label: b.label.trim(), url: b.url.trim() } : { id, label: b.label.trim() };
    });
}

function ButtonsBuilder({ open, onClose, onSend }: { open: boolean; onClose: () => void; onSend: (c: Content) => void }) {
  const [body, setBody] = useState('');
  const [buttons, setButtons] = useState<DraftButton[]>([{ label: '', url: '' }, { label: '', url: '' }]);
  const [error, setError] = useState('');
  return (
    <Dialog title="Send a question with buttons" open={open} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const bs = toButtons(buttons);
          if (!body.trim()) return setError('Write the question.');
          if (bs.length === 0) return setError('Add at least one button with a label.');
          setError('');
          onSend({ type: 'interactive', interactive: { type: 'buttons', body: { text: body.trim() }, buttons: bs } });
          setBody('');
          setButtons([{ label: '', url: '' }, { label: '', url: '' }]);
        }}
      >
        <Field label="Question">{(a) => <textarea {...a} rows={2} maxLength={4096} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}</Field>
        <ButtonRows buttons={buttons} setButtons={setButtons} withUrl={false} max={10} />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary">
            Send question
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function CardBuilder({ open, onClose, onSend }: { open: boolean; onClose: () => void; onSend: (c: Content) => void }) {
  const [title, setTitle] = useState('');
  const [subtitle, setSubtitle] = useState('');
  const [imageUrl, setImageUrl] = useState('');
  const [buttons, setButtons] = useState<DraftButton[]>([{ label: '', url: '' }]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title="Send a card" open={open} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!title.trim()) return setError('Give the card a title.');
          const bad = buttons.find((b) => b.url.trim() && !/^https?:\/\//i.test(b.url.trim()));
          if (bad) return setError(`The link of "${bad.label}" must start with http:// or https://.`);
          if (imageUrl.trim() && !/^https?:\/\//i.test(imageUrl.trim())) return setError('The image must be an http(s) URL.');
          setError('');
          onSend({ type: 'card', card: { title: title.trim(), ...(subtitle.trim() && { subtitle: subtitle.trim() }), ...(imageUrl.trim() && { imageUrl: imageUrl.trim() }), buttons: toButtons(buttons) } });
          setTitle('');
          setSubtitle('');
          setImageUrl('');
          setButtons([{ label: '', url: '' }]);
        }}
      >
        <Field label="Title">{(a) => <input {...a} maxLength={256} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}</Field>
        <Field label="Subtitle (optional)">{(a) => <input {...a} maxLength={256} value={subtitle} onInput={(e) => setSubtitle(e.currentTarget.value)} />}</Field>
        <Field label="Image URL (optional)" hint="Or upload an image below.">
          {(a) => <input {...a} type="url" placeholder="https://…" value={imageUrl} onInput={(e) => setImageUrl(e.currentTarget.value)} />}
        </Field>
        <Field label="Upload an image">
          {(a) => (
            <input
              {...a}
              type="file"
              accept="image/*"
              disabled={busy}
              onChange={async (e) => {
                const f = e.currentTarget.files?.[0];
                if (!f) return;
                setBusy(true);
                try {
                  setImageUrl((await upload<UploadedFile>(f)).url);
                } catch (err) {
                  setError(errorText(err));
                } finally {
                  setBusy(false);
                }
              }}
            />
          )}
        </Field>
        <ButtonRows buttons={buttons} setButtons={setButtons} withUrl={true} max={10} />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={busy}>
            Send card
          </button>
        </div>
      </form>
    </Dialog>
  );
}
