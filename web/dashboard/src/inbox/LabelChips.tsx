// Labels as coloured chips (the conversation list, the thread's header) and the label picker
// of a conversation: a button that opens a list of the account's labels as checkboxes, each
// change saved at once (PUT /v1/conversations/{id}/labels). Names and descriptions are text.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app';
import { errorText, put } from '../lib/api';
import { labelTextColor } from '../lib/inbox';
import type { Conversation, Label } from '../lib/types';

export function LabelChips({ names }: { names: string[] }) {
  const { labels } = useApp();
  if (!names.length) return null;
  return (
    <ul class="label-chips" aria-label="Labels">
      {names.map((n) => {
        const l = labels.find((x) => x.name === n);
        const bg = l?.color ?? '#e5e7eb';
        return (
          <li class="label-chip" style={{ background: bg, color: labelTextColor(bg) }} title={l?.description || undefined}>
            {n}
          </li>
        );
      })}
    </ul>
  );
}

/** `control.open()` opens the picker (the `l` shortcut). */
export function LabelPicker({ conv, onChange, control }: { conv: Conversation; onChange: (c: Conversation) => void; control?: { open?: () => void } }) {
  const { labels } = useApp();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState('');
  const button = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  if (control) control.open = () => setOpen(true);

  useEffect(() => {
    if (!open) return;
    (box.current?.querySelector('input') as HTMLInputElement | null)?.focus();
    const away = (e: PointerEvent) => {
      if (box.current && !box.current.parentElement!.contains(e.target as Node)) setOpen(false);
    };
    // Escape closes it wherever focus went meanwhile (a checkbox re-rendered, the page).
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', away);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', away);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  // Shown at once (the box ticks when clicked); the latest answer of the server wins.
  const [shown, setShown] = useState<string[] | null>(null);
  const seq = useRef(0);
  async function toggle(name: string, on: boolean) {
    const current = shown ?? conv.labels;
    const next = on ? [...current.filter((n) => n !== name), name] : current.filter((n) => n !== name);
    const my = ++seq.current;
    setShown(next);
    setError('');
    try {
      const c = await put<Conversation>(`/v1/conversations/${encodeURIComponent(conv.id)}/labels`, { labels: next });
      if (my === seq.current) {
        onChange(c);
        setShown(null);
      }
    } catch (e) {
      if (my === seq.current) {
        setShown(null);
        setError(errorText(e));
      }
    }
  }

  return (
    <div class="popover-anchor">
      <button type="button" class="button" ref={button} aria-expanded={open} aria-controls="label-picker" aria-keyshortcuts="l" onClick={() => setOpen(!open)}>
        Labels
      </button>
      {open && (
        <div
          id="label-picker"
          class="popover label-picker"
          ref={box}
          role="group"
          aria-label="Labels of this conversation"
        >
          {labels.length === 0 ? (
            <p class="small muted">No labels yet. An admin adds them in Settings → Labels.</p>
          ) : (
            <ul class="plain">
              {labels.map((l: Label) => (
                <li>
                  <label class="check">
                    <input type="checkbox" checked={(shown ?? conv.labels).includes(l.name)} onChange={(e) => toggle(l.name, e.currentTarget.checked)} />
                    <span class="label-swatch" style={{ background: l.color }} aria-hidden="true" /> {l.name}
                  </label>
                </li>
              ))}
            </ul>
          )}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="button" class="button small" onClick={close}>
            Done
          </button>
        </div>
      )}
    </div>
  );
}
