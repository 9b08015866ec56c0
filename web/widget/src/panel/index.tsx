// linktor-panel.js: the chat panel, loaded by linktor.js on first open (or when the page is
// idle, for a returning visitor). It hands its `mount` to the loader through an event on its
// own <script> element, so it needs no global of its own.

import { render } from 'preact';
import type { PanelApi, PanelContext, PanelHost, PanelModule } from '../shared/host';
import { PANEL_EVENT } from '../shared/host';
import { format, stringsFor } from '../shared/language';
import { launcherStrings } from '../shared/launcherStrings';
import { checkUser, validateDetails } from '../shared/options';
import { resolveSettings } from '../shared/settings';
import { clearStorage, createStorage } from '../shared/storage';
import { asText, onColor, parseColor } from '../shared/color';
import { Chat } from './chat';
import { fitToViewport, lockPageScroll, NARROW } from './mobile';
import { Panel } from './Panel';
import { partCss, scriptUrl } from './parts';
import { panelStrings } from './strings';
import { panelCss } from './styles';
import { unlockSound } from './sound';

async function mount(loaderHost: PanelHost): Promise<PanelApi> {
  validateDetails(loaderHost.options, loaderHost.report);
  const settings = resolveSettings(loaderHost.options, loaderHost.config, navigator.language || 'en');
  const storage = createStorage(settings.channelId, { persist: settings.persistSession, cookieConsent: settings.privacy.cookieConsent });
  const host: PanelContext = { ...loaderHost, settings, storage };
  const t = { ...stringsFor(launcherStrings, settings.language, {}), ...(await panelStrings(scriptUrl, settings.language)), ...settings.translations };
  if (!loaderHost.root.isConnected) throw 'destroyed'; // while the strings were fetched
  const id = host.root.getAttribute('data-panel-id') || 'linktor-panel';

  // After the loader's <style>, still before the page's own CSS (see loader/styles.ts).
  const style = document.createElement('style');
  style.setAttribute('data-linktor-panel', '');
  style.textContent = panelCss + partCss;
  const loaderStyle = document.head.querySelector('style[data-linktor]');
  if (loaderStyle) loaderStyle.after(style);
  else document.head.prepend(style);

  const slot = document.createElement('div');
  slot.className = 'linktor-slot';
  const live = document.createElement('div');
  live.className = 'linktor-sr';
  live.setAttribute('aria-live', 'polite');
  host.root.prepend(slot);
  host.root.append(live);

  // The site's CSS may replace --linktor-primary: keep the text on it readable (AA) anyway.
  const fitContrast = () => {
    const shown = parseColor(getComputedStyle(host.root).getPropertyValue('--linktor-primary'));
    if (shown) style.textContent = `${panelCss}${partCss}.linktor-widget.linktor-widget{--linktor-on-primary:${onColor(shown)};--linktor-primary-text:${asText(shown)}}`;
  };
  fitContrast();

  const chat = new Chat(host, t);
  render(<Panel chat={chat} id={id} />, slot);

  let lastAnnounce = 0;
  const unsubscribe = chat.subscribe(() => {
    const a = chat.state.announce;
    if (a.n !== lastAnnounce) {
      lastAnnounce = a.n;
      live.textContent = a.text;
    }
  });

  const cleanups: (() => void)[] = [unsubscribe];
  const on = (target: EventTarget, type: string, f: (e: any) => void, opts?: AddEventListenerOptions) => {
    target.addEventListener(type, f, opts);
    cleanups.push(() => target.removeEventListener(type, f, opts));
  };
  on(document, 'visibilitychange', () => chat.markRead());
  on(window, 'online', () => chat.conn.wake());
  if (settings.soundEnabled) {
    // Browsers let audio start only after a gesture: any click or key on the page will do.
    // The page was already clicked (sticky activation): audio may start now.
    if ((navigator as any).userActivation?.hasBeenActive) unlockSound();
    const unlock = () => unlockSound();
    on(document, 'pointerdown', unlock, { capture: true, passive: true });
    on(document, 'keydown', unlock, { capture: true, passive: true });
  }

  let unlockScroll: (() => void) | null = null;
  let unfit: (() => void) | null = null;
  const narrow = window.matchMedia(NARROW);
  const fitPhone = () => {
    unlockScroll?.();
    unfit?.();
    unlockScroll = unfit = null;
    const panel = slot.querySelector<HTMLElement>('.linktor-panel');
    if (chat.state.open && narrow.matches && panel) {
      unlockScroll = lockPageScroll();
      unfit = fitToViewport(panel);
    }
  };
  on(narrow, 'change', fitPhone);
  cleanups.push(() => {
    unlockScroll?.();
    unfit?.();
  });

  // Escape on the launcher or the proactive bubble closes the chat too (inside the panel,
  // Panel.tsx closes the image viewer first).
  on(host.root, 'keydown', (e: KeyboardEvent) => {
    if (e.key === 'Escape' && chat.state.open) host.requestClose();
  });
  // A phone's full-screen panel is modal: focus that lands outside it (a script of the page,
  // a screen reader) is brought back.
  on(document, 'focusin', (e: FocusEvent) => {
    if (chat.state.open && narrow.matches && !slot.contains(e.target as Node)) slot.querySelector<HTMLElement>('.linktor-panel')?.focus();
  });

  /** Where focus was when the chat opened: it goes back there on close when there is no launcher (a custom one). */
  let opener: HTMLElement | null = null;
  return {
    setOpen(open) {
      const had = document.activeElement as HTMLElement | null;
      const hadFocus = slot.contains(had);
      if (open) {
        fitContrast();
        if (!hadFocus) opener = had;
      }
      chat.setOpen(open);
      fitPhone();
      if (!open && hadFocus) (host.launcher() ?? opener)?.focus();
    },
    sendMessage(arg) {
      const text = (arg as { text?: unknown } | null)?.text ?? arg;
      if (typeof text === 'string' && text.trim()) chat.sendText(text);
      else host.report('sendMessage: expected { text: "…" }');
    },
    updateUser(user) {
      const checked = { ...user };
      checkUser(checked, host.report);
      chat.updateUser(checked);
    },
    showProactive: (text) => chat.showProactive(text),
    launcherLabel: (open, unread) => (open ? t.closeChat : unread ? `${t.openChat}, ${format(t.unreadMessages, { n: unread })}` : t.openChat),
    reset() {
      storage.remove('session');
      clearStorage(settings.channelId);
      chat.reset();
    },
    destroy() {
      cleanups.forEach((f) => f());
      chat.destroy();
      render(null, slot);
      slot.remove();
      live.remove();
      style.remove();
    },
  };
}

const module: PanelModule = { mount };
document.currentScript?.dispatchEvent(new CustomEvent(PANEL_EVENT, { detail: module }));
