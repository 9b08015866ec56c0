// Where the visitor writes: the text box (Enter sends, Shift+Enter starts a new line, pasted
// files are uploaded), the emoji picker (a part, fetched when first opened or hovered:
// parts.tsx), the file picker and the send button. Typing is reported to the chat, which
// throttles what goes to the server.

import { useRef, useState } from 'preact/hooks';
import type { Chat } from './chat';
import { Icon, ICONS } from './Icon';
import { loadPart, Part } from './parts';

const warmEmoji = () => void loadPart('emoji');

export function Composer({ chat, panelId }: { chat: Chat; panelId: string }) {
  const t = chat.t;
  const settings = chat.host.settings;
  const [text, setText] = useState('');
  const [picker, setPicker] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const files = useRef<HTMLInputElement>(null);
  const emojiButton = useRef<HTMLButtonElement>(null);
  const upload = settings.fileUpload;

  const grow = () => {
    const el = input.current;
    if (!el) return;
    el.style.height = '';
    el.style.height = `${Math.min(el.scrollHeight + 2, 120)}px`;
  };
  const send = () => {
    if (!text.trim()) return;
    chat.sendText(text);
    setText('');
    requestAnimationFrame(grow);
  };
  const insert = (emoji: string) => {
    const el = input.current!;
    const start = el.selectionStart ?? text.length;
    const end = el.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    setText(next);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };
  const closePicker = () => {
    setPicker(false);
    emojiButton.current?.focus();
  };

  return (
    <form
      class="linktor-composer"
      onKeyDown={(e) => {
        // Escape closes the picker first, wherever focus is in the composer: also when it is
        // pressed before the picker has taken focus (it would otherwise close the whole chat).
        if (picker && e.key === 'Escape') {
          e.stopPropagation();
          closePicker();
        }
      }}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label class="linktor-sr" for={`${panelId}-input`}>{t.inputPlaceholder}</label>
      <textarea
        id={`${panelId}-input`}
        ref={input}
        class="linktor-input"
        rows={1}
        maxLength={4096}
        placeholder={t.inputPlaceholder}
        value={text}
        data-autofocus=""
        onInput={(e) => {
          const v = (e.target as HTMLTextAreaElement).value;
          setText(v);
          chat.typing(v.trim() !== '');
          grow();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
        onPaste={(e) => {
          const pasted = Array.from(e.clipboardData?.files ?? []);
          if (pasted.length && upload.enabled) {
            e.preventDefault();
            chat.sendFiles(pasted);
          }
        }}
      />
      {settings.emojis && (
        <button type="button" ref={emojiButton} class="linktor-icon-button" aria-label={t.emoji} aria-expanded={picker} aria-controls={`${panelId}-emoji`} onClick={() => setPicker(!picker)} onPointerEnter={warmEmoji} onFocus={warmEmoji}>
          <Icon d={ICONS.smile} />
        </button>
      )}
      {upload.enabled && (
        <>
          <button type="button" class="linktor-icon-button" aria-label={t.attachFile} onClick={() => files.current?.click()}>
            <Icon d={ICONS.attach} />
          </button>
          <input
            ref={files}
            type="file"
            hidden
            tabIndex={-1}
            aria-hidden="true"
            multiple={upload.multiple}
            accept={upload.allowedTypes.join(',') || undefined}
            onChange={(e) => {
              const el = e.target as HTMLInputElement;
              chat.sendFiles(Array.from(el.files ?? []));
              el.value = '';
            }}
          />
        </>
      )}
      <button type="submit" class="linktor-icon-button linktor-send" aria-label={t.sendButton}>
        <Icon d={ICONS.send} />
      </button>
      {picker && (
        <Part
          name="emoji"
          chat={chat}
          id={`${panelId}-emoji`}
          onPick={(emoji) => {
            setPicker(false);
            insert(emoji);
          }}
        />
      )}
    </form>
  );
}
