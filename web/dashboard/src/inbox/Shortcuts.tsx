// The inbox's keyboard shortcuts, active when focus is not in a text field (so typing in the
// composer or the search is never taken), and the `?` dialog that lists them. The dialog is the
// native modal <dialog>: focus stays inside, Escape closes, focus goes back where it was.

import { useEffect, useRef } from 'preact/hooks';
import { Dialog } from '../ui';
import type { ThreadCommands } from './Thread';

export const SHORTCUTS: [keys: string[], what: string][] = [
  [['j', 'Alt+↓'], 'Next conversation'],
  [['k', 'Alt+↑'], 'Previous conversation'],
  [['r'], 'Reply (focus the composer)'],
  [['n'], 'Write a private note'],
  [['e'], 'Resolve the conversation'],
  [['a'], 'Assign the conversation to me'],
  [['l'], 'Labels of the conversation'],
  [['/'], 'Search conversations'],
  [['?'], 'Show these shortcuts'],
];

/** Whether a key press belongs to a field (text, select, editable) rather than to the inbox. */
export function inField(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(el.type);
  return false;
}

export function useInboxShortcuts({ move, thread, help }: { move: (step: 1 | -1) => void; thread?: ThreadCommands; help: () => void }) {
  const latest = useRef({ move, thread, help });
  latest.current = { move, thread, help };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing || e.ctrlKey || e.metaKey) return;
      // Alt+arrows move through the list from anywhere but a text field; the rest need no modifier.
      if (inField(e.target) || document.querySelector('dialog[open]')) return;
      const { move, thread, help } = latest.current;
      let act: (() => void) | undefined;
      if (e.altKey) {
        if (e.key === 'ArrowDown') act = () => move(1);
        else if (e.key === 'ArrowUp') act = () => move(-1);
      } else
        act = {
          j: () => move(1),
          k: () => move(-1),
          '?': help,
          r: thread && (() => thread.compose?.('reply')),
          n: thread && (() => thread.compose?.('note')),
          e: thread?.resolve,
          a: thread?.assignToMe,
          l: thread?.labels,
        }[e.key];
      if (!act) return;
      e.preventDefault();
      act();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const back = useRef<HTMLElement | null>(null);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) {
      back.current = document.activeElement as HTMLElement | null;
      requestAnimationFrame(() => close.current?.focus());
    } else if (back.current) {
      back.current.focus();
      back.current = null;
    }
  }, [open]);
  return (
    <Dialog title="Keyboard shortcuts" open={open} onClose={onClose}>
      <p class="hint">In the inbox, when the focus is not in a text field.</p>
      <table class="table compact shortcuts">
        <caption class="sr-only">Keyboard shortcuts</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr>
              <th scope="row">
                {keys.map((k, i) => (
                  <>
                    {i > 0 && ' or '}
                    <kbd>{k}</kbd>
                  </>
                ))}
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="dialog-actions">
        <button type="button" class="button primary" ref={close} onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
