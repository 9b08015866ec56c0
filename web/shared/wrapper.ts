// The framework-free core every wrapper (React, Vue, Angular) drives: it puts the spec's loader
// snippet on the page (the `linktor` queue, then linktor.js from the configured server), calls
// `init` with the options, `updateUser` when only the user changed, destroy + init when another
// option changed, and `destroy` at the end. It touches `window` only in its methods, never at
// import, so server rendering is safe. Each wrapper's build copies it into its source.

import type { Message } from '../protocol/index.js';
import type { LinktorCallbacks, LinktorCommand, LinktorSettings, LinktorUser } from './options.js';

/** The cloud's widget script, as in the spec's snippet. */
export const DEFAULT_WIDGET_URL = 'https://widget.linktor.io/v1/linktor.js';

/** Where linktor.js comes from: `widgetUrl` as is, else `<baseUrl>/v1/linktor.js`, else the cloud. */
export interface LinktorSource {
  /** Your Linktor server when self-hosting, e.g. `https://chat.example.com`. */
  baseUrl?: string;
  /** The full URL of linktor.js (overrides baseUrl). */
  widgetUrl?: string;
}

export const widgetUrlOf = ({ baseUrl, widgetUrl }: LinktorSource) => widgetUrl || (baseUrl ? `${baseUrl.replace(/\/+$/, '')}/v1/linktor.js` : DEFAULT_WIDGET_URL);

export const SETTINGS: (keyof LinktorSettings)[] = [
  'channelId', 'primaryColor', 'position', 'size', 'zIndex', 'language', 'translations', 'autoOpen', 'openDelay', 'soundEnabled',
  'showLauncher', 'preChatForm', 'user', 'userHash', 'proactiveMessages', 'fileUpload', 'persistSession', 'sessionDuration', 'offline', 'privacy',
];

type LinktorFn = ((command: string, ...args: unknown[]) => void) & { q?: unknown[]; l?: number; version?: string };

/** The page's `linktor` function: the snippet's queue until linktor.js replaces it; undefined on the server. */
function linktorFn(): LinktorFn | undefined {
  if (typeof window === 'undefined') return undefined;
  const w = window as unknown as Record<string, unknown>;
  return w[(w.LinktorObject as string) || 'linktor'] as LinktorFn | undefined;
}

/**
 * A command to the widget on this page, queued until it is ready. Does nothing on the server or
 * before any widget was set up.
 */
export function command(name: LinktorCommand, ...args: unknown[]) {
  linktorFn()?.(name, ...args);
}

/** The spec's loader snippet, run once per page: the `linktor` queue and linktor.js. */
export function loadWidget(url: string) {
  const w = window as unknown as Record<string, any>;
  const t = 'linktor';
  // As the snippet does: a queue that linktor.js drains and replaces.
  w.LinktorObject = w.LinktorObject || t;
  const name = w.LinktorObject;
  w[name] = w[name] || function () {
    (w[name].q = w[name].q || []).push(arguments);
  };
  w[name].l = 1 * (new Date() as unknown as number);
  if (w[name].version || document.querySelector('script[data-linktor-loader]')) return;
  const o = document.createElement('script');
  o.async = true;
  o.src = url;
  o.setAttribute('data-linktor-loader', '');
  const r = document.getElementsByTagName('script')[0];
  if (r?.parentNode) r.parentNode.insertBefore(o, r);
  else document.head.appendChild(o);
}

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * One widget on the page, driven by a component. Callbacks are read from `callbacks()` when they
 * fire, so a component may pass new functions on every render without re-creating the widget.
 */
export class LinktorWidget {
  private live = false;
  private settingsKey = '';
  private userKey = '';

  constructor(private readonly callbacks: () => LinktorCallbacks) {}

  /** Creates the widget, or brings it up to date with `settings`. */
  update(settings: LinktorSettings, source: LinktorSource = {}) {
    if (typeof window === 'undefined') return;
    const { user, ...rest } = defined(settings) as LinktorSettings;
    const settingsKey = JSON.stringify([rest, widgetUrlOf(source)]);
    const userKey = JSON.stringify(user ?? null);
    if (this.live && settingsKey === this.settingsKey) {
      if (userKey !== this.userKey && user) command('updateUser', user);
      this.userKey = userKey;
      return;
    }
    if (this.live) command('destroy');
    loadWidget(widgetUrlOf(source));
    const cb = this.callbacks;
    linktorFn()!('init', {
      ...rest,
      ...(user ? { user } : {}),
      onReady: () => cb().onReady?.(),
      onOpen: () => cb().onOpen?.(),
      onClose: () => cb().onClose?.(),
      onMessage: (m: Message) => cb().onMessage?.(m),
    });
    this.live = true;
    this.settingsKey = settingsKey;
    this.userKey = userKey;
  }

  /** Removes the widget: every node, listener, timer and socket. */
  destroy() {
    if (!this.live) return;
    this.live = false;
    command('destroy');
  }
}

export interface LinktorControls {
  open(): void;
  close(): void;
  toggle(): void;
  /** Sends a message as the visitor: `sendMessage({ text: 'Hello' })` or `sendMessage('Hello')`. */
  sendMessage(message: { text: string } | string): void;
  updateUser(user: LinktorUser): void;
  showProactiveMessage(message: { text: string; delay?: number }): void;
  hideLauncher(): void;
  showLauncher(): void;
  /** Forgets the session in this browser and starts a new visitor. */
  reset(): void;
}

/** The spec's JavaScript API for the widget of this page (commands wait until it is ready; on the server they do nothing). */
export const linktor: LinktorControls = {
  open: () => command('open'),
  close: () => command('close'),
  toggle: () => command('toggle'),
  sendMessage: (message) => command('sendMessage', typeof message === 'string' ? { text: message } : message),
  updateUser: (user) => command('updateUser', user),
  showProactiveMessage: (message) => command('showProactiveMessage', message),
  hideLauncher: () => command('hideLauncher'),
  showLauncher: () => command('showLauncher'),
  reset: () => command('reset'),
};
