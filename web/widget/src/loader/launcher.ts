// The part of the widget every page pays for: the root element, the launcher button with its
// unread count, and the proactive message bubble. Plain DOM, no framework: these few nodes
// do not justify loading Preact before the visitor asks for the chat.

// Static markup only: nothing from a message or a setting ever goes through innerHTML.
const svg = (d: string) => `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${d}"/></svg>`;
const ICON_CHAT = svg('M21 11.5a8.4 8.4 0 0 1-9 8.4 9.4 9.4 0 0 1-3.8-.8L3 21l1.9-5A8.4 8.4 0 0 1 12 3a8.4 8.4 0 0 1 9 8.5z');
const ICON_CLOSE = svg('M18 6 6 18M6 6l12 12');

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]) {
  const e = document.createElement(tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  e.append(...children);
  return e;
}

/** Only http(s) URLs reach an src or href: a `javascript:` URL from settings never runs. */
export const safeUrl = (u: string | null | undefined): string | undefined => (u && /^https?:\/\//i.test(u) ? u : undefined);

export interface LauncherView {
  button: HTMLButtonElement;
  update(state: { open: boolean; unread: number; label: string }): void;
}

export function createLauncher(iconUrl: string | undefined, panelId: string): LauncherView {
  const button = el('button', { type: 'button', class: 'linktor-launcher', 'aria-controls': panelId });
  const badge = el('span', { class: 'linktor-unread', 'aria-hidden': 'true' });
  const chat = iconUrl ? `<img src="${iconUrl.replace(/"/g, '&quot;')}" alt="">` : ICON_CHAT;
  return {
    button,
    update({ open, unread, label }) {
      button.setAttribute('aria-expanded', String(open));
      button.setAttribute('aria-label', label);
      button.innerHTML = open ? ICON_CLOSE : chat;
      badge.textContent = unread > 99 ? '99+' : String(unread);
      badge.hidden = open || !unread;
      button.append(badge);
    },
  };
}

/** A proactive message next to the launcher: its text opens the chat, × dismisses it. */
export function createBubble(text: string, dir: string, dismiss: string, onOpen: () => void, onDismiss: () => void) {
  const open = el('button', { type: 'button', class: 'linktor-proactive-text' }, text);
  const close = el('button', { type: 'button', class: 'linktor-proactive-close', 'aria-label': dismiss });
  close.innerHTML = ICON_CLOSE;
  open.onclick = onOpen;
  close.onclick = onDismiss;
  return el('div', { class: 'linktor-proactive', role: 'status', dir }, open, close);
}
