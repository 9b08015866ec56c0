// The contract between the loader (linktor.js, on every page) and the chat panel
// (linktor-panel.js, loaded on first open or when idle): what the loader hands the panel,
// and what the panel lets the loader drive. Types only: no bytes in either bundle.

import type { LinktorInitOptions } from '@linktor/shared/options';
import type { ChannelConfig, Message, UserInfo } from '../protocol';
import type { Settings } from './settings';
import type { WidgetStorage } from './storage';

export interface PanelHost {
  /** The `.linktor-widget` root; the panel puts its own element in it. */
  root: HTMLElement;
  /** The launcher button, where focus goes back when the panel closes (null when hidden). */
  launcher(): HTMLElement | null;
  /** init's options, checked; the panel resolves them over `config` (shared/settings.ts). */
  options: LinktorInitOptions;
  config: ChannelConfig | null;
  /** The origin that served linktor.js, where every request goes. */
  apiBase: string;
  /** The user as known now: init's `user` with every `updateUser` applied. */
  user(): { user?: UserInfo; userHash?: string };
  /**
   * The `linktor_resume` token of an emailed link this page was opened with (the loader
   * took it out of the address bar): the first session request exchanges it for that
   * visitor's session, then it is dropped.
   */
  resume: string | null;
  /** The proactive messages shown on this page so far, to show in the conversation. */
  proactive: string[];
  /**
   * The `onlyOnce` proactive rules shown so far (see shared/triggers.ts). Before consent the
   * loader keeps them in memory only; the panel stores them when the visitor consents.
   */
  seen: ReadonlySet<string>;
  isOpen(): boolean;
  /** The panel asks to close (Escape, close button): the loader closes and calls onClose. */
  requestClose(): void;
  setUnread(count: number): void;
  /** A new message was stored (either side): the loader calls the page's onMessage. */
  messageStored(message: Message): void;
  report(message: string): void;
}

/** The host as the panel's parts see it, with the resolved settings. */
export interface PanelContext extends PanelHost {
  settings: Settings;
  storage: WidgetStorage;
}

export interface PanelApi {
  setOpen(open: boolean): void;
  /** `linktor('sendMessage', …)`'s argument, unchecked: `{ text }` (or the text itself). */
  sendMessage(arg: unknown): void;
  updateUser(user: UserInfo): void;
  showProactive(text: string): void;
  /** The launcher's accessible name: "Close chat", or "Open chat, 2 unread messages". */
  launcherLabel(open: boolean, unread: number): string;
  reset(): void;
  destroy(): void;
}

/** What linktor-panel.js hands the loader through the `linktor:panel` event on its script element. */
export interface PanelModule {
  mount(host: PanelHost): Promise<PanelApi>;
}

export const PANEL_EVENT = 'linktor:panel';
